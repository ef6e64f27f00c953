import { eq } from 'drizzle-orm';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../../src/db/schema/index.js';
import { addCustomerAlias } from '../../../src/domain/customers/customer-aliases.js';
import { createCustomerNameCache } from '../../../src/domain/customers/customer-name-cache.js';
import { findCustomerByName } from '../../../src/domain/customers/customers-repo.js';
import { normalizeCustomerName } from '../../../src/domain/customers/normalize-name.js';
import { parseNote } from '../../../src/domain/notes/index.js';
import { createUsersService, type UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';
import { createObservedDb, type ObservedDb } from './count-statements.js';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('customer name cache', () => {
  const testDb = useTestDatabase();
  let observed: ObservedDb;
  beforeAll(() => {
    observed = createObservedDb(testDb.url);
  });
  afterAll(() => observed.close());

  async function workspace() {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const users = createUsersService({ db: testDb.db, clock: fixedClock(NOW), teams: [] });
    const rep = await users.ensureUser(workspaceId, 'feishu', uniqueId('ou'));
    const otherRep = await users.ensureUser(workspaceId, 'feishu', uniqueId('ou'));
    const insert = async (name: string, values: Partial<typeof customers.$inferInsert> = {}) => {
      const [row] = await testDb.db.insert(customers).values({
        workspaceId,
        name,
        normalizedName: normalizeCustomerName(name),
        tags: [],
        ownerUserId: rep.id,
        createdAt: ago(60 * MINUTE),
        updatedAt: ago(60 * MINUTE),
        ...values,
      });
      return row.insertId;
    };
    return { workspaceId, rep, otherRep, insert };
  }

  /** 2,000 customers changed over the last days: a third each the rep's, another rep's, the pool's. */
  async function seed2000(workspaceId: number, rep: UserRecord, otherRep: UserRecord) {
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      workspaceId,
      name: `客户${i}号科技有限公司`,
      normalizedName: `客户${i}号科技`,
      tags: [],
      ownerUserId: [rep.id, otherRep.id, null][i % 3],
      lastFollowUpAt: ago(i * MINUTE),
      createdAt: ago(10_000 * MINUTE),
      updatedAt: ago((i + 10) * MINUTE),
    }));
    for (let i = 0; i < rows.length; i += 500) await testDb.db.insert(customers).values(rows.slice(i, i + 500));
  }

  it('with 2,000 customers a note costs one indexed statement that reads only what changed', async () => {
    const { workspaceId, rep, otherRep, insert } = await workspace();
    await seed2000(workspaceId, rep, otherRep);
    const clock = fixedClock(NOW);
    const cache = createCustomerNameCache({ db: observed.db, clock });
    observed.reset();
    const first = await cache.namesInScope(workspaceId, { ownerUserId: rep.id });
    expect(first).toHaveLength(1333); // the rep's 667 and the pool's 666
    expect(observed.statements()).toHaveLength(1);

    for (let note = 0; note < 5; note++) {
      if (note === 2) await insert('杭州云帆科技有限公司', { updatedAt: NOW });
      clock.advance(1000);
      observed.reset();
      const known = await cache.namesInScope(workspaceId, { ownerUserId: rep.id });
      expect(observed.statements()).toHaveLength(1);
      // Only rows stamped within 15 s of the newest seen are read again, never the 2,000.
      expect((await observed.rowCounts())[0]).toBeLessThanOrEqual(2);
      expect(known.some((k) => k.name === '杭州云帆科技有限公司')).toBe(note >= 2);
      const [call] = observed.calls();
      if (!call) throw new Error('no statement seen');
      const [plan] = await observed.pool.query<RowDataPacket[]>(`EXPLAIN ${call.sql}`, call.params);
      expect(plan.find((p: RowDataPacket) => p.table === 'customers')).toMatchObject({
        type: 'range',
        key: 'customers_workspace_updated_idx',
      });
    }
  });

  it("scope: the rep's own customers and the pool; every customer without an owner given", async () => {
    const { workspaceId, rep, otherRep, insert } = await workspace();
    await insert('自己的客户');
    await insert('公海客户', { ownerUserId: null });
    await insert('别人的客户', { ownerUserId: otherRep.id });
    const cache = createCustomerNameCache({ db: testDb.db, clock: fixedClock(NOW) });
    expect((await cache.namesInScope(workspaceId, { ownerUserId: rep.id })).map((k) => k.name).sort()).toEqual(['公海客户', '自己的客户']);
    expect((await cache.namesInScope(workspaceId)).map((k) => k.name).sort()).toEqual(['公海客户', '别人的客户', '自己的客户']);
    // The index holds the whole workspace; the scope decides what a note matches.
    const matched = async (ownerUserId: number, note: string) =>
      parseNote(note, {
        now: NOW,
        timeZone: 'Asia/Shanghai',
        knownCustomers: await cache.knownCustomers(workspaceId, { ownerUserId }),
      }).customerCandidates.map((c) => c.name);
    expect(await matched(rep.id, '今天拜访别人的客户')).not.toContain('别人的客户');
    expect(await matched(otherRep.id, '今天拜访别人的客户')).toContain('别人的客户');
    expect(await matched(otherRep.id, '今天拜访自己的客户')).not.toContain('自己的客户');
    expect(await matched(otherRep.id, '今天拜访公海客户')).toContain('公海客户');
  });

  it('sees what another replica wrote: new rows with the same timestamp, late commits, renames, new owners', async () => {
    const { workspaceId, rep, otherRep, insert } = await workspace();
    const clock = fixedClock(NOW);
    const cache = createCustomerNameCache({ db: testDb.db, clock });
    const names = async () => (await cache.namesInScope(workspaceId, { ownerUserId: rep.id })).map((k) => k.name).sort();
    const a = await insert('甲公司', { updatedAt: NOW });
    expect(await names()).toEqual(['甲公司']);
    await insert('乙公司', { updatedAt: NOW }); // same updated_at as the newest row seen
    await insert('丙公司', { updatedAt: ago(10_000) }); // stamped 10 s before the newest seen, committed after
    expect(await names()).toEqual(['丙公司', '乙公司', '甲公司']);
    await testDb.db.update(customers).set({ name: '甲集团', updatedAt: NOW }).where(eq(customers.id, a));
    expect(await names()).toEqual(['丙公司', '乙公司', '甲集团']);
    await testDb.db.update(customers).set({ ownerUserId: otherRep.id, updatedAt: NOW }).where(eq(customers.id, a));
    expect(await names()).toEqual(['丙公司', '乙公司']);
  });

  it('drops a deleted customer at the next full reload (5 minutes), or at once when told', async () => {
    const { workspaceId, rep, insert } = await workspace();
    const clock = fixedClock(NOW);
    const cache = createCustomerNameCache({ db: testDb.db, clock });
    const names = async () => (await cache.namesInScope(workspaceId, { ownerUserId: rep.id })).map((k) => k.name).sort();
    const gone = await insert('撤销了的客户');
    const forgotten = await insert('已知已删的客户');
    await insert('留下的客户');
    expect(await names()).toEqual(['已知已删的客户', '撤销了的客户', '留下的客户']);
    await testDb.db.delete(customers).where(eq(customers.id, gone));
    await testDb.db.delete(customers).where(eq(customers.id, forgotten));
    cache.forget(workspaceId, forgotten);
    clock.advance(4 * MINUTE);
    expect(await names()).toEqual(['撤销了的客户', '留下的客户']);
    clock.advance(MINUTE);
    expect(await names()).toEqual(['留下的客户']);
  });

  it('within freshForMs asks nothing; a customer this process created is known at once; exactId answers from memory', async () => {
    const { workspaceId, rep, insert } = await workspace();
    const clock = fixedClock(NOW);
    const cache = createCustomerNameCache({ db: observed.db, clock, freshForMs: 2000 });
    const names = async () => (await cache.namesInScope(workspaceId, { ownerUserId: rep.id })).map((k) => k.name).sort();
    const first = await insert('甲公司', { updatedAt: NOW });
    expect(await names()).toEqual(['甲公司']);
    expect(cache.exactId(workspaceId, '甲公司有限公司')).toBe(first);
    expect(cache.exactId(workspaceId, '乙公司')).toBeNull();
    expect(cache.exactId(workspaceId + 1_000_000, '甲公司')).toBeUndefined();

    // Another replica adds a customer: not seen until the window has passed.
    const second = await insert('乙公司', { updatedAt: NOW });
    observed.reset();
    clock.advance(1999);
    expect(await names()).toEqual(['甲公司']);
    expect(observed.statements()).toEqual([]);
    clock.advance(1);
    expect(await names()).toEqual(['乙公司', '甲公司']);
    expect(cache.exactId(workspaceId, '乙公司')).toBe(second);
    expect(observed.statements()).toHaveLength(1);

    // This process creates one: its next note matches it without asking the database.
    const third = await insert('丙公司', { updatedAt: clock.now() });
    cache.created(workspaceId, {
      id: third,
      name: '丙公司',
      normalizedName: normalizeCustomerName('丙公司'),
      ownerUserId: rep.id,
      lastFollowUpAt: null,
      updatedAt: clock.now(),
    });
    observed.reset();
    expect(await names()).toEqual(['丙公司', '乙公司', '甲公司']);
    expect(cache.exactId(workspaceId, '丙公司')).toBe(third);
    expect(observed.statements()).toEqual([]);
    // The next delta still reads what another replica committed before it, stamped earlier.
    await insert('丁公司', { updatedAt: new Date(clock.now().getTime() - 500) });
    clock.advance(2000);
    expect(await names()).toEqual(['丁公司', '丙公司', '乙公司', '甲公司']);
    expect(observed.statements()).toHaveLength(1);
  });

  it('aliases: added through addCustomerAlias, seen by the next lookup and matched by the parser', async () => {
    const { workspaceId, rep, insert } = await workspace();
    const icbc = await insert('中国工商银行');
    const other = await insert('招商银行');
    const names = createCustomerNameCache({ db: observed.db, clock: fixedClock(NOW) });
    const known = () => names.namesInScope(workspaceId, { ownerUserId: rep.id });
    expect(await known()).toEqual([
      expect.objectContaining({ name: '中国工商银行', aliases: [] }),
      expect.objectContaining({ name: '招商银行' }),
    ]);
    const add = (customerId: number, alias: string) => addCustomerAlias(testDb.db, { workspaceId, customerId, alias, now: NOW });
    expect(await add(icbc, 'ICBC')).toEqual({ kind: 'added' });
    expect(await add(icbc, '工行')).toEqual({ kind: 'added' });
    expect(await add(icbc, 'icbc.')).toEqual({ kind: 'exists' });
    expect(await add(other, '工行')).toEqual({ kind: 'taken', customerId: icbc });
    expect(await add(other, '中国工商银行有限公司')).toEqual({ kind: 'taken', customerId: icbc });
    expect(await add(other, '。。。')).toEqual({ kind: 'invalid' });
    expect(await add(999_999_999, '无此客户')).toEqual({ kind: 'not_found' });
    observed.reset();
    const list = await known();
    expect(observed.statements()).toHaveLength(1);
    expect(list.find((k) => k.id === String(icbc))?.aliases).toEqual(['ICBC', '工行']);
    expect(names.exactId(workspaceId, '工行')).toBe(icbc);
    // The database's answer to the same question, in one statement (name first, then alias), as its rows read.
    const [row] = await testDb.db.select().from(customers).where(eq(customers.id, icbc));
    observed.reset();
    expect(await findCustomerByName(observed.db, workspaceId, '工行')).toEqual(row);
    expect(await findCustomerByName(observed.db, workspaceId, '中国工商银行有限公司')).toEqual(row);
    expect(observed.statements()).toHaveLength(2);
    const note = parseNote('下午去工行见了刘处长,谈贷款', {
      now: NOW,
      timeZone: 'Asia/Shanghai',
      knownCustomers: await names.knownCustomers(workspaceId, { ownerUserId: rep.id }),
    });
    expect(note).toMatchObject({ customer: '中国工商银行', customerCandidates: [{ id: String(icbc), score: 0.97 }] });
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { assignments, auditLog, contacts, customers, followUps, users } from '../../../src/db/schema/index.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { customersXlsx } from '../../fixtures/import/customers-xlsx.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'genjin-import-'));
const CSV = join(import.meta.dirname, '../../fixtures/import/customers.csv');

describe('genjin import', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });
  const f = handoverFixture(() => testDb.handle);
  let w: number;
  let zhang: UserRecord;
  let li: UserRecord;
  let xlsx: string;
  beforeEach(async () => {
    w = await createTestWorkspace(testDb.handle, 'feishu');
    const team = await f.team(w, 'east');
    zhang = await f.user(w, 'rep', team, { name: '张三', platformUserId: 'ou_zhang' });
    li = await f.user(w, 'rep', null, { name: '李四', platformUserId: 'ou_li' });
    xlsx = join(dir, `customers-${w}.xlsx`);
    writeFileSync(xlsx, await customersXlsx({ zhang: '张三', li: 'feishu:ou_li' }));
  });
  const run = (...args: string[]) => runCliCapturing(['import', ...args, '--workspace', String(w)], env());
  const customersOf = async () => {
    const rows = await testDb.db.select().from(customers).where(eq(customers.workspaceId, w));
    return new Map(rows.map((c) => [c.name, c]));
  };
  const snapshot = async () => ({
    customers: await testDb.db.select().from(customers).where(eq(customers.workspaceId, w)),
    followUps: await testDb.db.select().from(followUps).where(eq(followUps.workspaceId, w)),
    contacts: await testDb.db.select().from(contacts).where(eq(contacts.workspaceId, w)),
    assignments: await testDb.db.select().from(assignments).where(eq(assignments.workspaceId, w)),
    audit: await testDb.db.select().from(auditLog).where(eq(auditLog.workspaceId, w)),
    users: await testDb.db.select().from(users).where(eq(users.workspaceId, w)),
  });

  const XLSX_REPORT = [
    'unknown columns, ignored: 来源渠道',
    'registered new users: feishu:ou_newcomer',
    'row 4: 备注 not imported: the row names no 负责人 to be its author',
    'row 5: skipped: 阶段 "搞定了" is not a stage (新线索, 需求确认, 方案, 报价, 谈判, 赢单, 输单)',
    'row 7: skipped: names the same customer as row 2',
    'row 8: skipped: tier "D" is not A, B or C; 最近跟进 "明天" is not a date (write YYYY-MM-DD or YYYY-MM-DD HH:mm)',
    'created 5, updated 0, skipped 3, unchanged 0',
  ];

  it('imports a realistic xlsx: Chinese headers, Excel dates, merged and blank cells, bad rows by row number', async () => {
    const result = await run(xlsx);
    expect(result.code).toBe(0);
    expect(result.out.trimEnd().split('\n')).toEqual(XLSX_REPORT);
    expect(result.err).toContain('5/5 rows');
    const all = await customersOf();
    expect([...all.keys()].sort()).toEqual(['上海星河贸易', '台州西湖', '杭州云帆科技有限公司', '温州东方', '苏州明达']);
    const newcomer = (await snapshot()).users.find((u) => u.platformUserId === 'ou_newcomer');
    expect(newcomer).toMatchObject({ role: 'rep', active: true });
    expect(all.get('杭州云帆科技有限公司')).toMatchObject({
      ownerUserId: zhang.id,
      teamId: zhang.teamId,
      stage: 'quote',
      tier: 'A',
      tags: ['SaaS', '续费'],
      amount: 500000,
      currency: 'CNY',
      phone: '13800000001',
      // An Excel date cell without a time: 09:00 in Asia/Shanghai; the text date keeps its time.
      lastFollowUpAt: new Date('2026-11-20T01:00:00Z'),
      nextFollowUpAt: new Date('2026-12-01T02:00:00Z'),
      pooledAt: null,
    });
    expect(all.get('上海星河贸易')).toMatchObject({
      ownerUserId: newcomer!.id,
      stage: 'negotiation',
      tier: 'B',
      tags: ['大客户', '华东'],
      amount: 45000,
    });
    expect(all.get('苏州明达')).toMatchObject({ ownerUserId: null, stage: 'lead' });
    expect(all.get('苏州明达')!.pooledAt).not.toBeNull();
    expect(all.get('温州东方')).toMatchObject({
      ownerUserId: li.id,
      stage: 'proposal',
      tier: 'C',
      amount: 1200000,
      lastFollowUpAt: new Date('2026-11-21T07:45:00Z'),
    });
    // 负责人 is merged over rows 9 and 10: the merged cell names the owner of both.
    expect(all.get('台州西湖')).toMatchObject({ ownerUserId: li.id, stage: 'lead' });

    const snap = await snapshot();
    expect(snap.contacts.map((c) => [c.customerId, c.name])).toEqual([[all.get('杭州云帆科技有限公司')!.id, '王经理']]);
    // One follow-up per 备注, written by the row's owner, dated by the row's last follow-up.
    const yunfan = snap.followUps.find((x) => x.customerId === all.get('杭州云帆科技有限公司')!.id);
    expect(yunfan).toMatchObject({
      authorUserId: zhang.id,
      rawText: '客户要求下周给报价',
      status: 'confirmed',
      occurredAt: new Date('2026-11-20T01:00:00Z'),
    });
    expect(yunfan!.sourceMessageId).toMatch(/^import:[0-9a-f]{40}$/);
    expect(snap.followUps.find((x) => x.customerId === all.get('上海星河贸易')!.id)).toMatchObject({ authorUserId: newcomer!.id });
    expect(snap.followUps).toHaveLength(2);
    // Owned customers get their `create` assignment; every one an audit row by the import.
    expect(snap.assignments.map((a) => a.reason)).toEqual(['create', 'create', 'create', 'create']);
    expect(snap.audit.filter((a) => a.action === 'customer.create' && a.actor === 'cli' && a.source === 'import')).toHaveLength(5);
  });

  it('changes nothing the second time (0 created, 0 updated) and adds no note twice', async () => {
    expect((await run(xlsx)).code).toBe(0);
    const before = await snapshot();
    const again = await run(xlsx);
    expect(again.code).toBe(0);
    expect(again.out.trimEnd().split('\n').at(-1)).toBe('created 0, updated 0, skipped 3, unchanged 5');
    expect(await snapshot()).toEqual(before);
  });

  it('--dry-run prints the same report and changes nothing (no customer, user, note or audit row)', async () => {
    const before = await snapshot();
    const dry = await run(xlsx, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.trimEnd().split('\n')).toEqual([
      ...XLSX_REPORT.slice(0, 1),
      'would register new users: feishu:ou_newcomer',
      ...XLSX_REPORT.slice(2, -1),
      'dry run: nothing was changed',
      XLSX_REPORT.at(-1),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('reads a BOM CSV with quoted commas, quotes, a line break inside a field and CRLF', async () => {
    const result = await run(CSV);
    expect(result.code).toBe(0);
    expect(result.out.trimEnd().split('\n')).toEqual([
      'unknown columns, ignored: source',
      'row 6: skipped: 阶段 "closed" is not a stage (新线索, 需求确认, 方案, 报价, 谈判, 赢单, 输单); 金额 "lots" is not an amount (such as 500000, 50万, 45k or ¥1,200,000)',
      'created 4, updated 0, skipped 1, unchanged 0',
    ]);
    const all = await customersOf();
    expect(all.get('Acme, Inc.')).toMatchObject({
      ownerUserId: zhang.id,
      stage: 'quote',
      tier: 'A',
      tags: ['cloud', 'renewal'],
      amount: 1200000,
      phone: '+1 555 0100',
      lastFollowUpAt: new Date('2026-11-18T06:30:00Z'),
      nextFollowUpAt: new Date('2026-12-02T01:00:00Z'),
    });
    expect(all.get('北京"星辰"数据')).toMatchObject({
      ownerUserId: li.id,
      stage: 'qualified',
      tier: 'B',
      tags: ['大客户', '华北'],
      amount: 45000,
    });
    expect(all.get('深圳蓝海')).toMatchObject({ ownerUserId: null, stage: 'lead', tags: [] });
    expect(all.get('Globex')).toMatchObject({
      stage: 'won',
      amount: 60000,
      currency: 'USD',
      lastFollowUpAt: new Date('2026-11-01T01:05:07Z'),
    });
    const notes = await testDb.db.select().from(followUps).where(eq(followUps.workspaceId, w));
    expect(notes.map((n) => n.rawText).sort()).toEqual(['Asked for a quote, by Friday', '多行备注：\r\n第二行']);
  });

  it('reads a CSV saved by a Chinese Excel as plain "CSV" (GB18030, not UTF-8)', async () => {
    const result = await run(join(import.meta.dirname, '../../fixtures/import/customers-gbk.csv'));
    expect(result.out).toBe('created 1, updated 0, skipped 0, unchanged 0\n');
    expect((await customersOf()).get('杭州云帆科技有限公司')).toMatchObject({ ownerUserId: li.id, stage: 'quote', amount: 300000 });
    const [note] = await testDb.db.select().from(followUps).where(eq(followUps.workspaceId, w));
    expect(note?.rawText).toBe('GBK 编码的备注，含逗号');
  });

  it('updates a customer found by normalized name: only the filled cells, the owner through ownership (assignment + audit)', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const [inserted] = await testDb.db.insert(customers).values({
      workspaceId: w,
      name: 'Acme Inc',
      normalizedName: 'acme',
      stage: 'lead',
      tier: 'C',
      tags: ['old'],
      amount: 1000,
      ownerUserId: li.id,
      phone: '021-1',
      createdAt: now,
      updatedAt: now,
    });
    const sheet = join(dir, `update-${w}.csv`);
    writeFileSync(sheet, '客户名称,负责人,阶段,等级,金额\r\nACME Inc.,feishu:ou_zhang,报价,,"¥300,000"\r\n');
    const result = await run(sheet);
    expect(result.out.trimEnd()).toBe('created 0, updated 1, skipped 0, unchanged 0');
    const [acme] = await testDb.db.select().from(customers).where(eq(customers.id, inserted.insertId));
    // Blank 等级 leaves the tier; the name stays as stored.
    expect(acme).toMatchObject({
      name: 'Acme Inc',
      stage: 'quote',
      tier: 'C',
      tags: ['old'],
      amount: 300000,
      phone: '021-1',
      ownerUserId: zhang.id,
      teamId: zhang.teamId,
    });
    const moves = await testDb.db.select().from(assignments).where(eq(assignments.customerId, inserted.insertId));
    expect(moves).toMatchObject([{ fromUserId: li.id, toUserId: zhang.id, reason: 'reassign', actorUserId: null }]);
    const audit = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(inserted.insertId))));
    expect(audit.map((a) => [a.action, a.actor, a.source]).sort()).toEqual([
      ['customer.reassign', 'cli', 'import'],
      ['customer.update', 'cli', 'import'],
    ]);
    expect((await run(sheet)).out.trimEnd()).toBe('created 0, updated 0, skipped 0, unchanged 1');
  });

  it('refuses a file without a name column, a missing workspace, and bad arguments', async () => {
    const sheet = join(dir, `noname-${w}.csv`);
    writeFileSync(sheet, '负责人,阶段\r\n张三,报价\r\n');
    expect(await run(sheet)).toMatchObject({
      code: 1,
      err: expect.stringContaining('no 客户名称 (name) column; the header row (row 1) reads: 负责人, 阶段'),
    });
    const other = await runCliCapturing(['import', CSV], env());
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/there are \d+ workspaces: choose one with --workspace <id>\n {2}\d+ feishu:/);
    expect(await runCliCapturing(['import', 'x.txt'], env())).toMatchObject({
      code: 2,
      err: expect.stringContaining('neither .xlsx nor .csv'),
    });
    expect(await runCliCapturing(['import', CSV, '--workspace', '999999'], env())).toMatchObject({
      code: 1,
      err: expect.stringContaining('no workspace 999999'),
    });
    expect(readFileSync(CSV)[0]).toBe(0xef);
  });
});

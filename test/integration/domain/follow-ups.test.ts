import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditLog, contacts, customerAliases, customers, followUps, outbox, users } from '../../../src/db/schema/index.js';
import { createFollowUpsService } from '../../../src/domain/follow-ups/follow-ups-service.js';
import { createUsersService, type UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { draftFor, NOW } from '../../helpers/factories.js';

describe('follow-ups service', () => {
  const testDb = useTestDatabase();
  const clock = fixedClock(NOW);
  let workspaceId: number;
  let rep: UserRecord;
  let otherRep: UserRecord;
  let service: ReturnType<typeof createFollowUpsService>;

  beforeEach(async () => {
    workspaceId = await createTestWorkspace(testDb.handle);
    const users = createUsersService({ db: testDb.db, clock, teams: [] });
    rep = await users.ensureUser(workspaceId, 'feishu', uniqueId('ou'));
    otherRep = await users.ensureUser(workspaceId, 'feishu', uniqueId('ou'));
    service = createFollowUpsService({ db: testDb.db, clock });
  });

  const record = (text: string, source = uniqueId('om'), extra: Partial<Parameters<typeof service.recordNote>[0]> = {}) =>
    service.recordNote({ workspaceId, author: rep, text, sourceMessageId: source, occurredAt: NOW, draft: draftFor(text), ...extra });

  it('saves the follow-up, creates the customer and contact, audits and enqueues the reply in one transaction', async () => {
    const text = '今天给云帆科技王总打电话,预算50万,下周三上门演示';
    const result = await record(text, 'om_1', {
      outbound: (r) => [{ target: 'feishu:oc_1', payload: { kind: 'test', result: r.kind }, dedupeKey: `reply:${workspaceId}:om_1` }],
    });
    expect(result.kind).toBe('saved');
    if (result.kind !== 'saved') return;
    expect(result.createdCustomer).toBe(true);
    expect(result.customer).toMatchObject({
      name: '云帆科技',
      ownerUserId: rep.id,
      amount: 500000,
      stage: 'lead',
      nextFollowUpAt: new Date('2026-12-02T01:00:00Z'),
      lastFollowUpAt: NOW,
    });
    expect(result.followUp).toMatchObject({
      status: 'confirmed',
      channel: 'call',
      sourceMessageId: 'om_1',
      rawText: text,
      customerId: result.customer.id,
    });
    const [contact] = await testDb.db.select().from(contacts).where(eq(contacts.customerId, result.customer.id));
    expect(contact?.name).toBe('王总');
    const audits = await testDb.db.select().from(auditLog).where(eq(auditLog.workspaceId, workspaceId));
    expect(audits.map((a) => a.action)).toEqual(['follow_up.create', 'customer.update']);
    // The new customer's amount came from the note: audited with the change, in the same transaction.
    expect(audits[1]).toMatchObject({ subjectType: 'customer', before: { amount: null }, after: { amount: 500000 }, source: 'note' });
    const [reply] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `reply:${workspaceId}:om_1`));
    expect(reply?.payload).toEqual({ kind: 'test', result: 'saved' });
  });

  it('rolls everything back when the reply cannot be enqueued', async () => {
    const source = uniqueId('om');
    await expect(
      record('拜访鑫源化工有限公司,见了吴工', source, {
        outbound: () => {
          throw new Error('render failed');
        },
      }),
    ).rejects.toThrow('render failed');
    expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, source))).toHaveLength(0);
    expect(await testDb.db.select().from(customers).where(eq(customers.workspaceId, workspaceId))).toHaveLength(0);
  });

  it('treats a redelivered message as a duplicate, also when ten arrive at once', async () => {
    const first = await record('光明乳业选了竞品,丢单了', 'om_dup');
    expect(first.kind).toBe('saved');
    expect((await record('光明乳业选了竞品,丢单了', 'om_dup')).kind).toBe('duplicate');

    const results = await Promise.all(Array.from({ length: 10 }, () => record('美的集团签约了,合同金额88万', 'om_race')));
    expect(results.filter((r) => r.kind === 'saved')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(9);
    expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'om_race'))).toHaveLength(1);
  });

  it('writes nothing for a note without a customer', async () => {
    expect((await record('今天没有客户跟进')).kind).toBe('not_understood');
    expect(await testDb.db.select().from(followUps).where(eq(followUps.workspaceId, workspaceId))).toHaveLength(0);
  });

  it('asks between close candidates, then confirms the pick, once', async () => {
    const now = NOW;
    const [a] = await testDb.db
      .insert(customers)
      .values({ workspaceId, name: '云帆科技', normalizedName: '云帆科技', tags: [], createdAt: now, updatedAt: now });
    const [b] = await testDb.db
      .insert(customers)
      .values({ workspaceId, name: '云帆物流', normalizedName: '云帆物流', tags: [], createdAt: now, updatedAt: now });
    const known = [
      { id: String(a.insertId), name: '云帆科技' },
      { id: String(b.insertId), name: '云帆物流' },
    ];
    const text = '给云帆王总打电话,报价已发';
    const result = await service.recordNote({
      workspaceId,
      author: rep,
      text,
      sourceMessageId: uniqueId('om'),
      occurredAt: NOW,
      draft: draftFor(text, {}, known),
    });
    expect(result.kind).toBe('needs_customer');
    if (result.kind !== 'needs_customer') return;
    expect(result.followUp).toMatchObject({ status: 'draft', customerId: null });
    expect(result.candidates.map((c) => c.name).sort()).toEqual(['云帆物流', '云帆科技'].sort());

    expect(
      await service.chooseCustomer({ workspaceId, actor: otherRep, followUpId: result.followUp.id, choice: { customerId: b.insertId } }),
    ).toEqual({ kind: 'forbidden' });
    const picked = await service.chooseCustomer({
      workspaceId,
      actor: rep,
      followUpId: result.followUp.id,
      choice: { customerId: b.insertId },
    });
    expect(picked).toMatchObject({ kind: 'saved', customer: { id: b.insertId, stage: 'quote' }, followUp: { status: 'confirmed' } });
    expect(
      (await service.chooseCustomer({ workspaceId, actor: rep, followUpId: result.followUp.id, choice: { customerId: a.insertId } })).kind,
    ).toBe('already_done');
  });

  it('takes an explicit alias as the customer without asking', async () => {
    const now = NOW;
    const [c] = await testDb.db
      .insert(customers)
      .values({ workspaceId, name: '杭州云帆科技有限公司', normalizedName: '杭州云帆科技', tags: [], createdAt: now, updatedAt: now });
    await testDb.db
      .insert(customerAliases)
      .values({ workspaceId, customerId: c.insertId, alias: '云帆', normalizedAlias: '云帆', createdAt: now });
    const text = '给云帆打电话,方案已发';
    const result = await service.recordNote({
      workspaceId,
      author: rep,
      text,
      sourceMessageId: uniqueId('om'),
      occurredAt: NOW,
      draft: draftFor(text),
    });
    expect(result).toMatchObject({ kind: 'saved', createdCustomer: false, customer: { id: c.insertId, stage: 'proposal' } });
  });

  it('creates a new customer from the pick card', async () => {
    // A name the parser is unsure of (a bare Latin word after "with"): the rep is asked. (A person
    // alone, like 'Called Mark Chen', is a contact with no customer since round 6: not actionable.)
    const text = 'Call with Brightway about the renewal';
    const result = await record(text);
    expect(result.kind).toBe('needs_customer');
    if (result.kind !== 'needs_customer') return;
    const picked = await service.chooseCustomer({
      workspaceId,
      actor: rep,
      followUpId: result.followUp.id,
      choice: { newCustomerName: 'Chen Trading Co' },
    });
    expect(picked).toMatchObject({ kind: 'saved', createdCustomer: true, customer: { name: 'Chen Trading Co', ownerUserId: rep.id } });
  });

  it('asks about a walk-in with no organisation, offering the person as the new customer', async () => {
    const result = await record('散客 陈先生 来店看钢琴 雅马哈那台 3万5 犹豫中 说月底前定');
    expect(result).toMatchObject({ kind: 'needs_customer', candidates: [], proposedName: '陈先生' });
    if (result.kind !== 'needs_customer') return;
    const picked = await service.chooseCustomer({
      workspaceId,
      actor: rep,
      followUpId: result.followUp.id,
      choice: { newCustomerName: '陈先生' },
    });
    expect(picked).toMatchObject({ kind: 'saved', createdCustomer: true, customer: { name: '陈先生', ownerUserId: rep.id } });
  });

  it('undo restores the customer, keeps what a later follow-up set, and is spent after once', async () => {
    const first = await record('电联 保利地产 高总,报价已发,预算100万,下周一再聊');
    clock.advance(60_000);
    const second = await service.recordNote({
      workspaceId,
      author: rep,
      text: '保利地产 高总 谈价格',
      sourceMessageId: uniqueId('om'),
      occurredAt: clock.now(),
      draft: draftFor('保利地产 高总 谈价格'),
    });
    if (first.kind !== 'saved' || second.kind !== 'saved') throw new Error('expected saved');
    expect(second.customer).toMatchObject({ stage: 'negotiation', amount: 1000000 });

    const undone = await service.undo({ workspaceId, actor: rep, followUpId: first.followUp.id });
    expect(undone.kind).toBe('undone');
    const [customer] = await testDb.db.select().from(customers).where(eq(customers.id, first.customer.id));
    // The amount came only from the undone note: restored. The stage was set again later: kept.
    expect(customer).toMatchObject({ amount: null, stage: 'negotiation', nextFollowUpAt: null, lastFollowUpAt: clock.now() });
    expect((await service.undo({ workspaceId, actor: rep, followUpId: first.followUp.id })).kind).toBe('already_undone');
    expect((await service.undo({ workspaceId, actor: otherRep, followUpId: second.followUp.id })).kind).toBe('forbidden');
  });

  it('undoing the only follow-up of a customer it created removes that customer', async () => {
    const result = await record('新线索:杭州西湖文旅 联系人 许先生');
    if (result.kind !== 'saved') throw new Error('expected saved');
    await service.undo({ workspaceId, actor: rep, followUpId: result.followUp.id });
    expect(await testDb.db.select().from(customers).where(eq(customers.id, result.customer.id))).toHaveLength(0);
  });

  it('edit updates the follow-up and its customer, with an audit of before and after', async () => {
    const result = await record('微信跟进中信证券林总,报价已发');
    if (result.kind !== 'saved') throw new Error('expected saved');
    const edited = await service.edit({
      workspaceId,
      actor: rep,
      followUpId: result.followUp.id,
      changes: { amount: 360000, nextFollowUpAt: new Date('2026-12-04T01:00:00Z'), contact: '林总监' },
    });
    expect(edited).toMatchObject({
      kind: 'edited',
      followUp: { amount: 360000 },
      customer: { amount: 360000, nextFollowUpAt: new Date('2026-12-04T01:00:00Z') },
    });
    const [audit] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, 'follow_up.edit'));
    expect(audit).toMatchObject({ before: { amount: null, contact: '林总' }, after: { amount: 360000, contact: '林总监' } });
    await service.undo({ workspaceId, actor: rep, followUpId: result.followUp.id });
    expect((await service.edit({ workspaceId, actor: rep, followUpId: result.followUp.id, changes: { needs: 'x' } })).kind).toBe(
      'undone_already',
    );
  });

  it('answers /查 queries', async () => {
    const due = await record('拜访招商银行陆行长,报价130万,今天下午3点再碰');
    if (due.kind !== 'saved') throw new Error('expected saved');
    await testDb.db.update(users).set({ name: '王小明' }).where(eq(users.id, rep.id));
    const overview = await service.customerOverview(workspaceId, due.customer.id);
    expect(overview?.followUps).toHaveLength(1);
    expect(overview?.followUps[0]?.authorName).toBe('王小明');
    expect(overview?.ownerName).toBe('王小明');
  });
});

import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignments, auditLog, customers, followUps, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction } from '../../helpers/feishu-events.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { deliverToFeishu, postToFeishu } from '../../helpers/feishu-delivery.js';

const RUN_AT = '2026-11-24T02:00:00Z'; // Tuesday 10:00 in Asia/Shanghai: 3 working days after Thursday
type Answer = { toast?: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };

/**
 * The manager's escalation card on Feishu, through the composed service: the reminders job sends
 * it, and every button acts once, by a manager of the team or an admin only: 提醒TA (the owner
 * gets a nudge), the reassignment picker, 放入公海. A rep's click is refused and changes nothing;
 * a second click says what was done, by whom and when.
 */
describe('Feishu: the escalation card and its buttons', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tenant = '';
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle);
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
    tenant = uniqueId('tenant');
    w = await seedOwnershipWorkspace(testDb.handle, 'feishu', tenant);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  async function click(operator: string, value: Record<string, string>, picked?: string): Promise<Answer> {
    const envelope = feishuCardAction({ token: FEISHU_TOKEN, tenant, value, operatorOpenId: operator });
    if (picked) Object.assign(envelope.event.action, { tag: 'select_person', name: 'to', option: picked });
    Object.assign(envelope.event, { context: { open_message_id: `om_card_${operator}`, open_chat_id: `oc_${operator}` } });
    return postToFeishu<Answer>(t, envelope, Math.floor(t.clock.now().getTime() / 1000));
  }
  const deliver = () => deliverToFeishu(t.genjin.outbox);

  /** A customer of 张三 due Thursday 19 Nov 09:00, reminded then, with one earlier follow-up; escalated on Tuesday. */
  async function escalated(name: string) {
    const { rep } = w.people;
    const next = new Date('2026-11-19T01:00:00Z');
    const id = await w.customer(name, rep, { nextFollowUpAt: next, lastFollowUpAt: new Date('2026-11-12T06:00:00Z') });
    await testDb.db.insert(followUps).values({
      workspaceId: w.workspaceId,
      customerId: id,
      authorUserId: rep.id,
      rawText: '电话沟通了报价',
      parsed: {},
      summary: '电话沟通了报价，客户要内部评估',
      status: 'confirmed',
      occurredAt: new Date('2026-11-12T06:00:00Z'),
      createdAt: new Date('2026-11-12T06:00:00Z'),
      updatedAt: new Date('2026-11-12T06:00:00Z'),
    });
    await testDb.db.insert(reminders).values({
      workspaceId: w.workspaceId,
      customerId: id,
      userId: rep.id,
      kind: 'due',
      dueDate: '2026-11-19',
      dueAt: next,
      subjectAt: next,
      status: 'sent',
      sentAt: next,
      createdAt: next,
      updatedAt: next,
    });
    t.clock.set(RUN_AT);
    await t.genjin.jobs.find((j) => j.name === 'reminders')!.run(new Date(RUN_AT), RUN_BY_HAND);
    const [row] = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, id), eq(reminders.kind, 'escalation')));
    if (!row) throw new Error('not escalated');
    return { id, e: String(row.id) };
  }
  const escalation = async (e: string) =>
    (
      await testDb.db
        .select()
        .from(reminders)
        .where(eq(reminders.id, Number(e)))
    )[0]!;
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  it('sends the manager the card: customer, owner, days overdue, last follow-up; 提醒TA, 放入公海 and a picker of the team', async () => {
    const { e } = await escalated('云帆科技');
    const sent = await deliver();
    const cards = sent.filter((s) => s.body.receive_id === w.people.manager.platformUserId && s.body.msg_type === 'interactive');
    expect(cards).toHaveLength(1);
    const card = cards[0]!.body.content;
    expect(card).toContain('逾期未跟进 · 云帆科技');
    expect(card).toContain('已逾期 5 天');
    expect(card).toContain('11月12日 张三：电话沟通了报价，客户要内部评估');
    expect(card).toContain('张三 的客户「云帆科技」计划 11月19日 周四 09:00 跟进，提醒发出 3 个工作日后仍未跟进。');
    expect(card).toContain(JSON.stringify({ a: 'esc.nudge', e }).slice(1, -1));
    expect(card).toContain(JSON.stringify({ a: 'esc.release', e }).slice(1, -1));
    expect(card).toContain('select_person');
    // The picker offers the team's active people but the owner: 李四 and 王经理, not 张三 or 钱七 (left).
    expect(card).toContain(w.people.rep2.platformUserId);
    expect(card).not.toContain(`"${w.people.gone.platformUserId}"`);
  });

  it('提醒TA: a rep is refused; the manager nudges the owner once; the second click says who did it and when', async () => {
    const { e } = await escalated('云帆科技');
    const { rep, manager, otherManager } = w.people;
    const refused = await click(rep.platformUserId, { a: 'esc.nudge', e });
    expect(refused.toast).toMatchObject({ type: 'error', content: '只有该团队的经理或管理员可以处理这条逾期提醒' });
    expect((await click(otherManager.platformUserId, { a: 'esc.nudge', e })).toast?.type).toBe('error');
    expect((await escalation(e)).action).toBeNull();

    t.clock.set('2026-11-24T03:15:00Z');
    const done = await click(manager.platformUserId, { a: 'esc.nudge', e });
    expect(done.toast).toMatchObject({ type: 'success', content: '已提醒 张三' });
    const redrawn = JSON.stringify(done.card?.data);
    expect(redrawn).toContain('已由 王经理 提醒负责人 · 11月24日 11:15');
    expect(redrawn).not.toContain('esc.nudge');
    expect(redrawn).toContain('esc.release');
    expect(await escalation(e)).toMatchObject({ action: 'nudge', actedByUserId: manager.id });

    const again = await click(manager.platformUserId, { a: 'esc.nudge', e });
    expect(again.toast).toMatchObject({ type: 'info', content: '这件事已经处理过了：已由 王经理 提醒负责人 · 11月24日 11:15' });
    const sent = await deliver();
    const nudges = sent.filter((s) => s.body.receive_id === rep.platformUserId && s.body.msg_type === 'text');
    expect(nudges.map((s) => JSON.parse(s.body.content).text)).toEqual([
      '王经理 提醒你：客户「云帆科技」已逾期 5 天未跟进。跟进后发一句话给我就会记下；发送 /我的 查看所有待跟进客户。',
    ]);
  });

  it('the picker moves the customer through the ownership rules and spends the card; a rep cannot', async () => {
    const { id, e } = await escalated('星河贸易');
    const { rep, rep2, manager } = w.people;
    const byRep = await click(rep.platformUserId, { a: 'esc.reassign', e }, rep2.platformUserId);
    expect(byRep.toast?.type).toBe('error');
    expect(await ownerOf(id)).toBe(rep.id);

    const moved = await click(manager.platformUserId, { a: 'esc.reassign', e }, rep2.platformUserId);
    expect(moved.toast).toMatchObject({ type: 'success', content: '已转给 李四' });
    expect(JSON.stringify(moved.card?.data)).toContain('已由 王经理 转给 李四');
    expect(JSON.stringify(moved.card?.data)).not.toContain('esc.release');
    expect(await ownerOf(id)).toBe(rep2.id);
    expect(await escalation(e)).toMatchObject({ action: 'reassign', actedByUserId: manager.id, status: 'done', userId: manager.id });
    const moves = await testDb.db.select().from(assignments).where(eq(assignments.customerId, id));
    expect(moves).toMatchObject([{ fromUserId: rep.id, toUserId: rep2.id, reason: 'reassign', actorUserId: manager.id }]);

    const late = await click(w.people.admin.platformUserId, { a: 'esc.release', e });
    expect(late.toast?.content).toMatch(/^这件事已经处理过了：已由 王经理 转给 李四 · /);
    expect(await ownerOf(id)).toBe(rep2.id);
  });

  it('放入公海: the manager releases the customer now, the owner is told; the second click changes nothing', async () => {
    const { id, e } = await escalated('晨光文具');
    const { rep, manager, admin } = w.people;
    expect((await click(rep.platformUserId, { a: 'esc.release', e })).toast?.type).toBe('error');
    expect(await ownerOf(id)).toBe(rep.id);

    const released = await click(manager.platformUserId, { a: 'esc.release', e });
    expect(released.toast).toMatchObject({ type: 'success', content: '已放入公海' });
    expect(await ownerOf(id)).toBeNull();
    const audit = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(id)), eq(auditLog.action, 'customer.release')));
    expect(audit).toMatchObject([{ actor: `feishu:${manager.platformUserId}`, source: 'card: escalation' }]);

    const twice = await click(admin.platformUserId, { a: 'esc.release', e });
    expect(twice.toast?.content).toMatch(/^这件事已经处理过了：已由 王经理 放入公海 · /);
    expect(await testDb.db.select().from(assignments).where(eq(assignments.customerId, id))).toHaveLength(1);
    const told = (await deliver()).filter((s) => s.body.receive_id === rep.platformUserId && s.body.msg_type === 'text');
    expect(told.map((s) => JSON.parse(s.body.content).text)).toContain('你的客户「晨光文具」已由 王经理 放入公海');
  });
});

import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, customers, followUps, outbox, reminders, transferRequests } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { deliverToFeishu, postToFeishu } from '../../helpers/feishu-delivery.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { holdCustomerLock } from '../../integration/reminder-actions/row-lock.js';

const NOW = '2026-11-25T02:00:05Z'; // 10:00 in Shanghai
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);
const NEXT = new Date('2026-11-24T07:00:00Z'); // 11月24日 15:00: overdue by a day
const LAST = new Date('2026-11-17T02:00:00Z');
type Answer = { toast?: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };
type Value = Record<string, string>;
type App = Awaited<ReturnType<typeof buildFeishuTestApp>>;

/** Every `{ a: 'rem.…', … }` callback value in a rendered card, by action name (with `d` for the postpones). */
function callbacks(card: unknown): Map<string, Value> {
  const found = new Map<string, Value>();
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const value = (x as { value?: unknown }).value;
    if ((x as { type?: unknown }).type === 'callback' && value && typeof value === 'object' && 'a' in value) {
      const v = value as Value;
      found.set(v.d ? `${v.a}:${v.d}` : String(v.a), v);
    }
    Object.values(x).forEach(walk);
  };
  walk(card);
  return found;
}

/**
 * The reminder card's buttons on Feishu, end to end: the real reminders job sends the card, a
 * signed callback per click comes back with the card's own values, the answer (toast and card)
 * goes back in the HTTP response, and the database says what changed.
 */
describe('Feishu: the reminder card’s buttons', () => {
  const testDb = useTestDatabase();
  let t: App;
  let tenant = '';
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle, { now: NOW });
  });
  beforeEach(async () => {
    t.clock.set(NOW);
    await testDb.db.delete(outbox);
    tenant = `tenant_${Math.random().toString(36).slice(2)}`;
    w = await seedOwnershipWorkspace(testDb.handle, 'feishu', tenant);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  async function click(
    operator: string,
    value: Value,
    o: { form?: Record<string, string>; option?: { tag: string; name: string; option: string }; app?: App } = {},
  ): Promise<Answer> {
    const app = o.app ?? t;
    const envelope = feishuCardAction({ token: FEISHU_TOKEN, tenant, value, operatorOpenId: operator, formValue: o.form });
    if (o.option) Object.assign(envelope.event.action, o.option);
    return postToFeishu<Answer>(app, envelope, NOW_S);
  }
  /** Runs the real reminders job and delivers its cards through nock; returns each rep's card buttons. */
  async function remind(): Promise<Map<string, Map<string, Value>>> {
    const job = t.genjin.jobs.find((j) => j.name === 'reminders');
    if (!job) throw new Error('no reminders job');
    await job.run(t.clock.now(), RUN_BY_HAND);
    const sent = await deliverToFeishu(t.genjin.outbox);
    return new Map(sent.map((m, i) => [`${m.body.receive_id}:${i}`, callbacks(JSON.parse(m.body.content) as unknown)]));
  }
  /** The buttons of the one reminder card sent to `openId`. */
  const cardOf = (cards: Map<string, Map<string, Value>>, openId: string) => {
    // Other messages (the notices of a move) carry no reminder buttons.
    const found = [...cards].filter(([k, v]) => k.startsWith(`${openId}:`) && [...v.keys()].some((a) => a.startsWith('rem.')));
    expect(found).toHaveLength(1);
    return found[0]![1];
  };
  const customerRow = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]!;
  const reminderOf = async (customerId: number) =>
    (await testDb.db.select().from(reminders).where(eq(reminders.customerId, customerId)))[0]!;
  const notesOf = (customerId: number) => testDb.db.select().from(followUps).where(eq(followUps.customerId, customerId));
  const json = (x: unknown) => JSON.stringify(x);
  const dueCustomer = (name: string) => w.customer(name, w.people.rep, { nextFollowUpAt: NEXT, lastFollowUpAt: LAST, amount: null });

  it('已跟进: the typed note is logged against this customer even when it names another; the card turns to done, by whom, when', async () => {
    const c = await dueCustomer('北辰物流');
    const other = await w.customer('华信银行', w.people.rep);
    const buttons = cardOf(await remind(), w.people.rep.platformUserId);
    expect([...buttons.keys()].sort()).toEqual(['rem.note', 'rem.postpone:1', 'rem.postpone:7', 'rem.reschedule', 'rem.transfer']);
    const submit = buttons.get('rem.note')!;
    expect(submit).toMatchObject({ c: String(c), n: String(NEXT.getTime()), l: String(LAST.getTime()) });

    const empty = await click(w.people.rep.platformUserId, submit, { form: { note: '  ' } });
    expect(empty).toEqual({ toast: { type: 'warning', content: '请先写下这次跟进的内容' } });
    expect((await reminderOf(c)).status).toBe('sent');

    const answer = await click(w.people.rep.platformUserId, submit, { form: { note: '今天拜访华信银行张行长,报价50万,下周三再联系' } });
    expect(answer.toast).toEqual({ type: 'success', content: '已记录跟进' });
    const card = json(answer.card?.data);
    expect(card).toContain('已跟进 · 张三 · 10:00');
    expect(card).toContain('"a":"fu.undo"');
    expect(card).not.toContain('"a":"rem.');
    const [note] = await notesOf(c);
    expect(note).toMatchObject({ status: 'confirmed', amount: 500000, authorUserId: w.people.rep.id });
    expect(await notesOf(other)).toEqual([]);
    expect(await customerRow(c)).toMatchObject({ amount: 500000, lastFollowUpAt: new Date(NOW) });
    expect(await reminderOf(c)).toMatchObject({ status: 'done', action: 'note', actedByUserId: w.people.rep.id });

    // The same button again, by the manager a minute later: spent, says by whom and when, changes nothing.
    t.clock.advance(60_000);
    const again = await click(w.people.manager.platformUserId, submit, { form: { note: '经理也打了电话' } });
    expect(again.toast).toEqual({ type: 'info', content: '这条提醒已由 张三 在 11月25日 10:00 处理（已跟进），这次没有改动' });
    expect(json(again.card?.data)).toContain('已跟进 · 张三 · 10:00');
    expect(await notesOf(c)).toHaveLength(1);
  });

  it('推迟1天, 推迟1周 and 改期 move the next follow-up to the planned time of day; a past date is refused', async () => {
    const a = await dueCustomer('北辰物流');
    const b = await w.customer('启明星科技', w.people.rep2, { nextFollowUpAt: NEXT, lastFollowUpAt: LAST });
    const cards = await remind();
    const mine = cardOf(cards, w.people.rep.platformUserId);
    const his = cardOf(cards, w.people.rep2.platformUserId);

    const day = await click(w.people.rep.platformUserId, mine.get('rem.postpone:1')!);
    expect(day.toast).toEqual({ type: 'success', content: '已推迟到 11月26日 15:00' });
    expect(json(day.card?.data)).toContain('已推迟到 11月26日 15:00 · 张三 · 10:00');
    // The acted card keeps the lateness it was sent with.
    expect(json(day.card?.data)).toContain('已逾期 1 天');
    expect(json(day.card?.data)).not.toContain('到期');
    expect((await customerRow(a)).nextFollowUpAt).toEqual(new Date('2026-11-26T07:00:00Z'));
    expect(await reminderOf(a)).toMatchObject({ status: 'snoozed', action: 'postpone_1d', snoozedUntil: new Date('2026-11-26T07:00:00Z') });
    // The card's other buttons are spent with it.
    expect((await click(w.people.rep.platformUserId, mine.get('rem.postpone:7')!)).toast?.content).toBe(
      '这条提醒已由 张三 在 11月25日 10:00 处理（已推迟到 11月26日 15:00），这次没有改动',
    );

    const pick = (date: string) => ({ option: { tag: 'date_picker', name: 'date', option: `${date} +0800` } });
    const past = await click(w.people.rep2.platformUserId, his.get('rem.reschedule')!, pick('2026-11-24'));
    expect(past).toEqual({ toast: { type: 'error', content: '不能改到今天之前的日期' } });
    expect((await reminderOf(b)).status).toBe('sent');
    const moved = await click(w.people.rep2.platformUserId, his.get('rem.reschedule')!, pick('2026-12-03'));
    expect(moved.toast).toEqual({ type: 'success', content: '已改期到 12月3日 15:00' });
    expect((await customerRow(b)).nextFollowUpAt).toEqual(new Date('2026-12-03T07:00:00Z'));
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(b)), eq(auditLog.action, 'reminder.reschedule')));
    expect(audit).toMatchObject({ actor: `feishu:${w.people.rep2.platformUserId}`, source: 'card' });

    const c = await w.customer('远航科技', w.people.rep, { lastFollowUpAt: new Date('2026-10-01T02:00:00Z'), tier: 'A' });
    const quiet = cardOf(await remind(), w.people.rep.platformUserId);
    const week = await click(w.people.rep.platformUserId, quiet.get('rem.postpone:7')!);
    // A quiet customer had no next time: the default hour, so the scan reminds again on that day.
    expect(week.toast?.content).toBe('已推迟到 12月2日 09:00');
    expect(await reminderOf(c)).toMatchObject({ kind: 'quiet', status: 'snoozed', action: 'postpone_7d' });
  });

  it('someone who may not update the customer gets a toast and nothing changes', async () => {
    const c = await dueCustomer('北辰物流');
    const buttons = cardOf(await remind(), w.people.rep.platformUserId);
    for (const who of [w.people.rep2, w.people.otherManager]) {
      for (const [name, value] of buttons) {
        const extra =
          name === 'rem.note'
            ? { form: { note: '我来跟进' } }
            : name === 'rem.reschedule'
              ? { option: { tag: 'date_picker', name: 'date', option: '2026-12-01 +0800' } }
              : {};
        const answer = await click(who.platformUserId, value, extra);
        expect(answer).toEqual({ toast: { type: 'error', content: '只有客户的负责人、负责人的经理或管理员可以处理这条提醒' } });
      }
    }
    expect(await reminderOf(c)).toMatchObject({ status: 'sent', action: null });
    expect(await customerRow(c)).toMatchObject({ nextFollowUpAt: NEXT, ownerUserId: w.people.rep.id });
    expect(await notesOf(c)).toEqual([]);
  });

  it('转交: a manager picks and the customer moves at once; the owner’s pick sends a request; the card says to whom', async () => {
    const a = await dueCustomer('北辰物流');
    const buttons = cardOf(await remind(), w.people.rep.platformUserId);
    const open = await click(w.people.manager.platformUserId, buttons.get('rem.transfer')!);
    const picker = json(open.card?.data);
    expect(picker).toContain('"tag":"select_person"');
    expect(picker).toContain(w.people.rep2.platformUserId);
    expect(picker).not.toContain(w.people.gone.platformUserId);
    const pickValue = callbacks(open.card?.data).get('rem.transfer')!;
    expect(pickValue.f).toBe(String(w.people.rep.id));
    const person = (id: string) => ({ option: { tag: 'select_person', name: 'to', option: id } });
    const moved = await click(w.people.manager.platformUserId, pickValue, person(w.people.rep2.platformUserId));
    expect(moved.toast).toEqual({ type: 'success', content: '已转给 李四' });
    expect(json(moved.card?.data)).toContain('已转交给 李四 · 王经理 · 10:00');
    expect((await customerRow(a)).ownerUserId).toBe(w.people.rep2.id);
    expect(await reminderOf(a)).toMatchObject({ status: 'done', action: 'transfer', actedByUserId: w.people.manager.id });
    // Picked again (a second replica, a double tap): the move is not repeated.
    const twice = await click(w.people.manager.platformUserId, pickValue, person(w.people.rep2.platformUserId));
    expect(twice.toast?.content).toBe('这条提醒已由 王经理 在 11月25日 10:00 处理（已转交给 李四），这次没有改动');

    const b = await dueCustomer('启明星科技');
    const own = cardOf(await remind(), w.people.rep.platformUserId);
    const ask = await click(w.people.rep.platformUserId, own.get('rem.transfer')!);
    const askValue = callbacks(ask.card?.data).get('rem.transfer')!;
    const requested = await click(w.people.rep.platformUserId, askValue, person(w.people.rep2.platformUserId));
    expect(requested.toast).toEqual({ type: 'success', content: '已提交给 王经理 审批' });
    expect(json(requested.card?.data)).toContain('已申请转交给 李四 · 张三 · 10:00');
    expect((await customerRow(b)).ownerUserId).toBe(w.people.rep.id);
    expect(await testDb.db.select().from(transferRequests).where(eq(transferRequests.customerId, b))).toMatchObject([
      { status: 'pending', toUserId: w.people.rep2.id, requestedBy: w.people.rep.id },
    ]);
    expect(await reminderOf(b)).toMatchObject({ status: 'done', action: 'transfer_request' });
  });

  it('转交 picked after the customer moved another way: stale, nothing changes; the move and the marking never part (one transaction)', async () => {
    const c = await dueCustomer('金桥电子');
    const buttons = cardOf(await remind(), w.people.rep.platformUserId);
    const open = await click(w.people.manager.platformUserId, buttons.get('rem.transfer')!);
    const pickValue = callbacks(open.card?.data).get('rem.transfer')!;
    // Moved meanwhile without this card (the ownership card, a handover): the card's reminder follows the customer, still open.
    const manager = await t.genjin.services.users.findUser(w.workspaceId, 'feishu', w.people.manager.platformUserId);
    const first = await t.genjin.services.ownership.reassign({
      actor: manager!,
      customerId: c,
      to: { platformUserId: w.people.rep2.platformUserId },
      expectedOwnerId: w.people.rep.id,
      source: 'card',
    });
    expect(first.kind).toBe('moved');
    const again = await click(w.people.manager.platformUserId, pickValue, {
      option: { tag: 'select_person', name: 'to', option: w.people.rep2.platformUserId },
    });
    expect(again.toast).toEqual({ type: 'info', content: '这个客户现在归 李四 负责（卡片已过时），这次没有改动' });
    expect(await reminderOf(c)).toMatchObject({ status: 'sent', action: null, userId: w.people.rep2.id });
  });

  it('已跟进 on a /我的 row (no reminder): the next message is the note for that customer; a stale row is spent', async () => {
    const c = await dueCustomer('北辰物流');
    const other = await w.customer('华信银行', w.people.rep);
    const row = { a: 'rem.ask_note', c: String(c), r: '', n: String(NEXT.getTime()), l: String(LAST.getTime()) };
    const asked = await click(w.people.rep.platformUserId, row);
    // A row's answer is a toast: the list stays as the rep is working through it.
    expect(asked).toEqual({ toast: { type: 'info', content: '请直接发送这次跟进的内容（30分钟内有效）' } });
    const event = feishuMessageEvent({
      text: '今天拜访华信银行张行长,报价50万',
      token: FEISHU_TOKEN,
      tenant,
      chatId: `oc_${w.people.rep.platformUserId}`,
      senderOpenId: w.people.rep.platformUserId,
    });
    await postToFeishu(t, event, NOW_S);
    expect(await notesOf(c)).toMatchObject([{ status: 'confirmed', amount: 500000 }]);
    expect(await notesOf(other)).toEqual([]);
    const [reply] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.target, `feishu:chat:oc_${w.people.rep.platformUserId}`));
    expect(json(reply?.payload)).toContain('已记录跟进 · 北辰物流');
    // The row's times are now out of date: a second click on it changes nothing.
    const again = await click(w.people.rep.platformUserId, { ...row, a: 'rem.postpone', d: '1' });
    expect(again.toast?.type).toBe('info');
    expect(again.toast?.content).toContain('这条提醒已由 张三 在 11月25日 10:00 处理（已跟进）');
    expect((await customerRow(c)).nextFollowUpAt).toEqual(NEXT);
  });

  it('two clicks at once on two replicas, queued in a chosen order behind the customer’s lock: the first acts, the second is told', async () => {
    const replica = await buildFeishuTestApp(testDb.handle, { now: NOW });
    for (const first of ['manager', 'rep'] as const) {
      t.clock.set(NOW);
      const c = await dueCustomer(first === 'manager' ? '北辰物流' : '启明星科技');
      const buttons = cardOf(await remind(), w.people.rep.platformUserId);
      const byManager = () =>
        click(w.people.manager.platformUserId, buttons.get('rem.note')!, { form: { note: '经理电话跟进' }, app: replica });
      const byRep = () => click(w.people.rep.platformUserId, buttons.get('rem.postpone:7')!);
      const lock = await holdCustomerLock(testDb.url, c);
      const one = first === 'manager' ? byManager() : byRep();
      await lock.waiters(1);
      const two = first === 'manager' ? byRep() : byManager();
      await lock.waiters(2);
      await lock.release();
      const [won, lost] = await Promise.all([one, two]);
      expect(won.toast?.type).toBe('success');
      expect(lost.toast?.type).toBe('info');
      const row = await reminderOf(c);
      if (first === 'manager') {
        expect(row).toMatchObject({ status: 'done', action: 'note', actedByUserId: w.people.manager.id });
        expect(lost.toast?.content).toBe('这条提醒已由 王经理 在 11月25日 10:00 处理（已跟进），这次没有改动');
        expect(await notesOf(c)).toHaveLength(1);
      } else {
        expect(row).toMatchObject({ status: 'snoozed', action: 'postpone_7d', actedByUserId: w.people.rep.id });
        expect(lost.toast?.content).toBe('这条提醒已由 张三 在 11月25日 10:00 处理（已推迟到 12月2日 15:00），这次没有改动');
        expect(await notesOf(c)).toEqual([]);
      }
    }
    await replica.genjin.stop();
  });
});

import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, followUps, notePrompts, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { wecomClickXml, wecomTextXml } from '../../helpers/wecom-sign.js';
import { deliverToWecom, postToWecom } from '../../helpers/wecom-delivery.js';
import { holdCustomerLock } from '../../integration/reminder-actions/row-lock.js';

const NOW = '2026-11-25T02:00:05Z'; // 10:00 in Shanghai
const NEXT = new Date('2026-11-24T07:00:00Z'); // 11月24日 15:00: overdue by a day
const LAST = new Date('2026-11-17T02:00:00Z');
let msgSeq = 8_300_000_000_000_000_000n;
let rcSeq = 0;
type TemplateCard = {
  main_title: { title: string };
  sub_title_text?: string;
  button_selection?: { question_key: string; option_list: { id: string; text: string }[] };
  button_list?: { text: string; key: string }[];
};
type Sent = { touser: string; msgtype: string; template_card?: TemplateCard; text?: { content: string } };
type Update = { response_code: string; template_card: TemplateCard };

/** A click on a template card's button (with what its button_selection chose), as WeCom posts it. */
const clickXml = (o: { from: string; key: string; responseCode: string; at: number; selected?: { question: string; option: string } }) => {
  const { at, ...rest } = o;
  return wecomClickXml({ corpId: WECOM.corpId, createTime: at, ...rest });
};

/**
 * The reminder card's buttons on WeCom: the real reminders job sends template cards (no inputs,
 * so 已跟进 asks for the rep's next message), each click is an XML callback answered afterwards
 * through update_template_card with its single-use response code, an error toast as a text.
 */
describe('WeCom: the reminder card’s buttons', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: NOW });
    // One corp is one workspace: seeded once.
    w = await seedOwnershipWorkspace(testDb.handle, 'wecom', WECOM.corpId);
  });
  beforeEach(async () => {
    t.clock.set(NOW);
    await testDb.db.delete(outbox);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const nowS = () => Math.floor(t.clock.now().getTime() / 1000);
  const post = (xml: string, app = t) => postToWecom(app, xml, nowS());
  const say = (from: string, content: string) =>
    post(wecomTextXml({ corpId: WECOM.corpId, from, content, msgId: String(++msgSeq), createTime: nowS() }));
  /** Clicks the button `key`; returns the response code its answer updates the card with. */
  async function click(from: string, key: string, selected?: { question: string; option: string }, app = t) {
    const responseCode = `RC_${++rcSeq}`;
    await post(clickXml({ from, key, responseCode, at: nowS(), ...(selected ? { selected } : {}) }), app);
    return responseCode;
  }
  /** Delivers the outbox through nock; returns what message/send and update_template_card received. */
  const deliver = () => deliverToWecom<Sent, Update>(t.genjin.outbox);
  const updateFor = (updates: Update[], rc: string) => JSON.stringify(updates.find((u) => u.response_code === rc)?.template_card ?? null);
  /** Runs the real reminders job; returns the keys of the buttons (by label) on the cards sent to `userId`. */
  async function remind(userId: string) {
    const job = t.genjin.jobs.find((j) => j.name === 'reminders');
    if (!job) throw new Error('no reminders job');
    await job.run(t.clock.now(), RUN_BY_HAND);
    const { sent } = await deliver();
    const cards = sent.filter((s) => s.touser === userId && s.template_card).map((s) => s.template_card!);
    const keys = new Map(cards.flatMap((c) => (c.button_list ?? []).map((b) => [b.text, b.key] as const)));
    return { cards, keys };
  }
  const customerRow = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]!;
  const reminderOf = async (id: number) => (await testDb.db.select().from(reminders).where(eq(reminders.customerId, id)))[0]!;
  const notesOf = (id: number) => testDb.db.select().from(followUps).where(eq(followUps.customerId, id));
  const dueCustomer = (name: string) => w.customer(name, w.people.rep, { nextFollowUpAt: NEXT, lastFollowUpAt: LAST, amount: null });

  it('已跟进 asks for the next message, which is logged against this customer (even naming another); then ordinary notes again', async () => {
    const { rep } = w.people;
    const c = await dueCustomer('北辰物流');
    const other = await w.customer('华信银行', rep);
    const { cards, keys } = await remind(rep.platformUserId);
    expect(cards[0]?.main_title.title).toBe('北辰物流');
    expect([...keys.keys()]).toEqual(expect.arrayContaining(['已跟进', '推迟1天', '推迟1周', '转交', '改期']));
    expect(keys.get('已跟进')).toContain('a=rem.ask_note');

    const rc = await click(rep.platformUserId, keys.get('已跟进')!);
    expect(updateFor((await deliver()).updates, rc)).toContain('请直接发送这次跟进的内容（30分钟内有效）');
    expect(await testDb.db.select().from(notePrompts).where(eq(notePrompts.userId, rep.id))).toMatchObject([{ customerId: c }]);

    await say(rep.platformUserId, '今天拜访华信银行张行长,报价50万,下周三再联系');
    const afterNote = await deliver();
    const reply = afterNote.sent.find((s) => s.touser === rep.platformUserId)!;
    expect(reply.template_card?.main_title.title).toBe('已记录跟进 · 北辰物流');
    // The reminder card itself is redrawn as done, without buttons, through its send's response code.
    const redrawn = afterNote.updates.find((u) => u.response_code === 'rc_send')?.template_card;
    expect(redrawn?.main_title.title).toBe('北辰物流');
    expect(JSON.stringify(redrawn)).toContain('已跟进 · 张三 · 10:00');
    expect(redrawn?.button_list ?? []).toEqual([]);
    expect(await notesOf(c)).toMatchObject([{ status: 'confirmed', amount: 500000 }]);
    expect(await notesOf(other)).toEqual([]);
    expect(await reminderOf(c)).toMatchObject({ status: 'done', action: 'note', actedByUserId: rep.id });
    expect(await testDb.db.select().from(notePrompts).where(eq(notePrompts.userId, rep.id))).toEqual([]);

    // The prompt answered one message: the next note names its own customer.
    await say(rep.platformUserId, '给华信银行张行长打电话,确认了需求');
    expect((await deliver()).sent.find((s) => s.touser === rep.platformUserId)?.template_card?.main_title.title).toBe(
      '已记录跟进 · 华信银行',
    );
    expect(await notesOf(other)).toHaveLength(1);

    // A click on the card as it was drawn before (a stale view) gets its acted state.
    const late = await click(rep.platformUserId, keys.get('推迟1天')!);
    expect(updateFor((await deliver()).updates, late)).toContain('已跟进 · 张三 · 10:00');
    expect((await customerRow(c)).nextFollowUpAt).toEqual(new Date('2026-12-02T01:00:00Z'));
  });

  it('an expired prompt leaves the message to ordinary note handling; a command never answers a prompt', async () => {
    const { rep } = w.people;
    const c = await dueCustomer('远航科技');
    const other = await w.customer('海岳集团', rep);
    const { keys } = await remind(rep.platformUserId);
    await click(rep.platformUserId, keys.get('已跟进')!);
    await say(rep.platformUserId, '/帮助');
    expect(await testDb.db.select().from(notePrompts).where(eq(notePrompts.userId, rep.id))).toHaveLength(1);
    t.clock.advance(31 * 60_000);
    await say(rep.platformUserId, '拜访海岳集团李总,聊了续约');
    expect(await notesOf(other)).toHaveLength(1);
    expect(await notesOf(c)).toEqual([]);
    expect((await reminderOf(c)).status).toBe('sent');
  });

  it('推迟1天, 推迟1周, 改期 (a select of dates sent by its button) and a refusal for someone without permission', async () => {
    const { rep, rep2 } = w.people;
    const a = await dueCustomer('启明星科技');
    const { cards, keys } = await remind(rep.platformUserId);
    const forbidden = await click(rep2.platformUserId, keys.get('推迟1天')!);
    const refused = await deliver();
    expect(refused.updates.find((u) => u.response_code === forbidden)).toBeUndefined();
    expect(refused.sent.find((s) => s.touser === rep2.platformUserId)?.text?.content).toBe(
      '只有客户的负责人、负责人的经理或管理员可以处理这条提醒',
    );
    expect((await reminderOf(a)).status).toBe('sent');

    const dates = cards.find((card) => card.button_selection?.question_key === 'date')!.button_selection!;
    expect(dates.option_list[0]).toEqual({ id: '2026-11-26', text: '11月26日' });
    const rc = await click(rep.platformUserId, keys.get('改期')!, { question: 'date', option: '2026-12-03' });
    expect(updateFor((await deliver()).updates, rc)).toContain('已改期到 12月3日 15:00 · 张三 · 10:00');
    expect((await customerRow(a)).nextFollowUpAt).toEqual(new Date('2026-12-03T07:00:00Z'));
    expect(await reminderOf(a)).toMatchObject({ status: 'snoozed', action: 'reschedule' });

    const b = await dueCustomer('保利地产');
    const second = await remind(rep.platformUserId);
    const week = await click(rep.platformUserId, second.keys.get('推迟1周')!);
    expect(updateFor((await deliver()).updates, week)).toContain('已推迟到 12月2日 15:00 · 张三 · 10:00');
    expect((await customerRow(b)).nextFollowUpAt).toEqual(new Date('2026-12-02T07:00:00Z'));
  });

  it('转交 by the manager: the picker arrives as a select sent by 转给TA; the pick moves the customer and spends the card', async () => {
    const { rep, rep2, manager } = w.people;
    const c = await dueCustomer('星河贸易');
    const { keys } = await remind(rep.platformUserId);
    const open = await click(manager.platformUserId, keys.get('转交')!);
    const picker = (await deliver()).updates.find((u) => u.response_code === open)!.template_card;
    expect(picker.button_selection?.question_key).toBe('to');
    expect(picker.button_selection?.option_list.map((o) => o.id)).toContain(rep2.platformUserId);
    const submit = picker.button_list!.find((b) => b.text === '转给TA')!;
    expect(submit.key).toContain('a=rem.transfer');
    const pick = await click(manager.platformUserId, submit.key, { question: 'to', option: rep2.platformUserId });
    const out = await deliver();
    expect(updateFor(out.updates, pick)).toContain('已转交给 李四 · 王经理 · 10:00');
    expect((await customerRow(c)).ownerUserId).toBe(rep2.id);
    expect(await reminderOf(c)).toMatchObject({ status: 'done', action: 'transfer', actedByUserId: manager.id });
    expect(out.sent.find((s) => s.touser === rep.platformUserId)?.text?.content).toBe('你的客户「星河贸易」已由 王经理 转给 李四');
  });

  it('the owner and the manager click at once on two replicas, queued in a chosen order: the first acts, the second sees the acted card', async () => {
    const { rep, manager } = w.people;
    const replica = await buildWecomTestApp(testDb.handle, { now: NOW });
    const c = await dueCustomer('金桥电子');
    const { keys } = await remind(rep.platformUserId);
    const lock = await holdCustomerLock(testDb.url, c);
    const first = click(manager.platformUserId, keys.get('推迟1周')!, undefined, replica);
    await lock.waiters(1);
    const second = click(rep.platformUserId, keys.get('推迟1天')!);
    await lock.waiters(2);
    await lock.release();
    const [won, lost] = await Promise.all([first, second]);
    const { updates } = await deliver();
    expect(updateFor(updates, won)).toContain('已推迟到 12月2日 15:00 · 王经理 · 10:00');
    expect(updateFor(updates, lost)).toContain('已推迟到 12月2日 15:00 · 王经理 · 10:00');
    expect(await reminderOf(c)).toMatchObject({ status: 'snoozed', action: 'postpone_7d', actedByUserId: manager.id });
    expect((await customerRow(c)).nextFollowUpAt).toEqual(new Date('2026-12-02T07:00:00Z'));
    await replica.genjin.stop();
  });
});

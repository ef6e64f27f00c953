import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customers, followUps, outbox, workspaces } from '../../../src/db/schema/index.js';
import { createFeishuEventDispatcher } from '../../../src/platforms/feishu/websocket.js';
import { buildFeishuTestApp, FEISHU_BASE, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const NOW_S = Math.floor(new Date('2026-11-25T02:00:05Z').getTime() / 1000);
type Card = { header: { title: { content: string }; template: string }; body: { elements: Record<string, unknown>[] } };

describe('Feishu conversation: note → card → buttons', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tenant = '';
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const newTenant = () => (tenant = `tenant_${Math.random().toString(36).slice(2)}`);
  async function say(text: string, o: Partial<Parameters<typeof feishuMessageEvent>[0]> = {}) {
    // A chat per test: the outbox allows 5 sends a second to one chat, and the clock is pinned.
    const event = feishuMessageEvent({ text, token: FEISHU_TOKEN, tenant, chatId: `oc_${tenant}`, ...o });
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S })),
    });
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
    return event.event.message.message_id as string;
  }
  const toInject = (r: { body: string; headers: Record<string, string> }) => ({ payload: r.body, headers: r.headers });
  async function click(value: Record<string, string>, o: { formValue?: Record<string, string>; operatorOpenId?: string } = {}) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, feishuCardAction({ token: FEISHU_TOKEN, tenant, value, ...o }), { timestamp: NOW_S })),
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { toast?: { type: string; content: string }; card?: { type: string; data: Card } };
  }

  /** Delivers pending outbox rows through nock and returns the request bodies Feishu received. */
  async function deliver(): Promise<{ path: string; body: { msg_type: string; content: string; uuid?: string } }[]> {
    const sent: { path: string; body: { msg_type: string; content: string; uuid?: string } }[] = [];
    nock.cleanAll();
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .optionally()
      .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
    nock(FEISHU_BASE)
      .post(/\/open-apis\/im\/v1\/messages\/.+\/reply/)
      .times(10)
      .optionally()
      .reply(200, function (path, body) {
        sent.push({ path, body: body as { msg_type: string; content: string } });
        return { code: 0, data: { message_id: `om_bot_${sent.length}` } };
      });
    await t.genjin.outbox.runOnce();
    return sent;
  }
  const cardOf = (s: { body: { content: string } }) => JSON.parse(s.body.content) as Card;
  const buttonsOf = (card: Card) => JSON.stringify(card.body.elements);

  it('replies to a note with a JSON 2.0 card of what was understood, with edit and undo', async () => {
    newTenant();
    const messageId = await say('今天给云帆科技王总打电话,预算50万,下周三上门演示');
    const [sent] = await deliver();
    expect(sent?.path).toBe(`/open-apis/im/v1/messages/${messageId}/reply`);
    expect(sent?.body.msg_type).toBe('interactive');
    expect(sent?.body.uuid).toBe(`r-${messageId}`.slice(0, 50));
    const card = cardOf(sent!);
    expect(card).toMatchObject({
      schema: '2.0',
      config: { update_multi: true },
      header: { title: { content: '已记录跟进 · 云帆科技' }, template: 'green' },
    });
    const facts = JSON.stringify(card.body.elements[0]);
    for (const fact of [
      '**客户**：云帆科技',
      '**联系人**：王总',
      '**方式**：电话',
      '**金额**：¥500,000',
      '**下次跟进**：12月2日 周三 09:00',
    ])
      expect(facts).toContain(fact);
    expect(buttonsOf(card)).toContain('"a":"fu.edit"');
    expect(buttonsOf(card)).toContain('"a":"fu.undo"');
    // The sent card is linked to the follow-up it shows, so later changes can update it.
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    expect(row?.cardMessageId).toBe('om_bot_1');
  });

  it('asks which customer when two fit, and records the pick from the card', async () => {
    newTenant();
    await say('拜访云帆科技王总');
    await say('给云帆物流李总打电话');
    await deliver();
    await say('给云帆张总打电话,报价已发', { messageId: 'om_ambiguous_1' });
    const [ask] = await deliver();
    const card = cardOf(ask!);
    expect(card.header.title.content).toBe('这条跟进是哪个客户？');
    const [ws] = await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, tenant));
    const [draft] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'om_ambiguous_1'));
    expect(draft).toMatchObject({ status: 'draft', customerId: null });
    const [logistics] = await testDb.db.select().from(customers).where(eq(customers.name, '云帆物流'));
    expect(buttonsOf(card)).toContain(`"customer":"${logistics!.id}"`);
    expect(buttonsOf(card)).toContain('新建客户「云帆」');

    const answer = await click({ a: 'fu.pick', id: String(draft!.id), customer: String(logistics!.id) });
    expect(answer.toast).toEqual({ type: 'success', content: '已记录跟进' });
    expect(answer.card?.data.header.title.content).toBe('已记录跟进 · 云帆物流');
    const [picked] = await testDb.db.select().from(followUps).where(eq(followUps.id, draft!.id));
    expect(picked).toMatchObject({ status: 'confirmed', customerId: logistics!.id, workspaceId: ws!.id });
    const [after] = await testDb.db.select().from(customers).where(eq(customers.id, logistics!.id));
    expect(after?.stage).toBe('quote');

    const again = await click({ a: 'fu.pick', id: String(draft!.id), customer: String(logistics!.id) });
    expect(again.toast).toEqual({ type: 'info', content: '这条跟进已经处理过了' });
  });

  it('edits through the prefilled form and undoes, and a spent undo says so', async () => {
    newTenant();
    const messageId = await say('微信跟进中信证券林总,报价已发,3天后再联系');
    await deliver();
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    const id = String(row!.id);

    const form = await click({ a: 'fu.edit', id });
    const formCard = JSON.stringify(form.card?.data);
    expect(formCard).toContain('"tag":"form"');
    expect(formCard).toContain('"default_value":"林总"');
    expect(formCard).toContain('"form_action_type":"submit"');

    const saved = await click(
      { a: 'fu.edit_submit', id },
      { formValue: { contact: '林总', amount: '36万', stage: '商务谈判', nextFollowUpAt: '2026-12-04 15:00' } },
    );
    expect(saved.toast).toEqual({ type: 'error', content: '没看懂：金额「36万」' });
    const ok = await click(
      { a: 'fu.edit_submit', id },
      { formValue: { contact: '林总', amount: '360000', stage: '商务谈判', nextFollowUpAt: '2026-12-04 15:00' } },
    );
    expect(ok.toast?.type).toBe('success');
    expect(JSON.stringify(ok.card?.data)).toContain('**金额**：¥360,000');
    const [customer] = await testDb.db.select().from(customers).where(eq(customers.id, row!.customerId!));
    expect(customer).toMatchObject({ amount: 360000, stage: 'negotiation', nextFollowUpAt: new Date('2026-12-04T07:00:00Z') });

    expect(await click({ a: 'fu.undo', id }, { operatorOpenId: 'ou_someone_else' })).toMatchObject({
      toast: { type: 'error', content: '只有记录人可以修改或撤销这条跟进' },
    });
    const undone = await click({ a: 'fu.undo', id });
    expect(undone.toast).toEqual({ type: 'success', content: '已撤销这条跟进' });
    expect(undone.card?.data.header.template).toBe('grey');
    expect(JSON.stringify(undone.card?.data)).not.toContain('"a":"fu.undo"');
    expect((await click({ a: 'fu.undo', id })).toast).toEqual({ type: 'info', content: '这条跟进已经撤销过了' });
  });

  it('answers a note it cannot read with help, and records nothing', async () => {
    newTenant();
    const messageId = await say('今天没有客户跟进');
    const [sent] = await deliver();
    expect(sent?.body.msg_type).toBe('text');
    expect(sent?.body.content).toContain('没有记录');
    expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId))).toHaveLength(0);
  });

  it('edits a follow-up by message with /改 (the path for cards without forms), end to end', async () => {
    newTenant();
    const messageId = await say('今天给启明星科技赵总打电话,报价30万,下周一再联系');
    await deliver();
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    await say(`/改 ${row!.id} 金额60万 下周五再联系`);
    const [reply] = await deliver();
    const card = cardOf(reply!);
    expect(card.header.title.content).toBe('已更新跟进 · 启明星科技');
    expect(JSON.stringify(card.body.elements[0])).toContain('**金额**：¥600,000');
    const [edited] = await testDb.db.select().from(followUps).where(eq(followUps.id, row!.id));
    expect(edited).toMatchObject({ amount: 600000 });
    expect(edited?.nextFollowUpAt?.toISOString()).toBe('2026-12-04T01:00:00.000Z'); // 下周五: Friday of next week, 09:00 Asia/Shanghai
    const [customer] = await testDb.db.select().from(customers).where(eq(customers.id, row!.customerId!));
    expect(customer?.amount).toBe(600000);

    // Someone else's follow-up, and a number that is no follow-up, change nothing.
    await say(`/改 ${row!.id} 金额1万`, { senderOpenId: 'ou_other_rep' });
    expect(JSON.parse((await deliver())[0]!.body.content)).toEqual({ text: '只有记录人可以修改或撤销这条跟进' });
    await say('/改 99999999 金额1万');
    expect(JSON.parse((await deliver())[0]!.body.content)).toEqual({ text: '找不到这条跟进，可能已被删除' });
    const [unchanged] = await testDb.db.select().from(followUps).where(eq(followUps.id, row!.id));
    expect(unchanged?.amount).toBe(600000);
  });

  it('answers /帮助, /查 and /我的', async () => {
    newTenant();
    await say('拜访招商银行陆行长,报价130万,今天下午3点再碰');
    await deliver();
    await say('/帮助');
    await say('/查 招商');
    await say('/我的');
    await say('/find 不存在的客户');
    const sent = await deliver();
    const [help, find, mine, none] = sent;
    expect(cardOf(help!).header.title.content).toBe('genjin 跟进助手');
    expect(JSON.stringify(cardOf(help!))).toContain('例 1');
    expect(cardOf(find!).header.title.content).toBe('招商银行');
    expect(JSON.stringify(cardOf(find!))).toContain('最近跟进');
    expect(cardOf(mine!).header.title.content).toBe('我的待跟进客户（1）');
    expect(JSON.stringify(cardOf(mine!))).toContain('今天 15:00 到期');
    expect(none?.body.content).toContain('没有找到名称包含「不存在的客户」的客户');
  });

  it('handles a group note only when the bot is mentioned, replying in the group', async () => {
    newTenant();
    const messageId = await say('@_user_1 电联 保利地产 高总,合同还在谈,月底前争取签', {
      chatType: 'group',
      chatId: 'oc_team',
      mentions: [{ key: '@_user_1', open_id: 'ou_bot', name: 'genjin' }],
    });
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    expect(row?.stage).toBe('negotiation');
    const [reply] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `reply:feishu:${messageId}`));
    expect(reply?.target).toBe('feishu:chat:oc_team');
  });

  it('routes long-connection events through the same handlers (websocket mode wiring)', async () => {
    newTenant();
    const dispatcher = createFeishuEventDispatcher({ ...t.genjin.eventDeps, botOpenId: () => null });
    const event = feishuMessageEvent({ text: '拜访了鑫源化工有限公司,见了技术部吴工,确认需求', token: FEISHU_TOKEN, tenant });
    await dispatcher.invoke(event);
    await t.genjin.worker.drain();
    const [row] = await testDb.db
      .select()
      .from(followUps)
      .where(eq(followUps.sourceMessageId, event.event.message.message_id as string));
    expect(row).toMatchObject({ status: 'confirmed', stage: 'qualified', channel: 'visit' });

    const answer = (await dispatcher.invoke(
      feishuCardAction({ token: FEISHU_TOKEN, tenant, value: { a: 'fu.undo', id: String(row!.id) } }),
    )) as { toast?: { type: string } };
    expect(answer.toast?.type).toBe('success');
  });
});

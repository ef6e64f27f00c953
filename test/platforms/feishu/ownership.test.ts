import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignments, auditLog, customers, followUps, outbox, transferRequests } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { deliverToFeishu, postToFeishu, type FeishuSent } from '../../helpers/feishu-delivery.js';

const NOW_S = Math.floor(new Date('2026-11-25T02:00:05Z').getTime() / 1000);
type Sent = FeishuSent;
type Answer = { toast?: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };

/**
 * Ownership from chat through the real composed app: signed Feishu webhooks in, nock for the
 * Feishu API out, the real database. Every check is the server's, from the operator's open_id.
 */
describe('Feishu: roles, /查 scope, 转给TA, 申请转交, /转', () => {
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
    tenant = `tenant_${Math.random().toString(36).slice(2)}`;
    w = await seedOwnershipWorkspace(testDb.handle, 'feishu', tenant);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  async function say(from: string, text: string, o: Partial<Parameters<typeof feishuMessageEvent>[0]> = {}) {
    const event = feishuMessageEvent({ text, token: FEISHU_TOKEN, tenant, chatId: `oc_${from}`, senderOpenId: from, ...o });
    await postToFeishu(t, event, NOW_S);
    return event.event.message.message_id as string;
  }
  /** A click by `operator`; `picked` is what a person picker chose (Feishu sends it as action.option). */
  async function click(operator: string, value: Record<string, string>, o: { picked?: string; tenant?: string } = {}): Promise<Answer> {
    const envelope = feishuCardAction({ token: FEISHU_TOKEN, tenant: o.tenant ?? tenant, value, operatorOpenId: operator });
    if (o.picked) Object.assign(envelope.event.action, { tag: 'select_person', name: 'to', option: o.picked });
    Object.assign(envelope.event, { context: { open_message_id: `om_card_${operator}`, open_chat_id: `oc_${operator}` } });
    return postToFeishu<Answer>(t, envelope, NOW_S);
  }
  /** Delivers the outbox through nock: replies and messages to people, as Feishu received them. */
  const deliver = () => deliverToFeishu(t.genjin.outbox);
  const to = (sent: Sent[], openId: string) => sent.filter((s) => s.body.receive_id === openId);
  const replies = (sent: Sent[]) => sent.filter((s) => s.path.endsWith('/reply'));
  const json = (x: unknown) => JSON.stringify(x);
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;
  const movesOf = async (id: number) =>
    (await testDb.db.select().from(assignments).where(eq(assignments.customerId, id))).filter((a) => a.reason !== 'create');

  it('/查 is scoped: the owner and their manager see everything, a colleague and any group only name, owner and pool', async () => {
    const { rep, rep2, manager, gone, otherManager } = w.people;
    await say(rep.platformUserId, '今天拜访云帆科技王总,报价38万,下周三再联系');
    const asked = [
      await say(rep.platformUserId, '/查 云帆科技'),
      await say(rep2.platformUserId, '/查 云帆'),
      await say(manager.platformUserId, '/查 云帆科技'),
      await say(rep.platformUserId, '@_user_1 /查 云帆科技', {
        chatType: 'group',
        chatId: 'oc_group',
        mentions: [{ key: '@_user_1', open_id: 'ou_bot', name: 'genjin' }],
      }),
    ];
    const sent = replies(await deliver());
    const [own, colleague, managers, group] = asked.map((id) => json(JSON.parse(sent.find((s) => s.path.includes(id))!.body.content)));
    expect(own).toContain('¥380,000');
    expect(own).toContain('最近跟进');
    expect(own).toContain('"a":"own.request"');
    expect(own).not.toContain('own.reassign');
    for (const limited of [colleague!, group!]) {
      expect(limited).toContain('云帆科技');
      expect(limited).toContain('张三');
      expect(limited).not.toContain('380,000');
      expect(limited).not.toContain('最近跟进');
      expect(limited).not.toContain('王总');
      expect(limited).not.toContain('"a":"own.');
    }
    expect(colleague).toContain('只显示名称、负责人和是否在公海');
    expect(group).toContain('群聊里只显示大家都能看的内容');
    // The manager: every field, and a person picker limited to the active people of their team.
    expect(managers).toContain('¥380,000');
    expect(managers).toContain('"tag":"select_person"');
    expect(managers).toContain('"a":"own.reassign"');
    expect(managers).toContain(`"f":"${rep.id}"`);
    expect(managers).toContain(rep2.platformUserId);
    expect(managers).not.toContain(gone.platformUserId);
    expect(managers).not.toContain(otherManager.platformUserId);
    expect(managers).not.toContain(`"value":"${rep.platformUserId}"`);
  });

  it('/查 with wildcards matches nothing, and another workspace’s customers are never found', async () => {
    await w.customer('华信银行', w.people.rep);
    const otherTenant = `tenant_${Math.random().toString(36).slice(2)}`;
    const other = await seedOwnershipWorkspace(testDb.handle, 'feishu', otherTenant);
    await other.customer('保利地产', other.people.rep);
    // Five replies: the outbox sends at most five a second to one chat, and the clock is pinned.
    for (const q of ['%', '_', '%_%', '*']) await say(w.people.admin.platformUserId, `/查 ${q}`);
    await say(w.people.admin.platformUserId, '/查 保利');
    const sent = replies(await deliver()).map((s) => JSON.parse(s.body.content) as { text?: string });
    expect(sent.slice(0, 4).map((s) => s.text)).toEqual(['%', '_', '%_%', '*'].map((q) => `没有找到名称包含「${q}」的客户`));
    expect(sent.at(-1)?.text).toBe('没有找到名称包含「保利」的客户');
  });

  it('a manager’s 转给TA: one transaction, the card updated in place, the new owner gets the card, the old owner is told', async () => {
    const { rep, rep2, manager } = w.people;
    await say(rep.platformUserId, '今天拜访北辰物流赵总,报价38万,下周三再联系');
    await deliver();
    const [c] = await testDb.db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, w.workspaceId), eq(customers.name, '北辰物流')));
    const answer = await click(
      manager.platformUserId,
      { a: 'own.reassign', c: String(c!.id), f: String(rep.id) },
      { picked: rep2.platformUserId },
    );
    expect(answer.toast).toEqual({ type: 'success', content: '已转给 李四' });
    expect(json(answer.card?.data)).toContain('已由 王经理 转给 李四 · 11月25日 10:00');
    expect(json(answer.card?.data)).not.toContain('"a":"own.');
    expect(await ownerOf(c!.id)).toBe(rep2.id);
    expect(await movesOf(c!.id)).toEqual([
      expect.objectContaining({ fromUserId: rep.id, toUserId: rep2.id, reason: 'reassign', actorUserId: manager.id }),
    ]);
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(c!.id)), eq(auditLog.action, 'customer.reassign')));
    expect(audit).toMatchObject({ actor: `feishu:${manager.platformUserId}`, action: 'customer.reassign', source: 'card' });

    const sent = await deliver();
    const [newOwner] = to(sent, rep2.platformUserId);
    expect(newOwner?.query).toContain('receive_id_type=open_id');
    const card = json(JSON.parse(newOwner!.body.content));
    expect(card).toContain('王经理 把客户「北辰物流」转给了你');
    expect(card).toContain('最近跟进');
    expect(card).toContain('拜访北辰物流赵总');
    const [oldOwner] = to(sent, rep.platformUserId);
    expect(JSON.parse(oldOwner!.body.content)).toEqual({ text: '你的客户「北辰物流」已由 王经理 转给 李四' });

    // The same click again: stale, a toast, nothing changes.
    const again = await click(
      manager.platformUserId,
      { a: 'own.reassign', c: String(c!.id), f: String(rep.id) },
      { picked: rep2.platformUserId },
    );
    expect(again.toast).toEqual({ type: 'info', content: '这个客户现在归 李四 负责（卡片已过时），这次没有改动' });
    expect(again.card).toBeUndefined();
    expect(await movesOf(c!.id)).toHaveLength(1);
  });

  it('refuses a forged, forwarded, foreign or tampered click and a deactivated target, changing nothing', async () => {
    const { rep, rep2, manager, otherManager, gone } = w.people;
    const c = await w.customer('启明星科技', rep);
    const args = { a: 'own.reassign', c: String(c), f: String(rep.id) };
    // A rep forging the manager's action.
    expect((await click(rep2.platformUserId, args, { picked: rep2.platformUserId })).toast).toEqual({
      type: 'error',
      content: '你没有权限转交这个客户',
    });
    // The manager's card forwarded to another team's manager.
    expect((await click(otherManager.platformUserId, args, { picked: rep2.platformUserId })).toast?.content).toBe('你没有权限转交这个客户');
    // An operator of another workspace, clicking the same values.
    const otherTenant = `tenant_${Math.random().toString(36).slice(2)}`;
    const other = await seedOwnershipWorkspace(testDb.handle, 'feishu', otherTenant);
    expect(
      (await click(other.people.admin.platformUserId, args, { picked: other.people.rep.platformUserId, tenant: otherTenant })).toast,
    ).toEqual({ type: 'error', content: '找不到这个客户' });
    // A tampered customer id: another workspace's customer.
    const foreign = await other.customer('外部客户', other.people.rep);
    expect(
      (
        await click(
          manager.platformUserId,
          { ...args, c: String(foreign), f: String(other.people.rep.id) },
          { picked: rep2.platformUserId },
        )
      ).toast?.content,
    ).toBe('找不到这个客户');
    // A deactivated target, someone outside the manager's team, and a button pressed with nobody picked.
    expect((await click(manager.platformUserId, args, { picked: gone.platformUserId })).toast?.content).toBe(
      '这位同事已停用，不能接收客户',
    );
    expect((await click(manager.platformUserId, args, { picked: otherManager.platformUserId })).toast?.content).toBe(
      '只能转给你管理的在职同事',
    );
    expect((await click(manager.platformUserId, args)).toast).toEqual({ type: 'warning', content: '请先选择一位同事' });
    expect(await ownerOf(c)).toBe(rep.id);
    expect(await movesOf(c)).toEqual([]);
    expect(await deliver()).toEqual([]);
  });

  it('two managers tapping at once through the chat path: exactly one wins, the other hears who has it', async () => {
    const { rep, rep2, manager, admin } = w.people;
    const c = await w.customer('蓝海科技', rep);
    const args = { a: 'own.reassign', c: String(c), f: String(rep.id) };
    const answers = await Promise.all([
      click(manager.platformUserId, args, { picked: rep2.platformUserId }),
      click(admin.platformUserId, args, { picked: manager.platformUserId }),
    ]);
    const kinds = answers.map((a) => a.toast?.type).sort();
    expect(kinds).toEqual(['info', 'success']);
    expect(answers.find((a) => a.toast?.type === 'info')?.toast?.content).toMatch(/这个客户现在归 (李四|王经理) 负责/);
    expect(await movesOf(c)).toHaveLength(1);
  });

  it('the owner’s 申请转交: a card to the team manager, 同意 moves it once, the rep is told; 拒绝 tells the rep too', async () => {
    const { rep, rep2, manager } = w.people;
    const c = await w.customer('青山集团', rep);
    const asked = await click(rep.platformUserId, { a: 'own.request', c: String(c) }, { picked: rep2.platformUserId });
    expect(asked.toast).toEqual({ type: 'success', content: '已提交给 王经理 审批' });
    expect(json(asked.card?.data)).toContain('已申请转给 李四，等待 王经理 审批');
    expect((await click(rep.platformUserId, { a: 'own.request', c: String(c) }, { picked: rep2.platformUserId })).toast).toEqual({
      type: 'info',
      content: '这个申请已经在等 王经理 审批了',
    });
    const [toManager] = to(await deliver(), manager.platformUserId);
    const requestCard = json(JSON.parse(toManager!.body.content));
    expect(requestCard).toContain('张三 申请把客户「青山集团」从 张三 转给 李四');
    const [request] = await testDb.db.select().from(transferRequests).where(eq(transferRequests.customerId, c));
    expect(requestCard).toContain(`"a":"own.decide","r":"${request!.id}","ok":"1"`);
    expect(requestCard).toContain(`"a":"own.decide","r":"${request!.id}","ok":"0"`);

    // The rep cannot approve their own request (a forwarded card), the manager can, once.
    expect((await click(rep.platformUserId, { a: 'own.decide', r: String(request!.id), ok: '1' })).toast?.content).toBe(
      '你没有权限转交这个客户',
    );
    const approved = await click(manager.platformUserId, { a: 'own.decide', r: String(request!.id), ok: '1' });
    expect(approved.toast).toEqual({ type: 'success', content: '已同意，客户已转交' });
    expect(json(approved.card?.data)).toContain('王经理 已同意 · 11月25日 10:00');
    expect(json(approved.card?.data)).not.toContain('own.decide');
    const again = await click(manager.platformUserId, { a: 'own.decide', r: String(request!.id), ok: '0' });
    expect(again.toast).toEqual({ type: 'info', content: '这个申请已经处理过了（已同意）' });
    expect(await ownerOf(c)).toBe(rep2.id);
    const sent = await deliver();
    expect(JSON.parse(to(sent, rep.platformUserId)[0]!.body.content)).toEqual({
      text: '你的转交申请已通过：客户「青山集团」已由 王经理 转给 李四',
    });
    expect(json(JSON.parse(to(sent, rep2.platformUserId)[0]!.body.content))).toContain('王经理 把客户「青山集团」转给了你');

    // A rejection: nothing moves, the requester (now 李四) is told.
    await click(rep2.platformUserId, { a: 'own.request', c: String(c) }, { picked: rep.platformUserId });
    const [, second] = await testDb.db.select().from(transferRequests).where(eq(transferRequests.customerId, c));
    await deliver();
    expect((await click(manager.platformUserId, { a: 'own.decide', r: String(second!.id), ok: '0' })).toast?.content).toBe(
      '已拒绝，申请人会收到通知',
    );
    expect(await ownerOf(c)).toBe(rep2.id);
    expect(JSON.parse(to(await deliver(), rep2.platformUserId)[0]!.body.content)).toEqual({
      text: '王经理 拒绝了你的转交申请：客户「青山集团」',
    });
  });

  it('申请转交 on the owned-by-other reply asks for the customer to come to the note’s author; only they may ask', async () => {
    const { rep, rep2, manager } = w.people;
    const c = await w.customer('华润置地', rep);
    const messageId = await say(rep2.platformUserId, '今天拜访华润置地陈总,已经签约,金额80万');
    const reply = replies(await deliver())[0]!;
    expect(json(JSON.parse(reply.body.content))).toContain('"a":"own.request_mine"');
    const [note] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    expect((await click(manager.platformUserId, { a: 'own.request_mine', id: String(note!.id) })).toast?.content).toBe(
      '只有记录这条跟进的人可以申请把客户转给自己',
    );
    const asked = await click(rep2.platformUserId, { a: 'own.request_mine', id: String(note!.id) });
    expect(asked.toast).toEqual({ type: 'success', content: '已提交给 王经理 审批' });
    const answered = json(asked.card?.data);
    expect(answered).toContain('"a":"fu.collab"');
    expect(answered).not.toContain('own.request_mine');
    const [request] = await testDb.db.select().from(transferRequests).where(eq(transferRequests.customerId, c));
    expect(request).toMatchObject({ fromUserId: rep.id, toUserId: rep2.id, requestedBy: rep2.id, status: 'pending' });
    expect(json(JSON.parse(to(await deliver(), manager.platformUserId)[0]!.body.content))).toContain(
      '李四 申请把客户「华润置地」从 张三 转给 李四',
    );
    await click(manager.platformUserId, { a: 'own.decide', r: String(request!.id), ok: '1' });
    expect(await ownerOf(c)).toBe(rep2.id);
    const sent = await deliver();
    expect(json(JSON.parse(to(sent, rep2.platformUserId)[0]!.body.content))).toContain('你的转交申请已通过');
    expect(JSON.parse(to(sent, rep.platformUserId)[0]!.body.content)).toEqual({ text: '你的客户「华润置地」已由 王经理 转给 李四' });
  });

  it('/转 客户名 @某人: the same rules by command', async () => {
    const { rep, rep2, manager, gone } = w.people;
    const c = await w.customer('鑫源化工', rep);
    const mention = (p: { platformUserId: string; name: string }) => ({
      mentions: [{ key: '@_user_2', open_id: p.platformUserId, name: p.name }],
    });
    await say(rep2.platformUserId, '/转 鑫源化工 @_user_2', mention(rep2));
    await say(manager.platformUserId, '/转 鑫源化工 @_user_2', mention(gone));
    await say(manager.platformUserId, '/转 鑫源化工');
    await say(manager.platformUserId, '/转 鑫源化工 @_user_2', mention(rep2));
    // Replies to different chats are sent side by side, in no set order: match each by its content.
    const sent = replies(await deliver()).map((s) => json(JSON.parse(s.body.content)));
    expect(sent).toHaveLength(4);
    for (const expected of [
      '你没有权限转交这个客户',
      '这位同事已停用，不能接收客户',
      '用法：/转 客户名 @同事',
      '已由 王经理 转给 李四 · 11月25日 10:00',
    ]) {
      expect(sent.filter((text) => text.includes(expected))).toHaveLength(1);
    }
    expect(await ownerOf(c)).toBe(rep2.id);
    expect(await movesOf(c)).toEqual([expect.objectContaining({ actorUserId: manager.id, toUserId: rep2.id })]);
  });
});

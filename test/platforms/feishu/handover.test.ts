import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { eq, inArray } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customers, users, workspaces } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_BASE, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';

const NOW_S = Math.floor(new Date('2026-11-25T02:00:05Z').getTime() / 1000);
type Card = { header: { title: { content: string }; template: string }; body: { elements: Record<string, unknown>[] } };
type Sent = { path: string; body: { receive_id?: string; msg_type: string; content: string } };

/** `/交接 @A @B` on Feishu, through the real composed app: the card, the clicks, the job and the final card. */
describe('Feishu: handover (离职交接)', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  const tenant = `tenant_${Math.random().toString(36).slice(2)}`;
  const f = handoverFixture(() => testDb.handle);
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const toInject = (r: { body: string; headers: Record<string, string> }) => ({ payload: r.body, headers: r.headers });
  async function say(
    text: string,
    senderOpenId: string,
    mentions: { key: string; open_id: string; name: string }[] = [],
    group?: { chatId: string },
  ) {
    const event = feishuMessageEvent({
      text,
      token: FEISHU_TOKEN,
      tenant,
      chatId: group?.chatId ?? `oc_${senderOpenId}`,
      chatType: group ? 'group' : 'p2p',
      senderOpenId,
      mentions,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S })),
    });
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
  }
  async function click(value: Record<string, string>, operatorOpenId: string) {
    const action = feishuCardAction({ token: FEISHU_TOKEN, tenant, value, operatorOpenId });
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, action, { timestamp: NOW_S })),
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { toast?: { type: string; content: string }; card?: { type: string; data: Card } };
  }
  /** Delivers the outbox through nock: replies in the chat and messages sent to a person. */
  async function deliver(): Promise<Sent[]> {
    const sent: Sent[] = [];
    nock.cleanAll();
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .optionally()
      .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
    nock(FEISHU_BASE)
      .post(/\/open-apis\/im\/v1\/messages.*/)
      .times(10)
      .optionally()
      .reply(200, function (path, body) {
        sent.push({ path, body: body as Sent['body'] });
        return { code: 0, data: { message_id: `om_bot_${sent.length}` } };
      });
    await t.genjin.outbox.runOnce();
    return sent;
  }
  const cardOf = (s: Sent) => JSON.parse(s.body.content) as Card;

  it('answers /交接 @A @B with the counts and two confirmations; confirms once, for the manager who asked; the job moves and reports', async () => {
    await say('/帮助', 'ou_mgr');
    await deliver();
    const [ws] = await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, tenant));
    const team = await f.team(ws!.id, 'east');
    await testDb.db.update(users).set({ role: 'manager', teamId: team, name: '王经理' }).where(eq(users.platformUserId, 'ou_mgr'));
    // Written behind the service's back: a running service keeps users USERS_CACHE_TTL_MS, so say so as a settings reload does.
    t.genjin.services.users.forgetUsers();
    const a = await f.user(ws!.id, 'rep', team, { platformUserId: 'ou_a', name: '张三' });
    await f.user(ws!.id, 'rep', team, { platformUserId: 'ou_b', name: '李四' });
    const ids = await f.book(a, 12);

    const mentions = [
      { key: '@_user_1', open_id: 'ou_a', name: '张三' },
      { key: '@_user_2', open_id: 'ou_b', name: '李四' },
    ];
    // A rep cannot start one.
    await say('/交接 @_user_1 @_user_2', 'ou_b', mentions);
    expect(JSON.parse((await deliver())[0]!.body.content)).toEqual({ text: '只有该同事的团队经理或管理员可以发起交接' });

    await say('/交接 @_user_1 @_user_2', 'ou_mgr', mentions);
    const [reply] = await deliver();
    const card = cardOf(reply!);
    expect(card.header.title.content).toBe('离职交接 · 张三');
    const body = JSON.stringify(card.body.elements);
    for (const fact of ['**交出**：张三', '**接手**：李四', '**客户**：12', '**未完成提醒**：2', '**跟进记录**：3'])
      expect(body).toContain(fact);
    expect(body).toContain('确认交接并停用');
    const id = /"a":"ho\.confirm","id":"(\d+)"/.exec(body)?.[1];
    expect(id).toBeDefined();

    expect((await click({ a: 'ho.confirm', id: id!, deactivate: '1' }, 'ou_b')).toast).toEqual({
      type: 'error',
      content: '只有发起人 王经理 可以确认这次交接',
    });
    const confirmed = await click({ a: 'ho.confirm', id: id!, deactivate: '1' }, 'ou_mgr');
    expect(confirmed.toast).toEqual({ type: 'success', content: '已确认，开始交接' });
    expect(confirmed.card?.data.header.title.content).toBe('交接进行中 · 张三');
    expect(JSON.stringify(confirmed.card?.data)).not.toContain('ho.confirm');
    expect((await click({ a: 'ho.confirm', id: id!, deactivate: '0' }, 'ou_mgr')).toast).toEqual({
      type: 'info',
      content: '这次交接已经确认，正在进行，不会重复执行',
    });

    const job = t.genjin.jobs.find((j) => j.name === 'handover-resume')!;
    expect(await job.run(t.clock.now(), RUN_BY_HAND)).toEqual({ started: 1, moved: 12, finished: 1 });
    const owners = await testDb.db.select({ owner: customers.ownerUserId }).from(customers).where(inArray(customers.id, ids));
    expect(new Set(owners.map((o) => o.owner)).size).toBe(1);
    const [aAfter] = await testDb.db.select().from(users).where(eq(users.id, a.id));
    expect(aAfter?.active).toBe(false);

    const [done] = await deliver();
    expect(done?.path).toContain('receive_id_type=open_id');
    expect(done?.body.receive_id).toBe('ou_mgr');
    const final = cardOf(done!);
    expect(final.header).toMatchObject({ title: { content: '交接完成 · 张三' }, template: 'green' });
    const finalBody = JSON.stringify(final.body.elements);
    expect(finalBody).toContain('**已转移**：12 个客户');
    expect(finalBody).toContain('李四：12 个');
    expect(finalBody).toContain('张三 已停用');
    expect((await click({ a: 'ho.confirm', id: id!, deactivate: '0' }, 'ou_mgr')).toast?.content).toBe('这次交接已经完成，不会重复执行');
  });

  it('refuses a deactivated B, and spreads with 平均分配, the card sent privately when asked in a group', async () => {
    const [ws] = await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, tenant));
    const [mgr] = await testDb.db.select().from(users).where(eq(users.platformUserId, 'ou_mgr'));
    const c = await f.user(ws!.id, 'rep', mgr!.teamId, { platformUserId: 'ou_c', name: '王五' });
    await f.user(ws!.id, 'rep', mgr!.teamId, { platformUserId: 'ou_gone', name: '离开的人', active: false });
    await f.book(c, 4);
    await say('/交接 @_user_1 @_user_2', 'ou_mgr', [
      { key: '@_user_1', open_id: 'ou_c', name: '王五' },
      { key: '@_user_2', open_id: 'ou_gone', name: '离开的人' },
    ]);
    expect(JSON.parse((await deliver())[0]!.body.content)).toEqual({ text: '离开的人 已停用，不能接手客户' });

    // Asked in a group: the group hears only that the card went to the manager's direct chat.
    await say('/交接 @_user_1 平均分配', 'ou_mgr', [{ key: '@_user_1', open_id: 'ou_c', name: '王五' }], { chatId: 'oc_team' });
    // Two recipients: the outbox sends them side by side, in either order.
    const both = await deliver();
    expect(both).toHaveLength(2);
    const inGroup = both.find((s) => s.path.endsWith('/reply'));
    const privately = both.find((s) => s.path.includes('receive_id_type=open_id'));
    expect(JSON.parse(inGroup!.body.content)).toEqual({ text: '交接确认卡片已私信发给你' });
    expect(privately?.body.receive_id).toBe('ou_mgr');
    const body = JSON.stringify(cardOf(privately!).body.elements);
    expect(body).toContain('**接手**：平均分配');
    // 李四 already holds the 12 from the first test: all four go to nobody else left active but him.
    expect(body).toContain('李四：4 个');
  });
});

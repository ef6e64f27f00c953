import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { eq, inArray } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customers, users, workspaces } from '../../../src/db/schema/index.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';
import { wecomClickXml, wecomPost, wecomTextXml } from '../../helpers/wecom-sign.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);
let msgSeq = 7_100_000_000_000_000_000n;
type TemplateCard = {
  main_title: { title: string };
  horizontal_content_list?: { keyname: string; value: string }[];
  sub_title_text?: string;
  button_list?: { text: string; key: string }[];
};
type Sent = { touser?: string; msgtype?: string; text?: { content: string }; template_card?: TemplateCard };

/** `/交接 @张三 @李四` on the WeCom app (people matched by name), through the real composed app. */
describe('WeCom: handover (离职交接)', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  const f = handoverFixture(() => testDb.handle, 'wecom');
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: NOW });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const post = (xml: string) =>
    t.app.inject({
      method: 'POST',
      url: '/webhooks/wecom',
      ...(() => {
        const r = wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp: NOW_S });
        return { query: r.query, payload: r.body, headers: { 'content-type': 'text/xml' } };
      })(),
    });
  async function say(from: string, content: string) {
    const res = await post(wecomTextXml({ corpId: WECOM.corpId, from, content, msgId: String(++msgSeq), createTime: NOW_S }));
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
  }
  async function click(from: string, key: string, responseCode: string) {
    expect((await post(wecomClickXml({ corpId: WECOM.corpId, from, key, responseCode, createTime: NOW_S }))).statusCode).toBe(200);
    await t.genjin.worker.drain();
  }
  /** Sends what the outbox holds through nock; returns the sent messages and card updates. */
  async function deliver() {
    const sent: Sent[] = [];
    const updates: { response_code?: string; template_card?: TemplateCard & { button?: { text: string } } }[] = [];
    nock.cleanAll();
    nock(WECOM.base).get('/cgi-bin/gettoken').query(true).optionally().reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
    nock(WECOM.base)
      .post('/cgi-bin/message/send', (b) => (sent.push(b as Sent), true))
      .query(true)
      .times(10)
      .optionally()
      .reply(200, { errcode: 0, msgid: 'm', response_code: 'rc_send' });
    nock(WECOM.base)
      .post('/cgi-bin/message/update_template_card', (b) => (updates.push(b as (typeof updates)[number]), true))
      .query(true)
      .times(10)
      .optionally()
      .reply(200, { errcode: 0 });
    await t.genjin.outbox.runOnce();
    return { sent, updates };
  }

  it('answers with a template card of counts and two buttons; the click confirms once; the job moves and the manager gets the result', async () => {
    await say('wmgr', '/帮助');
    await deliver();
    const [ws] = await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, WECOM.corpId));
    const team = await f.team(ws!.id, 'east');
    await testDb.db.update(users).set({ role: 'manager', teamId: team, name: '王经理' }).where(eq(users.platformUserId, 'wmgr'));
    // Written behind the service's back: a running service keeps users USERS_CACHE_TTL_MS, so say so as a settings reload does.
    t.genjin.services.users.forgetUsers();
    const a = await f.user(ws!.id, 'rep', team, { platformUserId: 'zhangsan', name: '张三' });
    const b = await f.user(ws!.id, 'rep', team, { platformUserId: 'lisi', name: '李四' });
    await f.user(ws!.id, 'rep', null, { platformUserId: 'outsider', name: '外人' });
    const ids = await f.book(a, 25);

    await say('wmgr', '/交接 @张三 @外人');
    expect((await deliver()).sent[0]?.text?.content).toBe('外人 不在你管理的团队里，不能接手');

    await say('wmgr', '/交接 @张三 @李四');
    const { sent } = await deliver();
    const card = sent[0]!;
    expect(card).toMatchObject({ touser: 'wmgr', msgtype: 'template_card', template_card: { main_title: { title: '离职交接 · 张三' } } });
    const facts = JSON.stringify(card.template_card);
    for (const fact of ['张三', '李四', '25']) expect(facts).toContain(fact);
    const keys = card.template_card?.button_list?.map((x) => x.key) ?? [];
    expect(card.template_card?.button_list?.map((x) => x.text)).toEqual(['确认交接', '确认交接并停用']);
    const [keep, deactivate] = keys;
    expect(keep).toMatch(/^a=ho\.confirm&id=\d+&deactivate=0$/);

    // 李四 clicks the card (forwarded to him): nothing changes, the card stays.
    await click('lisi', deactivate!, 'RC_LISI');
    await click('wmgr', keep!, 'RC_MGR_1');
    await click('wmgr', deactivate!, 'RC_MGR_2');
    const answered = await deliver();
    // WeCom has no toasts: the refusals come as text messages to whoever clicked (two recipients: either order).
    expect(answered.sent.map((s) => [s.touser, s.text?.content]).sort()).toEqual([
      ['lisi', '只有发起人 王经理 可以确认这次交接'],
      ['wmgr', '这次交接已经确认，正在进行，不会重复执行'],
    ]);
    expect(answered.updates).toHaveLength(1);
    expect(answered.updates.find((u) => u.response_code === 'RC_MGR_1')?.template_card?.main_title.title).toBe('交接进行中 · 张三');

    const job = t.genjin.jobs.find((j) => j.name === 'handover-resume')!;
    expect(await job.run(t.clock.now(), RUN_BY_HAND)).toEqual({ started: 1, moved: 25, finished: 1 });
    const owners = await testDb.db.select({ owner: customers.ownerUserId }).from(customers).where(inArray(customers.id, ids));
    expect(new Set(owners.map((o) => o.owner))).toEqual(new Set([b.id]));
    // 确认交接 (kept active) won; the second click did not switch it to deactivate.
    const [aAfter] = await testDb.db.select().from(users).where(eq(users.id, a.id));
    expect(aAfter?.active).toBe(true);

    const result = (await deliver()).sent[0];
    expect(result).toMatchObject({ touser: 'wmgr', msgtype: 'template_card', template_card: { main_title: { title: '交接完成 · 张三' } } });
    expect(JSON.stringify(result?.template_card)).toContain('25 个客户');
    expect(JSON.stringify(result?.template_card)).toContain('李四：25 个');
  });
});

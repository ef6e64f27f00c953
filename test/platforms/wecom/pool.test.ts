import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../../src/db/schema/index.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { wecomClickXml, wecomPost, wecomTextXml } from '../../helpers/wecom-sign.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);
type TemplateCard = {
  card_type: string;
  main_title: { title: string };
  sub_title_text?: string;
  button_list?: { text: string; key: string }[];
};
type Sent = { touser?: string; msgtype: string; template_card?: TemplateCard; text?: { content: string } };

/**
 * The pool card on WeCom, whose template cards have no rows with buttons and at most six buttons:
 * `adaptCard` turns the rows into text lines and their 领取 buttons into labelled card buttons,
 * the ones past six (and 下一页) on a continuation card; a click claims and updates the card.
 */
describe('WeCom: the pool card', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  const ids: number[] = [];
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const w = await createTestWorkspace(testDb.handle, 'wecom', WECOM.corpId);
    const now = new Date(NOW);
    for (let i = 1; i <= 11; i++) {
      const name = `客户${String(i).padStart(2, '0')}`;
      const [r] = await testDb.db.insert(customers).values({
        workspaceId: w,
        name,
        normalizedName: name,
        tier: i % 2 ? 'A' : 'B',
        tags: ['制造业'],
        lastFollowUpAt: new Date(now.getTime() - i * 3_600_000),
        createdAt: now,
        updatedAt: now,
      });
      ids.push(r.insertId);
    }
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const post = (xml: string) => {
    const req = wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp: NOW_S });
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/wecom',
      query: req.query,
      payload: req.body,
      headers: { 'content-type': 'text/xml' },
    });
  };

  /** Runs the outbox through nock; returns what WeCom received: sends, then card updates. */
  async function deliver(): Promise<{ sent: Sent[]; updates: { response_code: string; template_card: TemplateCard }[] }> {
    const sent: Sent[] = [];
    const updates: { response_code: string; template_card: TemplateCard }[] = [];
    // Interceptors of an earlier delivery would catch these requests into their own lists.
    nock.cleanAll();
    nock(WECOM.base).get('/cgi-bin/gettoken').query(true).optionally().reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
    nock(WECOM.base)
      .post('/cgi-bin/message/send', (b) => (sent.push(b as Sent), true))
      .query(true)
      .times(10)
      .optionally()
      .reply(200, () => ({ errcode: 0, msgid: `m${sent.length}`, response_code: `rc_send_${sent.length}` }));
    nock(WECOM.base)
      .post('/cgi-bin/message/update_template_card', (b) => (updates.push(b as (typeof updates)[number]), true))
      .query(true)
      .times(10)
      .optionally()
      .reply(200, { errcode: 0 });
    for (let i = 0; i < 5; i++) if ((await t.genjin.outbox.runOnce()).sent === 0) break;
    return { sent, updates };
  }

  it('draws /公海 as text lines with labelled 领取 buttons, six to a card, 下一页 on the continuation; a click claims', async () => {
    expect(
      (
        await post(
          wecomTextXml({ corpId: WECOM.corpId, from: 'zhangsan', content: '/公海', msgId: '8100000000000000001', createTime: NOW_S }),
        )
      ).statusCode,
    ).toBe(200);
    await t.genjin.worker.drain();
    const { sent } = await deliver();
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map((s) => s.template_card!);
    expect(sent.every((s) => s.touser === 'zhangsan' && s.msgtype === 'template_card')).toBe(true);

    expect(first).toMatchObject({ card_type: 'button_interaction', main_title: { title: '公海客户' } });
    const lines = first!.sub_title_text!.split('\n');
    expect(lines[0]).toBe('· 客户01 · 等级：A · 标签：制造业 · 阶段：新线索 · 最近跟进：11月25日');
    expect(lines.filter((l) => l.startsWith('· 客户'))).toHaveLength(10);
    expect(first!.sub_title_text).not.toContain('客户11');
    // The card's own button (下一页) comes first, then the rows' buttons labelled with their row.
    expect(first!.button_list!.map((b) => b.text)).toEqual([
      '下一页',
      '客户01·领取',
      '客户02·领取',
      '客户03·领取',
      '客户04·领取',
      '客户05·领取',
    ]);
    expect(Object.fromEntries(new URLSearchParams(first!.button_list![0]!.key))).toMatchObject({ a: 'pool.page', f: '', p: '2' });
    expect(first!.button_list![3]!.key).toBe(`a=pool.claim&id=${ids[2]}&f=&from=&p=1`);

    expect(second).toMatchObject({ card_type: 'button_interaction', main_title: { title: '公海客户（续）' } });
    expect(second!.button_list!.map((b) => b.text)).toEqual(['客户06·领取', '客户07·领取', '客户08·领取', '客户09·领取', '客户10·领取']);

    // 客户03·领取 on the first card: claimed, that card is updated with its response code, the rep gets the customer card.
    await post(
      wecomClickXml({
        corpId: WECOM.corpId,
        from: 'zhangsan',
        key: first!.button_list![3]!.key,
        responseCode: 'RC_POOL_1',
        createTime: NOW_S + 1,
      }),
    );
    await t.genjin.worker.drain();
    const [claimed] = await testDb.db.select().from(customers).where(eq(customers.id, ids[2]!));
    expect(claimed?.ownerUserId).not.toBeNull();
    const after = await deliver();
    expect(after.updates[0]).toMatchObject({ response_code: 'RC_POOL_1', template_card: { main_title: { title: '公海客户' } } });
    expect(after.updates[0]!.template_card.sub_title_text).toContain('✅ 你已领取「客户03」');
    expect(after.updates[0]!.template_card.sub_title_text).not.toContain('· 客户03 ·');
    expect(after.updates[0]!.template_card.button_list!.map((b) => b.text)).not.toContain('客户03·领取');
    const customerCard = after.sent.find((s) => s.template_card?.main_title.title === '客户03');
    expect(customerCard?.touser).toBe('zhangsan');
  });
});

import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, outbox, transferRequests } from '../../../src/db/schema/index.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { wecomClickXml, wecomTextXml } from '../../helpers/wecom-sign.js';
import { deliverToWecom, postToWecom } from '../../helpers/wecom-delivery.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);
let msgSeq = 8_100_000_000_000_000_000n;
type TemplateCard = {
  main_title: { title: string };
  sub_title_text?: string;
  button_selection?: { question_key: string; option_list: { id: string; text: string }[] };
  button_list?: { text: string; key: string }[];
};
type Sent = { touser: string; msgtype: string; template_card?: TemplateCard; text?: { content: string } };

/** A click on a template card's button with what its button_selection chose, as WeCom posts it. */
const clickXml = (o: { from: string; key: string; responseCode: string; selected?: { question: string; option: string } }) =>
  wecomClickXml({ corpId: WECOM.corpId, createTime: NOW_S, ...o });

/** The same rules on WeCom: the picker arrives as a button_selection sent by its button, clicks as XML callbacks. */
describe('WeCom: /查 scope, 转给TA by select, 申请转交 and /转', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: NOW });
    // One corp is one workspace: seeded once, so `@李四` names one person.
    w = await seedOwnershipWorkspace(testDb.handle, 'wecom', WECOM.corpId);
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const post = (xml: string) => postToWecom(t, xml, NOW_S);
  const say = (from: string, content: string) =>
    post(wecomTextXml({ corpId: WECOM.corpId, from, content, msgId: String(++msgSeq), createTime: NOW_S }));
  /** Delivers the outbox through nock; returns what message/send and update_template_card received. */
  const deliver = () => deliverToWecom<Sent, { response_code: string; template_card: TemplateCard }>(t.genjin.outbox);
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  it('renders the customer card per role; the manager’s picker is a select sent by 转给TA, and one tap moves the customer', async () => {
    const { rep, rep2, manager, gone } = w.people;
    const c = await w.customer('远航科技', rep);
    await say(rep2.platformUserId, '/查 远航科技');
    await say(manager.platformUserId, '/查 远航科技');
    const { sent } = await deliver();
    const colleague = sent.find((s) => s.touser === rep2.platformUserId)!;
    expect(colleague.template_card?.main_title.title).toBe('远航科技');
    expect(JSON.stringify(colleague)).not.toContain('380,000');
    expect(colleague.template_card?.button_list).toBeUndefined();
    const card = sent.find((s) => s.touser === manager.platformUserId)!.template_card!;
    expect(JSON.stringify(card)).toContain('¥380,000');
    expect(card.button_selection?.question_key).toBe('to');
    const options = card.button_selection!.option_list.map((o) => o.id);
    expect(options).toContain(rep2.platformUserId);
    expect(options).not.toContain(gone.platformUserId);
    expect(options).not.toContain(rep.platformUserId);
    expect(card.button_list?.[0]).toMatchObject({ text: '转给TA', key: `a=own.reassign&c=${c}&f=${rep.id}` });

    // A rep sending the manager's button with a choice: refused; the manager's own click moves it.
    await post(
      clickXml({
        from: rep2.platformUserId,
        key: `a=own.reassign&c=${c}&f=${rep.id}`,
        responseCode: 'RC_FORGED',
        selected: { question: 'to', option: rep2.platformUserId },
      }),
    );
    expect(await ownerOf(c)).toBe(rep.id);
    await post(
      clickXml({
        from: manager.platformUserId,
        key: `a=own.reassign&c=${c}&f=${rep.id}`,
        responseCode: 'RC_MOVE',
        selected: { question: 'to', option: rep2.platformUserId },
      }),
    );
    expect(await ownerOf(c)).toBe(rep2.id);
    const out = await deliver();
    const moved = out.updates.find((u) => u.response_code === 'RC_MOVE')!;
    expect(JSON.stringify(moved.template_card)).toContain('已由 王经理 转给 李四 · 11月25日 10:00');
    expect(out.sent.find((s) => s.touser === rep2.platformUserId && s.text)?.text?.content).toBe('你没有权限转交这个客户');
    expect(JSON.stringify(out.sent.find((s) => s.touser === rep2.platformUserId && s.template_card))).toContain(
      '王经理 把客户「远航科技」转给了你',
    );
    expect(out.sent.find((s) => s.touser === rep.platformUserId)?.text?.content).toBe('你的客户「远航科技」已由 王经理 转给 李四');
  });

  it('the owner’s 申请转交 reaches the manager as a card with 同意 / 拒绝; /转 by command follows the same rules', async () => {
    const { rep, rep2, manager } = w.people;
    const c = await w.customer('海岳集团', rep);
    await say(rep.platformUserId, '/查 海岳集团');
    const own = (await deliver()).sent.find((s) => s.touser === rep.platformUserId)!.template_card!;
    expect(own.button_list?.[0]).toMatchObject({ text: '申请转交', key: `a=own.request&c=${c}` });
    await post(
      clickXml({
        from: rep.platformUserId,
        key: `a=own.request&c=${c}`,
        responseCode: 'RC_ASK',
        selected: { question: 'to', option: rep2.platformUserId },
      }),
    );
    const [request] = await testDb.db.select().from(transferRequests).where(eq(transferRequests.customerId, c));
    const asked = await deliver();
    const toManager = asked.sent.find((s) => s.touser === manager.platformUserId)!.template_card!;
    expect(toManager.main_title.title).toBe('转交申请 · 海岳集团');
    expect(toManager.button_list?.map((b) => [b.text, b.key])).toEqual([
      ['同意', `a=own.decide&r=${request!.id}&ok=1`],
      ['拒绝', `a=own.decide&r=${request!.id}&ok=0`],
    ]);
    expect(JSON.stringify(asked.updates.find((u) => u.response_code === 'RC_ASK'))).toContain('等待 王经理 审批');

    await post(clickXml({ from: manager.platformUserId, key: `a=own.decide&r=${request!.id}&ok=0`, responseCode: 'RC_NO' }));
    expect(await ownerOf(c)).toBe(rep.id);
    expect((await deliver()).sent.find((s) => s.touser === rep.platformUserId)?.text?.content).toBe(
      '王经理 拒绝了你的转交申请：客户「海岳集团」',
    );

    await say(rep2.platformUserId, '/转 海岳集团 @李四');
    await say(manager.platformUserId, '/转 海岳集团 @李四');
    const replies = (await deliver()).sent;
    expect(replies.find((s) => s.touser === rep2.platformUserId && s.text)?.text?.content).toBe('你没有权限转交这个客户');
    expect(JSON.stringify(replies.find((s) => s.touser === manager.platformUserId))).toContain('已由 王经理 转给 李四');
    expect(await ownerOf(c)).toBe(rep2.id);
  });
});

import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignments, customers, outbox, teamDigests } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { deliverToFeishu, postToFeishu, type FeishuSent } from '../../helpers/feishu-delivery.js';
import { RUN_AT, seedKnownWeek } from '../../integration/digest/seed-week.js';

const NOW_S = Math.floor(RUN_AT.getTime() / 1000);
type Sent = FeishuSent;
type Element = Record<string, unknown> & { tag: string };
type Answer = { toast?: { type: string; content: string }; card?: { type: string; data: { body: { elements: Element[] } } } };

/**
 * The weekly digest on Feishu through the real composed app: the job's card in the team chat (a
 * JSON 2.0 card with the chart of follow-ups per rep), 转派 from it by the team's manager and the
 * refusal for anyone else, and `/周报` for a manager and a rep. nock stands in for the Feishu API.
 */
describe('Feishu: the weekly digest', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tenant = '';
  let w: Awaited<ReturnType<typeof seedKnownWeek>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle, { now: RUN_AT.toISOString() });
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
    tenant = `tenant_${Math.random().toString(36).slice(2)}`;
    w = await seedKnownWeek(testDb.handle, 'feishu', tenant, { digestChat: `oc_east_${tenant}` });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  async function say(from: string, text: string) {
    const event = feishuMessageEvent({ text, token: FEISHU_TOKEN, tenant, chatId: `oc_${from}`, senderOpenId: from, createTime: RUN_AT });
    await postToFeishu(t, event, NOW_S);
  }
  async function click(operator: string, value: Record<string, string>, picked?: string): Promise<Answer> {
    const envelope = feishuCardAction({ token: FEISHU_TOKEN, tenant, value, operatorOpenId: operator });
    if (picked) Object.assign(envelope.event.action, { tag: 'select_person', name: 'to', option: picked });
    Object.assign(envelope.event, { context: { open_message_id: 'om_digest', open_chat_id: `oc_east_${tenant}` } });
    return postToFeishu<Answer>(t, envelope, NOW_S);
  }
  const deliver = () => deliverToFeishu(t.genjin.outbox);
  const runDigest = () => t.genjin.jobs.find((j) => j.name === 'digest')!.run(RUN_AT, RUN_BY_HAND);
  const cardTo = (sent: Sent[], id: string) => {
    const s = sent.find((x) => x.body.receive_id === id);
    return s ? (JSON.parse(s.body.content) as { schema: string; body: { elements: Element[] } }) : undefined;
  };
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;
  const digestId = async () =>
    (await testDb.db.select().from(teamDigests).where(eq(teamDigests.workspaceId, w.workspaceId))).find((d) => d.teamId === w.teamKey)!.id;

  it('sends a JSON 2.0 card to the team chat with the chart of follow-ups per rep and every figure', async () => {
    await runDigest();
    const sent = await deliver();
    const chat = sent.find((s) => s.body.receive_id === `oc_east_${tenant}`)!;
    expect(chat.query).toContain('receive_id_type=chat_id');
    const card = cardTo(sent, `oc_east_${tenant}`)!;
    expect(card.schema).toBe('2.0');
    const chart = card.body.elements.find((e) => e.tag === 'chart') as unknown as {
      chart_spec: { type: string; data: { values: unknown[] }[] };
    };
    expect(chart.chart_spec.type).toBe('bar');
    expect(chart.chart_spec.data[0]!.values).toEqual([
      { category: '张三', series: '本周', value: 3 },
      { category: '张三', series: '上周', value: 2 },
      { category: '李四', series: '本周', value: 2 },
      { category: '李四', series: '上周', value: 2 },
      { category: '周八', series: '本周', value: 0 },
      { category: '周八', series: '上周', value: 1 },
    ]);
    const json = JSON.stringify(card);
    for (const expected of [
      '5 次（上周 5，±0）',
      '1 单 ¥520,000（上周 0 单）',
      '¥1,630,000',
      '周八（本周无跟进）',
      '北辰物流 商务谈判→已成交 ¥520,000',
      '云帆科技 已报价→商务谈判',
    ])
      expect(json).toContain(expected);
    // The five at risk, most urgent first, each with a picker of the team's people.
    const order = ['金鼎集团', '华信银行', '保利地产', '安达商贸', '博雅文化'].map((n) => json.indexOf(`${n} · `));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(card.body.elements.filter((e) => e.tag === 'select_person')).toHaveLength(5);
  });

  it('the team’s manager reassigns an at-risk customer from the card; it is redrawn from the stored figures', async () => {
    await runDigest();
    await deliver();
    const d = String(await digestId());
    const { rep: zhang, rep2: li, manager } = w.people;
    const answer = await click(
      manager.platformUserId,
      { a: 'dg.reassign', d, c: String(w.c.huaxin), f: String(li.id) },
      zhang.platformUserId,
    );
    expect(answer.toast?.content).toBe('已转给 张三');
    expect(await ownerOf(w.c.huaxin)).toBe(zhang.id);
    const redrawn = JSON.stringify(answer.card?.data);
    expect(redrawn).toContain('已转给 张三');
    expect(redrawn).toContain('华信银行 · 李四');
    // The moved row has no picker any more; the other four keep theirs.
    expect(answer.card!.data.body.elements.filter((e) => e.tag === 'select_person')).toHaveLength(4);
    expect(
      (await testDb.db.select().from(assignments).where(eq(assignments.customerId, w.c.huaxin))).filter((a) => a.reason === 'reassign'),
    ).toHaveLength(1);
    // The same click again (a double tap, or a second manager on the old card): stale, nothing changes.
    const again = await click(
      manager.platformUserId,
      { a: 'dg.reassign', d, c: String(w.c.huaxin), f: String(li.id) },
      w.zhou.platformUserId,
    );
    expect(again.toast?.content).toBe('这个客户现在归 张三 负责（卡片已过时），这次没有改动');
    expect(again.card).toBeUndefined();
    expect(await ownerOf(w.c.huaxin)).toBe(zhang.id);
    // The new owner and the old one are told, in the move's own transaction.
    const told = await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, w.workspaceId));
    expect(told.some((r) => r.target === `feishu:user:${zhang.platformUserId}` && JSON.stringify(r.payload).includes('华信银行'))).toBe(
      true,
    );
    expect(told.some((r) => r.target === `feishu:user:${li.platformUserId}` && JSON.stringify(r.payload).includes('华信银行'))).toBe(true);
  });

  it('a rep or another team’s manager gets a toast and nothing changes', async () => {
    await runDigest();
    await deliver();
    const d = String(await digestId());
    const { rep: zhang, rep2: li, otherManager } = w.people;
    for (const operator of [zhang, otherManager]) {
      const answer = await click(
        operator.platformUserId,
        { a: 'dg.reassign', d, c: String(w.c.baoli), f: String(li.id) },
        zhang.platformUserId,
      );
      expect(answer.toast?.content).toBe('只有本组经理或管理员可以从周报转派客户，这次没有改动');
      expect(answer.card).toBeUndefined();
    }
    expect(await ownerOf(w.c.baoli)).toBe(li.id);
    expect(
      (await testDb.db.select().from(assignments).where(eq(assignments.customerId, w.c.baoli))).filter((a) => a.reason !== 'create'),
    ).toHaveLength(0);
  });

  it('/周报: the manager gets the team’s week so far, a rep only their own numbers', async () => {
    const { rep2: li, manager } = w.people;
    await say(manager.platformUserId, '/周报');
    await say(li.platformUserId, '/周报');
    const sent = await deliver();
    const managers = JSON.stringify(
      JSON.parse(sent.find((s) => s.path.includes('/reply') && s.body.content.includes('本周截至'))!.body.content),
    );
    // Monday 09:00: the week so far holds 张三's note of 00:30.
    expect(managers).toContain('1 次（上周 5，-4）');
    expect(managers).toContain('周八（本周无跟进）');
    expect(managers).not.toContain('select_person');
    const own = JSON.stringify(JSON.parse(sent.find((s) => s.body.content.includes('李四 的本周'))!.body.content));
    expect(own).toContain('0 次（上周 2，-2）');
    expect(own).not.toContain('张三');
    expect(own).not.toContain('周八');
    expect(own).not.toContain('金鼎集团');
  });

  it('/周报 for an admin names the team; a manager cannot ask for another team', async () => {
    const { admin, otherManager } = w.people;
    await say(admin.platformUserId, '/周报');
    await say(admin.platformUserId, `/digest ${w.teamKey}`);
    await say(otherManager.platformUserId, `/周报 ${w.teamKey}`);
    await say(admin.platformUserId, '/周报 nope');
    const texts = (await deliver()).map((s) => s.body.content);
    expect(texts.some((c) => c.includes('你还没有加入团队；管理员可以用 /周报 团队ID 查看某个团队'))).toBe(true);
    expect(texts.some((c) => c.includes('本周截至') && c.includes('周八（本周无跟进）'))).toBe(true);
    expect(texts.some((c) => c.includes('只能查看你自己团队的周报'))).toBe(true);
    expect(texts.some((c) => c.includes('没有 ID 为「nope」的团队'))).toBe(true);
  });
});

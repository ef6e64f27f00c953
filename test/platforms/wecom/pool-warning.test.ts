import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { wecomClickXml, wecomTextXml } from '../../helpers/wecom-sign.js';
import { deliverToWecom, postToWecom } from '../../helpers/wecom-delivery.js';

const WARN_AT = '2026-11-25T02:00:00Z';
type TemplateCard = { main_title: { title: string }; sub_title_text?: string; button_list?: { text: string; key: string }[] };
type Sent = { touser: string; msgtype: string; template_card?: TemplateCard; text?: { content: string } };
let msgSeq = 8_200_000_000_000_000_000n;

/**
 * The pool warning on WeCom, whose cards have no inputs: 保留 is a button that takes the owner's
 * next message as the note (the clock restarts), 释放 and 转交 are buttons; 释放 acts once.
 */
describe('WeCom: the pool warning card', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: WARN_AT });
    w = await seedOwnershipWorkspace(testDb.handle, 'wecom', WECOM.corpId);
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const nowS = () => Math.floor(t.clock.now().getTime() / 1000);
  const post = (xml: string) => postToWecom(t, xml, nowS());
  const clickAs = (from: string, key: string, responseCode: string) =>
    post(wecomClickXml({ corpId: WECOM.corpId, from, key, responseCode, createTime: nowS() }));
  const deliver = () => deliverToWecom<Sent, { response_code: string; template_card: TemplateCard }>(t.genjin.outbox);
  const runPool = async (at: string) => {
    t.clock.set(at);
    return t.genjin.jobs.find((j) => j.name === 'pool')!.run(new Date(at), RUN_BY_HAND);
  };
  async function warned(name: string) {
    const id = await w.customer(name, w.people.rep, {
      lastFollowUpAt: new Date('2026-09-28T02:00:00Z'),
      createdAt: new Date('2026-06-01T00:00:00Z'),
    });
    await runPool(WARN_AT);
    const [row] = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, id), eq(reminders.kind, 'pool_warning')));
    const card = (await deliver()).sent.find(
      (s) => s.touser === w.people.rep.platformUserId && s.template_card?.main_title.title.endsWith(name),
    )!;
    return { id, r: String(row!.id), card: card.template_card! };
  }
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]!;

  it('保留, 释放 and 转交 as buttons; 释放 by a colleague is refused, by the owner acts once', async () => {
    const { id, r, card } = await warned('远航科技');
    const { rep, rep2 } = w.people;
    expect(card.button_list!.map((b) => b.text)).toEqual(['保留', '释放', '转交']);
    expect(card.button_list![1]!.key).toBe(`a=poolw.release&r=${r}`);
    expect(card.sub_title_text).toContain('客户「远航科技」已 58 天没有跟进，将于 11月27日 回到公海。');

    await clickAs(rep2.platformUserId, `a=poolw.release&r=${r}`, 'RC_OTHER');
    expect((await ownerOf(id)).ownerUserId).toBe(rep.id);
    await clickAs(rep.platformUserId, `a=poolw.release&r=${r}`, 'RC_REL');
    await clickAs(rep.platformUserId, `a=poolw.release&r=${r}`, 'RC_REL_2');
    expect((await ownerOf(id)).ownerUserId).toBeNull();
    const { sent, updates } = await deliver();
    expect(sent.find((s) => s.touser === rep2.platformUserId)?.text?.content).toBe('只有负责人或其经理可以释放这个客户');
    expect(JSON.stringify(updates.find((u) => u.response_code === 'RC_REL'))).toContain('已由 张三 释放到公海');
    expect(sent.find((s) => s.touser === rep.platformUserId && s.text)?.text?.content).toMatch(
      /^这张卡片已经处理过了：张三 已释放到公海 · /,
    );
  });

  it('保留: the owner taps it, sends the note as the next message, and the customer stays theirs', async () => {
    const { id, card } = await warned('长风物流');
    const { rep } = w.people;
    t.clock.set('2026-11-26T03:00:00Z');
    await clickAs(rep.platformUserId, card.button_list![0]!.key, 'RC_KEEP');
    await post(
      wecomTextXml({
        corpId: WECOM.corpId,
        from: rep.platformUserId,
        content: '电话沟通了新一期的采购计划，下周报价',
        msgId: String(++msgSeq),
        createTime: nowS(),
      }),
    );
    expect((await ownerOf(id)).lastFollowUpAt?.toISOString()).toBe('2026-11-26T03:00:00.000Z');
    await runPool('2026-11-27T02:00:00Z');
    expect((await ownerOf(id)).ownerUserId).toBe(rep.id);
  });
});

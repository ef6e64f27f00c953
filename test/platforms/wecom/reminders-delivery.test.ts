import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { postToWecom } from '../../helpers/wecom-delivery.js';
import { wecomTextXml } from '../../helpers/wecom-sign.js';
import { seedReminderWorkspace } from '../../integration/reminders/seed.js';

const NOW = '2026-11-25T02:00:05Z'; // 10:00:05 in Asia/Shanghai, a Wednesday
const NOW_S = Math.floor(Date.parse(NOW) / 1000);
type TemplateCard = {
  card_type: string;
  main_title: { title: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string }[];
  button_list?: { text: string; key: string }[];
};
type Sent = { touser?: string; msgtype: string; template_card?: TemplateCard };

/**
 * Reminder cards on WeCom (template cards: no inputs, six buttons, one select of ten): 已跟进 is
 * the button that asks for the next message, the card arrives through a frequency limit and a
 * busy system (retried, shown once), and `/我的` fits one card (rows as lines, 已跟进 per row).
 */
describe('WeCom: reminder cards and /我的', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  let s: Awaited<ReturnType<typeof seedReminderWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: NOW });
    s = await seedReminderWorkspace(testDb.handle, 'wecom', { tenant: WECOM.corpId });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const token = () =>
    nock(WECOM.base).get('/cgi-bin/gettoken').query(true).optionally().reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
  const rowsOf = async (userId: number) => testDb.db.select().from(reminders).where(eq(reminders.userId, userId));

  it('delivers the card through a frequency limit and a busy system, once, and records where it went', async () => {
    t.clock.set(NOW);
    const zhang = await s.rep('张三', { platformUserId: 'zhangsan' });
    await s.customer('云帆科技', zhang, { next: '2026-11-25T09:00:00+08:00', last: '2026-11-20T10:00:00+08:00' });
    await t.genjin.jobs.find((j) => j.name === 'reminders')!.run(t.clock.now(), RUN_BY_HAND);
    const sent: Sent[] = [];
    nock.cleanAll();
    token();
    nock(WECOM.base).post('/cgi-bin/message/send').query(true).reply(200, { errcode: 45009, errmsg: 'api freq out of limit' });
    await t.genjin.outbox.runOnce();
    const pending = async () =>
      (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId))).filter((r) => r.status === 'pending');
    const [first] = await pending();
    expect(first?.attempts).toBe(1);
    nock(WECOM.base).post('/cgi-bin/message/send').query(true).reply(200, { errcode: -1, errmsg: 'system busy' });
    t.clock.set(new Date(first!.nextAttemptAt.getTime() + 1));
    await t.genjin.outbox.runOnce();
    const [second] = await pending();
    expect(second?.attempts).toBe(2);
    nock(WECOM.base)
      .post('/cgi-bin/message/send', (b) => (sent.push(b as Sent), true))
      .query(true)
      .times(5)
      .reply(200, () => ({ errcode: 0, msgid: `m${sent.length}`, response_code: `rc_${sent.length}` }));
    t.clock.set(new Date(second!.nextAttemptAt.getTime() + 1));
    for (let i = 0; i < 3; i++) await t.genjin.outbox.runOnce();
    expect(sent.every((x) => x.touser === 'zhangsan' && x.msgtype === 'template_card')).toBe(true);
    const [card, ...rest] = sent.map((x) => x.template_card!);
    expect(card?.main_title.title).toBe('云帆科技');
    expect(card?.horizontal_content_list).toContainEqual({ keyname: '状态', value: '今天 09:00 到期' });
    // No inputs: 已跟进 is a button that asks for the next message; every action reaches the rep.
    const buttons = sent.flatMap((x) => x.template_card?.button_list ?? []);
    expect(buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['已跟进', '推迟1天', '推迟1周', '转交', '改期']));
    expect(new URLSearchParams(buttons.find((b) => b.text === '已跟进')?.key).get('a')).toBe('rem.ask_note');
    // One card: the ten dates of 改期 fit WeCom's one select, so nothing moves to a continuation card.
    expect(rest).toEqual([]);
    expect(card?.button_list?.map((b) => b.text)).toEqual(['改期', '已跟进', '推迟1天', '推迟1周', '转交']);
    const [reminder] = await rowsOf(zhang.id);
    expect(reminder?.messageRef).toBeTruthy();
    // Each message once: a second delivery round sends nothing.
    const count = sent.length;
    await t.genjin.outbox.runOnce();
    expect(sent).toHaveLength(count);
  });

  it('/我的 fits one card: rows as lines, a labelled 已跟进 per row, the count of the rest', async () => {
    t.clock.set(NOW);
    const li = await s.rep('李四', { platformUserId: 'lisi' });
    for (let i = 1; i <= 8; i++)
      await s.customer(`逾期${i}`, li, { next: new Date(Date.parse('2026-11-24T09:00:00+08:00') - i * 86_400_000).toISOString() });
    await postToWecom(
      t,
      wecomTextXml({ corpId: WECOM.corpId, from: 'lisi', content: '/我的', msgId: '8200000000000000001', createTime: NOW_S }),
      NOW_S,
    );
    const sent: Sent[] = [];
    nock.cleanAll();
    token();
    nock(WECOM.base)
      .post('/cgi-bin/message/send', (b) => (sent.push(b as Sent), true))
      .query(true)
      .times(5)
      .reply(200, () => ({ errcode: 0, msgid: `m${sent.length}`, response_code: `rc_${sent.length}` }));
    await t.genjin.outbox.runOnce();
    const mine = sent.filter((x) => x.touser === 'lisi');
    expect(mine).toHaveLength(1);
    const card = mine[0]!.template_card!;
    expect(card.main_title.title).toBe('我的待跟进客户（8）');
    expect(card.sub_title_text).toContain('【已逾期】');
    expect(card.sub_title_text).toContain('· 逾期8 · 状态：已逾期 9 天');
    expect(card.sub_title_text).toContain('还有 2 个客户未列出');
    expect(card.button_list?.map((b) => b.text)).toEqual([
      '逾期8·已跟进',
      '逾期7·已跟进',
      '逾期6·已跟进',
      '逾期5·已跟进',
      '逾期4·已跟进',
      '逾期3·已跟进',
    ]);
    expect(card.button_list?.every((b) => new URLSearchParams(b.key).get('a') === 'rem.ask_note')).toBe(true);
  });
});

import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_BASE, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { seedReminderWorkspace } from '../../integration/reminders/seed.js';

const NOW = '2026-11-25T02:00:05Z'; // 10:00:05 in Asia/Shanghai, a Wednesday
const NOW_S = Math.floor(Date.parse(NOW) / 1000);
type Element = Record<string, unknown>;
type Card = { header: { title: { content: string }; template: string }; body: { elements: Element[] } };
type Sent = { receive_id?: string; msg_type: string; content: string; uuid?: string };

/**
 * Reminder cards on Feishu through the outbox: the card a rep receives (customer, facts, how late,
 * the note form and the buttons), its message id recorded on the reminder, delivery through a rate
 * limit and a platform error (retried, shown once), and `/我的` with a section per kind of lateness.
 */
describe('Feishu: reminder cards and /我的', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle, { now: NOW });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const token = () =>
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .optionally()
      .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
  const run = () => t.genjin.jobs.find((j) => j.name === 'reminders')!.run(t.clock.now(), RUN_BY_HAND);

  it('delivers the card through a rate limit and a server error, once, and records its message id on the reminder', async () => {
    t.clock.set(NOW);
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    await s.customer('云帆科技', zhang, { next: '2026-11-23T09:00:00+08:00', last: '2026-11-20T10:00:00+08:00', amount: 500000 });
    await run();
    const sent: Sent[] = [];
    nock.cleanAll();
    token();
    const messages = nock(FEISHU_BASE).post('/open-apis/im/v1/messages').query({ receive_id_type: 'open_id' });
    messages.reply(429, { code: 99991400, msg: 'request trigger frequency limit' });
    await t.genjin.outbox.runOnce();
    const [row] = await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.lastError).toMatch(/rate_limited|99991400/);
    nock(FEISHU_BASE).post('/open-apis/im/v1/messages').query(true).reply(500, 'upstream');
    t.clock.set(new Date(row!.nextAttemptAt.getTime() + 1));
    await t.genjin.outbox.runOnce();
    const [again] = await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId));
    expect(again).toMatchObject({ status: 'pending', attempts: 2 });
    nock(FEISHU_BASE)
      .post('/open-apis/im/v1/messages', (b) => (sent.push(b as Sent), true))
      .query(true)
      .reply(200, { code: 0, data: { message_id: 'om_reminder_1' } });
    t.clock.set(new Date(again!.nextAttemptAt.getTime() + 1));
    await t.genjin.outbox.runOnce();
    expect(sent).toHaveLength(1);
    const [reminder] = await testDb.db.select().from(reminders).where(eq(reminders.workspaceId, s.workspaceId));
    // Every attempt carried the same uuid, so a send Feishu took but did not answer is not shown twice.
    expect(sent[0]).toMatchObject({ receive_id: zhang.platformUserId, msg_type: 'interactive', uuid: expect.stringMatching(/^ob-\d+$/) });
    expect(reminder?.messageRef).toBe('om_reminder_1');
    const card = JSON.parse(sent[0]!.content) as Card;
    expect(card.header).toMatchObject({ title: { content: '云帆科技' }, template: 'orange' });
    const body = JSON.stringify(card.body.elements);
    for (const text of ['已逾期 2 天', '¥500,000', '推迟1天', '推迟1周', '转交', '已跟进', '跟进内容']) expect(body).toContain(text);
    // The buttons carry the reminder and the customer's state the card was drawn from.
    expect(body).toContain(`"r":"${reminder?.id}"`);
    // Later runs the same day send nothing more.
    await run();
    expect(await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId))).toHaveLength(1);
  });

  it('/我的 lists overdue, due-today and quiet customers in sections, each row with its actions', async () => {
    t.clock.set(NOW);
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    await s.customer('逾期客户', zhang, { next: '2026-11-23T09:00:00+08:00', last: '2026-11-20T10:00:00+08:00' });
    await s.customer('今天下午', zhang, { next: '2026-11-25T15:00:00+08:00', last: '2026-11-20T10:00:00+08:00' });
    await s.customer('沉默客户', zhang, { tier: 'A', last: '2026-11-10T10:00:00+08:00' });
    await s.customer('下周的', zhang, { next: '2026-12-01T09:00:00+08:00', last: '2026-11-24T10:00:00+08:00' });
    const event = feishuMessageEvent({
      text: '/我的',
      token: FEISHU_TOKEN,
      tenant: s.tenant,
      senderOpenId: zhang.platformUserId,
      chatId: `oc_${s.tenant}`,
    });
    const signed = feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S });
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
    const sent: Sent[] = [];
    nock.cleanAll();
    token();
    nock(FEISHU_BASE)
      .post(/\/open-apis\/im\/v1\/messages.*/, (b) => (sent.push(b as Sent), true))
      .query(true)
      .times(5)
      .reply(200, { code: 0, data: { message_id: 'om_mine' } });
    await t.genjin.outbox.runOnce();
    const mine = sent.map((x) => JSON.parse(x.content) as Card).find((c) => c.header.title.content.startsWith('我的待跟进客户'));
    expect(mine?.header.title.content).toBe('我的待跟进客户（3）');
    const body = JSON.stringify(mine?.body.elements);
    const order = [
      '已逾期',
      '逾期客户',
      '已逾期 2 天',
      '今天到期',
      '今天下午',
      '今天 15:00 到期',
      '久未跟进',
      '沉默客户',
      '15 天未跟进',
    ].map((x) => body.indexOf(x));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(body).not.toContain('下周的');
    // 已跟进 asks for the note the same way on every platform here (no reminder: r is empty).
    expect(body).toContain('rem.ask_note');
    expect(body).toContain('"r":""');
    expect(body.match(/推迟1周/g)).toHaveLength(3);
  });
});

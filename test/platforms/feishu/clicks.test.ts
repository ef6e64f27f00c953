import { eq } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUps, inboundEvents, outbox } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const NOW_S = Math.floor(new Date('2026-11-25T02:00:05Z').getTime() / 1000);

/** Card clicks are stored per click, run once, and a slow one never tells the rep to tap again. */
describe('Feishu card clicks: slow, repeated and malformed', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle);
  });
  afterAll(() => nock.enableNetConnect());

  const send = (payload: unknown) => {
    const signed = feishuSignedRequest(FEISHU_KEY, payload, { timestamp: NOW_S });
    return t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
  };
  async function note(text: string, tenant: string) {
    const event = feishuMessageEvent({ text, token: FEISHU_TOKEN, tenant, chatId: `oc_${tenant}` });
    expect((await send(event)).statusCode).toBe(200);
    await t.genjin.worker.drain();
    const [row] = await testDb.db
      .select()
      .from(followUps)
      .where(eq(followUps.sourceMessageId, event.event.message.message_id as string));
    return row!;
  }

  it('answers a click still running at the deadline with "working on it", then updates the card when it finishes', async () => {
    const tenant = 'tenant_slow';
    const row = await note('今天给远山科技王总打电话,预算20万', tenant);
    // Another transaction holds the follow-up row, so the undo waits past Feishu's 3 s.
    const locker = await mysql.createConnection({ uri: testDb.url });
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM follow_ups WHERE id = ? FOR UPDATE', [row.id]);
    try {
      const click = feishuCardAction({
        token: FEISHU_TOKEN,
        tenant,
        value: { a: 'fu.undo', id: String(row.id) },
        messageId: 'om_slow_card',
      });
      const started = Date.now();
      const res = await send(click);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.json()).toEqual({
        toast: { type: 'info', content: '处理中，完成后卡片会自动更新 / Working on it; the card updates when done' },
      });
      // The same click delivered again while it runs changes nothing.
      expect((await send(click)).json()).toMatchObject({ toast: { type: 'info' } });
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    await t.genjin.worker.drain();
    const [undone] = await testDb.db.select().from(followUps).where(eq(followUps.id, row.id));
    expect(undone?.status).toBe('undone');
    const updates = (await testDb.db.select().from(outbox)).filter(
      (r) => r.payload.kind === 'update' && r.payload.messageId === 'om_slow_card',
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]?.payload).toMatchObject({ message: { kind: 'card', card: { title: '已撤销这条跟进' } } });
  });

  it('answers a fast click in the callback, and a repeated delivery of it as already done', async () => {
    const tenant = 'tenant_fast';
    const row = await note('今天给近水集团李总打电话,预算30万', tenant);
    const click = feishuCardAction({ token: FEISHU_TOKEN, tenant, value: { a: 'fu.undo', id: String(row.id) }, messageId: 'om_fast_card' });
    const first = await send(click);
    expect(first.json()).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw' } });
    expect((await send(click)).json()).toEqual({ toast: { type: 'info', content: '已处理 / Already done' } });
    const [stored] = await testDb.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.eventId, click.header.event_id as string));
    expect(stored).toMatchObject({ status: 'done', result: { toast: { kind: 'success' } } });
  });

  it.each([
    [
      'a 300-character message id',
      () => {
        const event = feishuMessageEvent({ text: '今天给云帆科技王总打电话', token: FEISHU_TOKEN, messageId: `om_${'x'.repeat(297)}` });
        return event;
      },
    ],
    [
      'a form value that is an object',
      () =>
        feishuCardAction({
          token: FEISHU_TOKEN,
          value: { a: 'fu.edit_submit', id: '1' },
          formValue: { amount: { toString: 1 } as unknown as string },
        }),
    ],
    [
      'a form value that is a nested array',
      () =>
        feishuCardAction({
          token: FEISHU_TOKEN,
          value: { a: 'fu.edit_submit', id: '1' },
          formValue: { amount: [[1]] as unknown as string },
        }),
    ],
  ])('answers %s, validly signed, with 400 and stores nothing', async (_label, make) => {
    const before = (await testDb.db.select({ id: inboundEvents.id }).from(inboundEvents)).length;
    const res = await send(make());
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'malformed_payload' });
    expect((await testDb.db.select({ id: inboundEvents.id }).from(inboundEvents)).length).toBe(before);
  });
});

import { eq, sql } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { followUps, inboundEvents, outbox } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);

/**
 * The inbox keeps what it acknowledged: the work runs from the stored row, a failed row is run
 * again by the sweeper with backoff, the last failure tells the user, and an outage of the
 * database (down or frozen) withholds the acknowledgement instead of losing the event.
 */
describe('durable inbox: failures, retries, give-up, frozen database, PII', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let chat = '';
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle, { now: NOW });
  });
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => {
    t.clock.set(NOW);
    chat = `oc_${Math.random().toString(36).slice(2)}`;
  });

  async function say(text: string) {
    const event = feishuMessageEvent({ text, token: FEISHU_TOKEN, chatId: chat, tenant: `tenant_${chat}` });
    const signed = feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S });
    const started = Date.now();
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
    return { res, ms: Date.now() - started, messageId: event.event.message.message_id as string };
  }
  const rowOf = async (eventId: string) => (await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, eventId)))[0];
  const repliesTo = (messageId: string) =>
    testDb.db
      .select()
      .from(outbox)
      .where(sql`${outbox.dedupeKey} IN (${`reply:feishu:${messageId}`}, ${`giveup:feishu:${messageId}`})`);
  async function sweepAfter(ms: number) {
    t.clock.advance(ms);
    await t.genjin.worker.sweep(0);
    await t.genjin.worker.drain();
  }

  it('retries a failed handler from the stored row and answers exactly once when it recovers', async () => {
    // The handler fails for real: its table is gone (as in a botched deploy), then comes back.
    await testDb.db.execute(sql`RENAME TABLE follow_ups TO follow_ups_away`);
    const { res, messageId } = await say('今天给星河科技王总打电话,预算50万,下周三上门演示');
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
    expect(await rowOf(messageId)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'db:ER_NO_SUCH_TABLE' });

    await sweepAfter(500); // backoff (2 s) not over: nothing runs
    expect(await rowOf(messageId)).toMatchObject({ status: 'failed', attempts: 1 });
    await sweepAfter(2000);
    expect(await rowOf(messageId)).toMatchObject({ status: 'failed', attempts: 2 });

    await testDb.db.execute(sql`RENAME TABLE follow_ups_away TO follow_ups`);
    await sweepAfter(5000);
    expect(await rowOf(messageId)).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId))).toHaveLength(1);
    const replies = await repliesTo(messageId);
    expect(replies.map((r) => r.dedupeKey)).toEqual([`reply:feishu:${messageId}`]);

    await sweepAfter(60_000); // nothing left to run
    expect(await repliesTo(messageId)).toHaveLength(1);
  });

  it('after the last attempt tells the user to send it again, once, and keeps the row for inspection', async () => {
    await testDb.db.execute(sql`RENAME TABLE follow_ups TO follow_ups_away`);
    try {
      const { messageId } = await say('今天拜访了月光集团李总,报价30万');
      await t.genjin.worker.drain();
      for (let i = 0; i < 8; i++) await sweepAfter(61_000);
      const row = await rowOf(messageId);
      expect(row).toMatchObject({ status: 'dead', attempts: 5, lastError: 'db:ER_NO_SUCH_TABLE' });
      expect(row?.payload).toMatchObject({ type: 'message', messageId });
      const replies = await repliesTo(messageId);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.payload).toMatchObject({
        kind: 'send',
        to: { platform: 'feishu', kind: 'chat', id: chat },
        replyTo: messageId,
        message: { kind: 'text', text: '没能记录这条跟进，请重新发送' },
      });
    } finally {
      await testDb.db.execute(sql`RENAME TABLE follow_ups_away TO follow_ups`);
    }
  });

  it('never logs or stores the note or its phone number when a database error carries them', async () => {
    // Make the follow-up insert fail: the database error then carries the note as a parameter.
    await testDb.db.execute(sql`ALTER TABLE follow_ups ADD CONSTRAINT no_notes CHECK (raw_text NOT LIKE '%1381234%')`);
    try {
      const before = t.logs.text().length;
      const { messageId } = await say('给云帆科技王总打电话 13812345678,预算50万');
      await t.genjin.worker.drain();
      const row = await rowOf(messageId);
      expect(row?.status).toBe('failed');
      expect(row?.lastError).toMatch(/^db:/);
      const logged = t.logs.text().slice(before);
      expect(logged).toContain('handling an inbound event failed');
      expect(logged).not.toContain('13812345678');
      expect(logged).not.toContain('云帆');
      expect(logged).not.toContain('params');
    } finally {
      await testDb.db.execute(sql`ALTER TABLE follow_ups DROP CONSTRAINT no_notes`);
    }
  });

  it('answers 503 within 2 s while the database is reachable but frozen, then takes the redelivery', async () => {
    const locker = await mysql.createConnection({ uri: testDb.url });
    await locker.query('LOCK TABLES inbound_events WRITE');
    let frozen: Awaited<ReturnType<typeof say>>;
    try {
      frozen = await say('今天给北辰物流赵总打电话,下周一再联系');
      expect(frozen.res.statusCode).toBe(503);
      expect(frozen.ms).toBeLessThan(2000);
    } finally {
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }
    // The insert that timed out may land after the lock is gone; the event is then stored, and
    // Feishu's retry of the same message is a duplicate that the sweeper's run answers.
    await new Promise((r) => setTimeout(r, 300));
    await sweepAfter(3000);
    expect(await rowOf(frozen.messageId)).toMatchObject({ status: 'done' });
    expect(await repliesTo(frozen.messageId)).toHaveLength(1);
  });

  it('keeps rows in the database, not the heap, past the queue bound, and the sweeper runs them in order', async () => {
    const small = await buildFeishuTestApp(testDb.handle, { now: NOW, inbox: { maxQueued: 1 } });
    const ids: string[] = [];
    for (const company of ['蓝鲸', '青禾', '远舟', '星湖']) {
      const event = feishuMessageEvent({
        text: `今天给${company}科技王总打电话,预算10万`,
        token: FEISHU_TOKEN,
        chatId: chat,
        tenant: `tenant_${chat}`,
      });
      const signed = feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S });
      const res = await small.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
      expect(res.statusCode).toBe(200);
      ids.push(event.event.message.message_id as string);
      expect(small.genjin.worker.size()).toBeLessThanOrEqual(1);
    }
    await small.genjin.worker.drain();
    for (let i = 0; i < 6; i++) {
      small.clock.advance(3000);
      await small.genjin.worker.sweep();
      await small.genjin.worker.drain();
    }
    const rows = await testDb.db
      .select()
      .from(followUps)
      .where(
        sql`${followUps.sourceMessageId} IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    expect(rows).toHaveLength(4);
    // In the order the chat sent them.
    const byCreation = [...rows].sort((a, b) => a.id - b.id).map((r) => r.sourceMessageId);
    expect(byCreation).toEqual(ids);
  });
});

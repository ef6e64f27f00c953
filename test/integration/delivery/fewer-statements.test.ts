import { eq, sql } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type OutboxRow } from '../../../src/delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix } from '../../../src/delivery/rate-limiter.js';
import { buildFeishuTestApp, FEISHU_BASE, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { captureLogs } from '../../helpers/log-capture.js';

const NOW = '2026-11-25T02:00:05Z';
const FEISHU_LIMIT = limitsByPrefix({ 'feishu:': { limit: 5, windowMs: 1000 } });

/**
 * Fewer statements per reply without giving anything up: the outbox is woken by the reply's commit
 * instead of its poll, and the rate limit is read from the claim unless the recipient is near it.
 */
describe('the outbox without polling and per-send limit queries', () => {
  const testDb = useTestDatabase();
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(() => nock.enableNetConnect());
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });

  it('delivers a reply as soon as the note is handled, not at the next poll', async () => {
    const t = await buildFeishuTestApp(testDb.handle, { now: NOW });
    const sent: string[] = [];
    nock(FEISHU_BASE)
      .persist()
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(FEISHU_BASE)
      .persist()
      .get(/\/open-apis\/contact\/v3\/users\/.*/)
      .reply(200, { code: 0, data: { user: { name: '王小明' } } });
    nock(FEISHU_BASE)
      .persist()
      .post(/\/open-apis\/im\/v1\/messages.*/)
      .reply(200, (path) => {
        sent.push(path);
        return { code: 0, data: { message_id: `om_bot_${sent.length}` } };
      });
    // A poll a minute apart: its first (empty) claim runs at start, the next one only after the test.
    t.genjin.outbox.start(60_000);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const event = feishuMessageEvent({ text: '今天给星河科技王总打电话,预算50万', token: FEISHU_TOKEN, chatId: `oc_${uniqueId('c')}` });
      const signed = feishuSignedRequest(FEISHU_KEY, event, { timestamp: Math.floor(new Date(NOW).getTime() / 1000) });
      const res = await t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
      expect(res.statusCode).toBe(200);
      await t.genjin.worker.drain();
      const deadline = Date.now() + 10_000;
      while (sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain(`/messages/${event.event.message.message_id as string}/reply`);
    } finally {
      await t.genjin.stop();
      nock.cleanAll();
    }
  });

  it('asks the database nothing when the claim counted the recipient under its limit, and asks when it is at the limit', async () => {
    const limiter = createRateLimiter({ db: testDb.db, limitFor: FEISHU_LIMIT, countWindowMs: 1000 });
    const now = new Date('2030-01-01T00:00:00Z');
    // With the table gone, any query the limiter made would fail.
    await testDb.db.execute(sql`RENAME TABLE outbox TO outbox_away`);
    try {
      expect(await limiter.waitMs('feishu:oc_x', now, 4)).toBe(0);
      await expect(limiter.waitMs('feishu:oc_x', now, 5)).rejects.toThrow();
      await expect(limiter.waitMs('feishu:oc_x', now, null)).rejects.toThrow();
    } finally {
      await testDb.db.execute(sql`RENAME TABLE outbox_away TO outbox`);
    }
    // A count over a window shorter than the rule's says nothing: it queries.
    const short = createRateLimiter({ db: testDb.db, limitFor: FEISHU_LIMIT, countWindowMs: 500 });
    await testDb.db.execute(sql`RENAME TABLE outbox TO outbox_away`);
    try {
      await expect(short.waitMs('feishu:oc_x', now, 0)).rejects.toThrow();
    } finally {
      await testDb.db.execute(sql`RENAME TABLE outbox_away TO outbox`);
    }
  });

  it('keeps a recipient within its rate limit across two replicas when the limit is read from the claim', async () => {
    const clock = fixedClock('2030-06-07T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    for (let i = 0; i < 12; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const delivered: number[] = [];
    const replicas = [0, 1].map(() =>
      createOutboxWorker({
        db: testDb.db,
        clock,
        log: captureLogs().log,
        deliver: async (row: OutboxRow) => {
          delivered.push(Number(row.payload.i));
          return {};
        },
        limiter: createRateLimiter({ db: testDb.db, limitFor: FEISHU_LIMIT, countWindowMs: 1000 }),
        batchSize: 3,
      }),
    );
    await Promise.all(replicas.map((r) => r.runOnce()));
    const sentNow = async () => (await testDb.db.select().from(outbox).where(eq(outbox.target, target))).filter((r) => r.status === 'sent');
    expect(await sentNow()).toHaveLength(5);
    clock.advance(1000);
    await Promise.all(replicas.map((r) => r.runOnce()));
    expect(await sentNow()).toHaveLength(10);
    clock.advance(1000);
    await Promise.all(replicas.map((r) => r.runOnce()));
    expect(await sentNow()).toHaveLength(12);
    expect(delivered).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

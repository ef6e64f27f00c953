import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker } from '../../../src/delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix } from '../../../src/delivery/rate-limiter.js';
import { createMessengerDeliver } from '../../../src/messaging/deliver.js';
import { createFeishuClient } from '../../../src/platforms/feishu/client.js';
import { fixedClock } from '../../helpers/clock.js';
import { feishuAdapterFor } from '../../helpers/adapters.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { useTestDatabase } from '../../helpers/db.js';

const BASE = 'https://open.feishu.test';
const OUTAGE_MS = 5 * 60_000;
const STEP_MS = 10_000;

/**
 * Feishu answers 500 or 429/99991400 to every send for five minutes of the test clock, then OK.
 * Replies keep arriving during the outage. Afterwards each is delivered exactly once, in order per chat.
 */
describe('a five-minute platform outage', () => {
  const testDb = useTestDatabase();
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('ends with every reply delivered exactly once, in order per chat', async () => {
    const clock = fixedClock('2030-08-01T02:00:00Z');
    const start = clock.now().getTime();
    const delivered: { chat: string; text: string; uuid: unknown }[] = [];
    let refused = 0;
    nock(BASE)
      .persist()
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(BASE)
      .persist()
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply((_uri, raw): nock.ReplyFnResult => {
        if (clock.now().getTime() < start + OUTAGE_MS) {
          refused++;
          return refused % 2
            ? [500, { code: 1, msg: 'internal error' }]
            : [429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '1' }];
        }
        const body: Record<string, unknown> = typeof raw === 'string' ? JSON.parse(raw) : raw;
        const content: unknown = JSON.parse(String(body.content));
        const text = content && typeof content === 'object' && 'text' in content ? String(content.text) : '';
        delivered.push({ chat: String(body.receive_id), text, uuid: body.uuid });
        return [200, { code: 0, data: { message_id: `om_${delivered.length}` } }];
      });

    const client = createFeishuClient({ appId: 'a', appSecret: 's', baseUrl: BASE, log: captureLogs().log });
    const worker = createOutboxWorker({
      db: testDb.db,
      clock,
      log: captureLogs().log,
      deliver: createMessengerDeliver(feishuAdapterFor(client)),
      limiter: createRateLimiter({ db: testDb.db, limitFor: limitsByPrefix({ 'feishu:': { limit: 5, windowMs: 1000 } }) }),
    });
    const chats = ['oc_a', 'oc_b', 'oc_c'];
    const expected = new Map(chats.map((c) => [c, [] as string[]]));
    let n = 0;
    const reply = async (chat: string) => {
      const text = `${chat}#${++n}`;
      expected.get(chat)?.push(text);
      await enqueue(
        testDb.db,
        { target: `feishu:${chat}`, payload: { kind: 'send', to: `feishu:${chat}`, message: { kind: 'text', text } } },
        clock.now(),
      );
    };

    // Replies are written before and all through the outage, and a little after it.
    for (let t = 0; t <= OUTAGE_MS + 60_000; t += STEP_MS) {
      if (t % 40_000 === 0) for (const chat of chats) await reply(chat);
      await worker.runOnce();
      clock.advance(STEP_MS);
    }
    // Backoff is capped near 5 minutes: everything is out within two caps of the end.
    for (let t = 0; t < 10 * 60_000; t += STEP_MS) {
      await worker.runOnce();
      clock.advance(STEP_MS);
    }

    expect(refused).toBeGreaterThan(0);
    const rows = await testDb.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(delivered).toHaveLength(rows.length);
    expect(new Set(delivered.map((d) => d.uuid)).size).toBe(rows.length);
    for (const chat of chats) expect(delivered.filter((d) => d.chat === chat).map((d) => d.text)).toEqual(expected.get(chat));
  }, 60_000);
});

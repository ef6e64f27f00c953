import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type Deliver } from '../../../src/delivery/outbox-worker.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createMessengerDeliver } from '../../../src/messaging/deliver.js';
import { createFeishuClient } from '../../../src/platforms/feishu/client.js';
import { feishuAdapterFor } from '../../helpers/adapters.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { useTestDatabase } from '../../helpers/db.js';

const BASE = 'https://open.feishu.test';
const LEASE_MS = 1000;
const TIMEOUT_MS = 250;
const HANG_MS = 3000;

type Request = { chat: string; uuid: unknown; at: number };

/**
 * Two replicas on one database, one Feishu send that hangs far beyond the lease. The client's
 * deadline ends the hung call before the lease runs out, so the other replica never takes the row
 * while it is being sent, and the other chats' replies go out meanwhile.
 */
describe('a hung platform call with two replicas', () => {
  const testDb = useTestDatabase();
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('is never sent by both replicas at once, and does not hold up other chats', async () => {
    const requests: Request[] = [];
    const record = (body: Record<string, unknown>) => requests.push({ chat: String(body.receive_id), uuid: body.uuid, at: Date.now() });
    nock(BASE)
      .persist()
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(BASE)
      .post('/open-apis/im/v1/messages', (body: Record<string, unknown>) => body.receive_id === 'oc_hung')
      .query(true)
      .delay(HANG_MS)
      .reply(200, (_uri, body: Record<string, unknown>) => (record(body), { code: 0, data: { message_id: 'om_late' } }));
    nock(BASE)
      .persist()
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(200, (_uri, body: Record<string, unknown>) => (record(body), { code: 0, data: { message_id: `om_${requests.length}` } }));

    // Sends of one row by either replica, counted at the worker: never more than one at a time.
    const sending = new Map<number, number>();
    let overlap = 0;
    const client = createFeishuClient({ appId: 'a', appSecret: 's', baseUrl: BASE, log: captureLogs().log, timeoutMs: TIMEOUT_MS });
    const toFeishu = createMessengerDeliver(feishuAdapterFor(client));
    const deliver: Deliver = async (row) => {
      const n = (sending.get(row.id) ?? 0) + 1;
      sending.set(row.id, n);
      overlap = Math.max(overlap, n);
      try {
        return await toFeishu(row);
      } finally {
        sending.set(row.id, (sending.get(row.id) ?? 1) - 1);
      }
    };
    const replica = () =>
      createOutboxWorker({
        db: testDb.db,
        clock: systemClock,
        log: captureLogs().log,
        deliver,
        leaseMs: LEASE_MS,
        random: () => 0.5,
        limiter: { waitMs: async () => 0 },
      });
    const replicas = [replica(), replica()];
    const send = (chat: string) =>
      enqueue(
        testDb.db,
        { target: `feishu:${chat}`, payload: { kind: 'send', to: `feishu:${chat}`, message: { kind: 'text', text: chat } } },
        new Date(),
      );

    await send('oc_hung');
    const hungAt = Date.now();
    for (const r of replicas) r.start(20);
    await new Promise((r) => setTimeout(r, 100));
    for (const chat of ['oc_a', 'oc_b', 'oc_c']) await send(chat);

    await vi.waitFor(async () => expect((await testDb.db.select().from(outbox).where(eq(outbox.status, 'sent'))).length).toBe(4), {
      timeout: 8000,
      interval: 50,
    });
    await Promise.all(replicas.map((r) => r.stop()));

    expect(overlap).toBe(1);
    // The others went out while the hung call would still have been waiting for its answer.
    const others = requests.filter((r) => r.chat !== 'oc_hung');
    expect(others.map((r) => r.chat).sort()).toEqual(['oc_a', 'oc_b', 'oc_c']);
    expect(Math.max(...others.map((r) => r.at)) - hungAt).toBeLessThan(HANG_MS);
    // The retry after the timeout carries the first attempt's uuid, so Feishu shows it once.
    const [hung] = await testDb.db.select().from(outbox).where(eq(outbox.target, 'feishu:oc_hung'));
    // At least the hung attempt and the one that went through; on a loaded machine a retry can also
    // outlast the 250 ms client deadline, so the exact count is not the point.
    expect(hung?.status).toBe('sent');
    expect(hung?.attempts).toBeGreaterThanOrEqual(2);
    const hungRequests = requests.filter((r) => r.chat === 'oc_hung');
    expect(hungRequests.every((r) => r.uuid === `ob-${hung!.id}`)).toBe(true);
  }, 15_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type ComposeDeps } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { followUps, inboundEvents, outbox } from '../../../src/db/schema/index.js';
import { FEISHU_BASE, FEISHU_ENV, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { captureLogs } from '../../helpers/log-capture.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);

/**
 * Web and worker apart (`GENJIN_WORKER=off` beside `genjin worker`): the web process only stores and
 * acknowledges; a worker on the same database finds the stored rows by itself (polling, no hint),
 * holds no more than its bound whatever the burst, and runs each chat's notes in order.
 */
describe('web-only process and worker process on one database', () => {
  const testDb = useTestDatabase();
  const built: Awaited<ReturnType<typeof composeGenjin>>[] = [];
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    for (const g of built) await g.stop();
    nock.enableNetConnect();
  });

  async function compose(role: ComposeDeps['role'], extra: Partial<ComposeDeps> = {}) {
    const config = loadConfig(
      {
        ...FEISHU_ENV,
      },
      mkdtempSync(join(tmpdir(), 'genjin-split-')),
    );
    const genjin = await composeGenjin(config, { log: captureLogs().log, clock: fixedClock(NOW), database: testDb.handle, role, ...extra });
    built.push(genjin);
    return genjin;
  }

  async function post(web: Awaited<ReturnType<typeof compose>>, payload: unknown) {
    const signed = feishuSignedRequest(FEISHU_KEY, payload, { timestamp: NOW_S });
    return web.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
  }

  async function sendNotes(web: Awaited<ReturnType<typeof compose>>, chats: string[], perChat: number) {
    const ids: Record<string, string[]> = {};
    for (let i = 0; i < perChat; i++) {
      for (const chat of chats) {
        const event = feishuMessageEvent({
          text: `今天给客户${i}号科技王总打电话,预算${i + 1}0万`,
          token: FEISHU_TOKEN,
          chatId: chat,
          tenant: `t_${chat}`,
        });
        const res = await post(web, event);
        expect(res.statusCode).toBe(200);
        (ids[chat] ??= []).push(event.event.message.message_id as string);
      }
    }
    return ids;
  }

  const rowsOf = (messageIds: string[]) => testDb.db.select().from(inboundEvents).where(inArray(inboundEvents.eventId, messageIds));
  const followUpsOf = (messageIds: string[]) =>
    testDb.db.select().from(followUps).where(inArray(followUps.sourceMessageId, messageIds)).orderBy(followUps.id);

  it('the web process stores and acknowledges, runs nothing, and answers a click "working on it" at once', async () => {
    const web = await compose('web');
    const chat = `oc_${Math.random().toString(36).slice(2)}`;
    const ids = (await sendNotes(web, [chat], 2))[chat]!;
    await web.worker.drain();
    const rows = await rowsOf(ids);
    expect(rows.map((r) => [r.status, r.attempts, r.leaseOwner])).toEqual([
      ['received', 0, null],
      ['received', 0, null],
    ]);
    expect(await followUpsOf(ids)).toHaveLength(0);

    // No worker can hand a click's answer back to this process: it answers at once, the card is updated later.
    const click = feishuCardAction({ token: FEISHU_TOKEN, tenant: `t_${chat}`, value: { a: 'fu.undo', id: '1' }, messageId: 'om_card' });
    const started = Date.now();
    const res = await post(web, click);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.json()).toMatchObject({ toast: { type: 'info' } });
    expect(await rowsOf([click.header.event_id as string])).toMatchObject([{ status: 'received' }]);
  });

  it('a worker finds the stored rows without any hint, runs them in order per chat, and the click answer goes through the outbox', async () => {
    const web = await compose('web');
    const chats = [`oc_${Math.random().toString(36).slice(2)}`, `oc_${Math.random().toString(36).slice(2)}`];
    const ids = await sendNotes(web, chats, 3);
    const all = Object.values(ids).flat();
    // Stand-in for the worker's profile lookups of the new users.
    nock(FEISHU_BASE)
      .persist()
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(FEISHU_BASE)
      .persist()
      .get(/\/open-apis\/contact\/v3\/users\/.*/)
      .reply(200, { code: 0, data: { user: { name: '王小明' } } });

    const worker = await compose('worker', { pollMs: 20 });
    worker.worker.start(20);
    await waitFor(async () => (await rowsOf(all)).every((r) => r.status === 'done'));
    for (const chat of chats) expect((await followUpsOf(ids[chat]!)).map((f) => f.sourceMessageId)).toEqual(ids[chat]);
    // Each reply was committed with its follow-up.
    const replies = await testDb.db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.dedupeKey,
          all.map((id) => `reply:feishu:${id}`),
        ),
      );
    expect(replies).toHaveLength(all.length);

    const [first] = await followUpsOf(ids[chats[0]!]!.slice(0, 1));
    const click = feishuCardAction({
      token: FEISHU_TOKEN,
      tenant: `t_${chats[0]}`,
      value: { a: 'fu.undo', id: String(first!.id) },
      messageId: 'om_card_later',
    });
    expect((await post(web, click)).statusCode).toBe(200);
    await waitFor(async () => (await rowsOf([click.header.event_id as string]))[0]?.status === 'done');
    const [undone] = await testDb.db.select().from(followUps).where(eq(followUps.id, first!.id));
    expect(undone?.status).toBe('undone');
    const updates = (await testDb.db.select().from(outbox)).filter(
      (r) => r.payload.kind === 'update' && r.payload.messageId === 'om_card_later',
    );
    expect(updates).toHaveLength(1);
    await worker.stop();
    nock.cleanAll();
  });

  it('a burst far past the in-memory bound waits in the database and is all processed, never more than the bound held', async () => {
    const web = await compose('web');
    const chats = Array.from({ length: 8 }, () => `oc_${Math.random().toString(36).slice(2)}`);
    const ids = await sendNotes(web, chats, 4);
    const all = Object.values(ids).flat();
    nock(FEISHU_BASE)
      .persist()
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(FEISHU_BASE)
      .persist()
      .get(/\/open-apis\/contact\/v3\/users\/.*/)
      .reply(200, { code: 0, data: { user: { name: '王小明' } } });

    const worker = await compose('worker', { inbox: { maxQueued: 3 } });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, worker.worker.size())), 1);
    worker.worker.start(20);
    try {
      await waitFor(async () => (await rowsOf(all)).every((r) => r.status === 'done'), 60_000);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
    for (const chat of chats) expect((await followUpsOf(ids[chat]!)).map((f) => f.sourceMessageId)).toEqual(ids[chat]);
    await worker.stop();
    nock.cleanAll();
  });
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

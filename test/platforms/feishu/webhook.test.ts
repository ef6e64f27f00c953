import { eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client.js';
import { followUps, inboundEvents, outbox } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuEncrypt, feishuHeaders, feishuSignedRequest } from '../../helpers/feishu-sign.js';

const NOW_S = Math.floor(new Date('2026-11-25T02:00:05Z').getTime() / 1000);
const NOTE = '今天给云帆科技王总打电话,预算50万,下周三上门演示';

describe('POST /webhooks/feishu (verification and ingestion)', () => {
  const testDb = useTestDatabase();
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const post = async (t: Awaited<ReturnType<typeof buildFeishuTestApp>>, req: { body: string; headers: Record<string, string> }) =>
    t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: req.body, headers: req.headers });

  it('cannot be configured without an Encrypt Key: the boot is refused with where to find it', async () => {
    // Token-only webhooks accepted unsigned, replayable requests; the boot now refuses them.
    await expect(buildFeishuTestApp(testDb.handle, { encryptKey: null })).rejects.toThrow(
      'FEISHU_ENCRYPT_KEY is required when FEISHU_MODE=webhook: copy the Encrypt Key from the Feishu developer console (Events & Callbacks > Encryption Strategy)',
    );
  });

  it('refuses an encrypted url_verification whose token is wrong', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const body = JSON.stringify({
      encrypt: feishuEncrypt(FEISHU_KEY, { challenge: 'ajls384kdjx98XX', token: 'forged', type: 'url_verification' }),
    });
    const res = await post(t, { body, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'bad_token' });
  });

  it('answers an encrypted url_verification (the official encrypted challenge vector), signed or not', async () => {
    const t = await buildFeishuTestApp(testDb.handle, { env: { FEISHU_VERIFICATION_TOKEN: 'xxxxxx' } });
    const body = JSON.stringify({
      encrypt:
        'AAAAAAAAAAAAAAAAAAAAAD6N0hj9vF9ERgmsJVWf4XdSLLbFMTD3bWObfgjFzYm3BU+fYFXW6Vow2nPvsiHz+v/uvcfMGGe04Xkq8ejBT2tyHZPvrvSgAPDvxDb9aCqI',
    });
    const unsigned = await post(t, { body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
    const signed = await post(t, { body, headers: feishuHeaders(FEISHU_KEY, body, { timestamp: NOW_S }) });
    expect(signed.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
  });

  it('acknowledges a signed message at once, stores the follow-up after the reply, and enqueues the reply card', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const event = feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN });
    const res = await post(t, feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    await t.genjin.worker.drain();
    const messageId = event.event.message.message_id as string;
    const [saved] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId));
    expect(saved).toMatchObject({ status: 'confirmed', channel: 'call', amount: 500000, rawText: NOTE });
    const [reply] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `reply:feishu:${messageId}`));
    expect(reply).toMatchObject({ status: 'pending', target: 'feishu:chat:oc_p2p_rep' });
    const [inbound] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, messageId));
    expect(inbound?.status).toBe('done');
  });

  it('changes nothing and sends nothing on a duplicate delivery', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const event = feishuMessageEvent({ text: '光明乳业选了竞品,丢单了', token: FEISHU_TOKEN });
    for (let i = 0; i < 3; i++) {
      // Feishu's retries carry a new event_id but the same message_id.
      const retry = { ...event, header: { ...event.header, event_id: `${event.header.event_id}_${i}` } };
      expect((await post(t, feishuSignedRequest(FEISHU_KEY, retry, { timestamp: NOW_S }))).statusCode).toBe(200);
    }
    await t.genjin.worker.drain();
    const messageId = event.event.message.message_id as string;
    expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId))).toHaveLength(1);
    expect(
      await testDb.db
        .select()
        .from(outbox)
        .where(eq(outbox.dedupeKey, `reply:feishu:${messageId}`)),
    ).toHaveLength(1);
    const scrape = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.body).toMatch(/genjin_webhook_events_total\{platform="feishu",outcome="duplicate"\} 2/);
  });

  it.each([
    [
      'a forged signature',
      (r: { body: string; headers: Record<string, string> }) => ({ ...r, headers: { ...r.headers, 'x-lark-signature': '0'.repeat(64) } }),
      401,
      'bad_signature',
    ],
    [
      'a stale timestamp',
      (r: { body: string; headers: Record<string, string> }) => ({
        body: r.body,
        headers: feishuHeaders(FEISHU_KEY, r.body, { timestamp: NOW_S - 301 }),
      }),
      401,
      'stale',
    ],
    [
      'a body signed then altered',
      (r: { body: string; headers: Record<string, string> }) => ({ ...r, body: r.body.replace('{"encrypt":"', '{"encrypt": "') }),
      401,
      'bad_signature',
    ],
  ])('refuses %s and stores nothing', async (_label, tamper, status, reason) => {
    const t = await buildFeishuTestApp(testDb.handle);
    const event = feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN });
    const res = await post(t, tamper(feishuSignedRequest(FEISHU_KEY, event, { timestamp: NOW_S })));
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: reason });
    expect(
      await testDb.db
        .select()
        .from(inboundEvents)
        .where(eq(inboundEvents.eventId, event.event.message.message_id as string)),
    ).toHaveLength(0);
  });

  it('refuses a correctly signed payload whose verification token is wrong', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const res = await post(
      t,
      feishuSignedRequest(FEISHU_KEY, feishuMessageEvent({ text: NOTE, token: 'someone-elses-token' }), { timestamp: NOW_S }),
    );
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'bad_token' });
  });

  it('answers 413 to bodies over 64 KiB', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const res = await post(t, {
      body: JSON.stringify({ encrypt: 'A'.repeat(70 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
  });

  it('answers 400 to malformed payloads and logs metadata, never the note', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    expect((await post(t, { body: '{not json', headers: { 'content-type': 'application/json' } })).statusCode).toBe(400);
    const broken = feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN }) as unknown as { event: { message: Record<string, unknown> } };
    delete broken.event.message.chat_id;
    const res = await post(t, feishuSignedRequest(FEISHU_KEY, broken, { timestamp: NOW_S }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'malformed_payload' });
    const line = t.logs.lines().find((l) => l.reason === 'malformed_payload');
    expect(line).toMatchObject({ bodyBytes: expect.any(Number), signaturePresent: true, eventType: 'im.message.receive_v1' });
    expect(t.logs.text()).not.toContain('云帆');
  });

  it('answers 503 when the database is down, so Feishu retries', async () => {
    const down = createDb('mysql://root@127.0.0.1:1/genjin', 1);
    const t = await buildFeishuTestApp(down);
    const res = await post(
      t,
      feishuSignedRequest(FEISHU_KEY, feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN }), { timestamp: NOW_S }),
    );
    expect(res.statusCode).toBe(503);
    await down.close();
  });

  it('ignores group messages that do not mention the bot, and messages from bots', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const group = feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN, chatType: 'group', chatId: 'oc_group' });
    const fromBot = feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN, senderType: 'app' });
    for (const e of [group, fromBot]) {
      const res = await post(t, feishuSignedRequest(FEISHU_KEY, e, { timestamp: NOW_S }));
      expect(res.statusCode).toBe(200);
      expect(
        await testDb.db
          .select()
          .from(inboundEvents)
          .where(eq(inboundEvents.eventId, e.event.message.message_id as string)),
      ).toHaveLength(0);
    }
  });

  it('refuses an unencrypted body, signed or not, even with the right token', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const plain = JSON.stringify(feishuMessageEvent({ text: NOTE, token: FEISHU_TOKEN }));
    expect((await post(t, { body: plain, headers: feishuHeaders(FEISHU_KEY, plain, { timestamp: NOW_S }) })).statusCode).toBe(401);
    const challenge = JSON.stringify({ challenge: 'ajls384kdjx98XX', token: FEISHU_TOKEN, type: 'url_verification' });
    const res = await post(t, { body: challenge, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'not_encrypted' });
  });
});

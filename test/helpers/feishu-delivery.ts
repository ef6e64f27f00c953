import nock from 'nock';
import { expect } from 'vitest';
import { FEISHU_BASE, FEISHU_KEY, type buildFeishuTestApp } from './build-test-app.js';
import { feishuSignedRequest } from './feishu-sign.js';

/** One message the service sent to Feishu's message API: the path (no query), the query, the body. */
export type FeishuSent = { path: string; query: string; body: { receive_id?: string; msg_type: string; content: string; uuid?: string } };

/**
 * Posts `envelope` (a message event or a card action) to the service's Feishu webhook, encrypted
 * and signed with the test key at `timestamp` (seconds), expects it acknowledged (200), waits until
 * the stored event has run, and returns the acknowledgement's body (a card action's answer).
 */
export async function postToFeishu<Answer = unknown>(
  t: Pick<Awaited<ReturnType<typeof buildFeishuTestApp>>, 'app' | 'genjin'>,
  envelope: unknown,
  timestamp: number,
): Promise<Answer> {
  const signed = feishuSignedRequest(FEISHU_KEY, envelope, { timestamp });
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers });
  expect(res.statusCode).toBe(200);
  await t.genjin.worker.drain();
  return res.json() as Answer;
}

/**
 * Runs the outbox against nock's stand-in for Feishu (token and message endpoints: sends, replies,
 * card updates) until a round sends nothing (at most five rounds, as per-recipient order lets one
 * row per recipient go per round), and returns what was sent in order. Clears earlier interceptors.
 */
export async function deliverToFeishu(outbox: { runOnce(): Promise<{ sent: number }> }): Promise<FeishuSent[]> {
  const sent: FeishuSent[] = [];
  nock.cleanAll();
  nock(FEISHU_BASE)
    .post('/open-apis/auth/v3/tenant_access_token/internal')
    // Sends to several people run in parallel: each may fetch the token before the first one is cached.
    .times(10)
    .optionally()
    .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
  nock(FEISHU_BASE)
    .post(/\/open-apis\/im\/v1\/messages.*/)
    .times(30)
    .optionally()
    .reply(200, (path, body) => {
      const [p, q = ''] = path.split('?');
      sent.push({ path: p!, query: q, body: body as FeishuSent['body'] });
      return { code: 0, data: { message_id: `om_bot_${sent.length}` } };
    });
  for (let i = 0; i < 5; i++) if ((await outbox.runOnce()).sent === 0) break;
  return sent;
}

import nock from 'nock';
import { expect } from 'vitest';
import { WECOM, type buildWecomTestApp } from './build-test-app.js';
import { wecomPost } from './wecom-sign.js';

/**
 * Posts a decrypted callback (`xml`) to the service's WeCom webhook, signed and encrypted as WeCom
 * does at `timestamp`, expects it acknowledged (200) and waits until the stored event has run.
 */
export async function postToWecom(t: Awaited<ReturnType<typeof buildWecomTestApp>>, xml: string, timestamp: number): Promise<void> {
  const req = wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp });
  const res = await t.app.inject({
    method: 'POST',
    url: '/webhooks/wecom',
    query: req.query,
    payload: req.body,
    headers: { 'content-type': 'text/xml' },
  });
  expect(res.statusCode).toBe(200);
  await t.genjin.worker.drain();
}

/**
 * Runs the outbox against nock's stand-in for WeCom's app API (token, message/send,
 * update_template_card) until a round sends nothing (at most five rounds), and returns the sends
 * and card updates in order, typed as the caller reads them. Clears earlier interceptors.
 */
export async function deliverToWecom<Sent, Update = { response_code: string; template_card: unknown }>(outbox: {
  runOnce(): Promise<{ sent: number }>;
}): Promise<{ sent: Sent[]; updates: Update[] }> {
  const sent: Sent[] = [];
  const updates: Update[] = [];
  nock.cleanAll();
  nock(WECOM.base)
    .get('/cgi-bin/gettoken')
    .query(true)
    .times(10)
    .optionally()
    .reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
  nock(WECOM.base)
    .post('/cgi-bin/message/send', (b: Sent) => (sent.push(b), true))
    .query(true)
    .times(30)
    .optionally()
    .reply(200, { errcode: 0, msgid: 'm', response_code: 'rc_send' });
  nock(WECOM.base)
    .post('/cgi-bin/message/update_template_card', (b: Update) => (updates.push(b), true))
    .query(true)
    .times(10)
    .optionally()
    .reply(200, { errcode: 0 });
  for (let i = 0; i < 5; i++) if ((await outbox.runOnce()).sent === 0) break;
  return { sent, updates };
}

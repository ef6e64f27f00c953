import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWecomClient } from '../../../src/platforms/wecom/client.js';
import { decodeButtonKey } from '../../../src/platforms/wecom/render.js';
import type { Card } from '../../../src/messaging/types.js';
import { isAppError } from '../../../src/lib/errors.js';
import { captureLogs } from '../../helpers/log-capture.js';

// A non-default base proves every call honours WECOM_BASE_URL.
const BASE = 'https://qyapi.wecom.test';
const card: Card = {
  title: '已记录跟进 · 云帆科技',
  tone: 'green',
  fields: [{ label: '客户', value: '云帆科技' }],
  text: '电话沟通',
  buttons: [
    { label: '修改', action: { name: 'fu.edit', args: { id: '7' } } },
    { label: '撤销', style: 'danger', action: { name: 'fu.undo', args: { id: '7' } } },
  ],
};

function client(now = () => 1_000_000) {
  return createWecomClient({ corpId: 'ww_corp', agentId: 1000002, secret: 's3cret', baseUrl: BASE, log: captureLogs().log, now });
}

describe('WeCom client', () => {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());

  it('fetches the access token once, caches it, and sends a button_interaction template card', async () => {
    nock(BASE)
      .get('/cgi-bin/gettoken')
      .query({ corpid: 'ww_corp', corpsecret: 's3cret' })
      .once()
      .reply(200, { errcode: 0, access_token: 'TOKEN1', expires_in: 7200 });
    let sent: Record<string, unknown> | undefined;
    nock(BASE)
      .post('/cgi-bin/message/send', (body) => {
        sent = body;
        return true;
      })
      .query({ access_token: 'TOKEN1' })
      .twice()
      .reply(200, { errcode: 0, errmsg: 'ok', msgid: 'MSG1', response_code: 'RC1' });
    const c = client();
    expect(await c.send({ platform: 'wecom', kind: 'user', id: 'zhangsan' }, { kind: 'card', card }, { idempotencyKey: 'r-1' })).toBe(
      'rc:RC1:zhangsan',
    );
    await c.send({ platform: 'wecom', kind: 'user', id: 'zhangsan' }, { kind: 'text', text: 'hi' });
    expect(sent).toMatchObject({ touser: 'zhangsan', agentid: 1000002, msgtype: 'text', text: { content: 'hi' } });
  });

  it('renders buttons whose keys round-trip to the card actions', async () => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    let body: { template_card?: { card_type: string; task_id: string; button_list: { key: string; style: number }[] } } = {};
    nock(BASE)
      .post('/cgi-bin/message/send', (b) => {
        body = b;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, msgid: 'M' });
    await client().send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'card', card }, { idempotencyKey: 'r-om:1' });
    expect(body.template_card?.card_type).toBe('button_interaction');
    expect(body.template_card?.task_id).toBe('gj_r-om_1');
    expect(body.template_card?.button_list.map((b) => decodeButtonKey(b.key))).toEqual([
      { name: 'fu.edit', args: { id: '7' } },
      { name: 'fu.undo', args: { id: '7' } },
    ]);
    expect(body.template_card?.button_list[1]?.style).toBe(3);
  });

  it('renews the token and retries once when WeCom says it expired (42001), even mid-send', async () => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'OLD', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query({ access_token: 'OLD' }).reply(200, { errcode: 42001, errmsg: 'access_token expired' });
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'NEW', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query({ access_token: 'NEW' }).reply(200, { errcode: 0, msgid: 'M2' });
    expect(await client().send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: 'x' })).toBe('M2');
  });

  it('refetches the token after its lifetime', async () => {
    let t = 0;
    const c = client(() => t);
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'A', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query({ access_token: 'A' }).reply(200, { errcode: 0, msgid: '1' });
    await c.send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: 'x' });
    t = 7200 * 1000;
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'B', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query({ access_token: 'B' }).reply(200, { errcode: 0, msgid: '2' });
    await c.send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: 'x' });
  });

  it.each([
    [45009, true, 'rate_limited'],
    [-1, true, 'platform_error'],
    [60020, false, 'platform_error'],
  ])('treats errcode %i with HTTP 200 as an error (retryable %s)', async (errcode, retryable, code) => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query(true).reply(200, { errcode, errmsg: 'nope' });
    const err = await client()
      .send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: 'x' })
      .catch((e: unknown) => e);
    expect(isAppError(err) && { code: err.code, retryable: err.retryable }).toEqual({ code, retryable });
    if (errcode === 60020) expect((err as Error).message).toContain('trusted IPs');
  });

  it('fails a send to a user outside the visible range instead of reporting success', async () => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query(true).reply(200, { errcode: 0, invaliduser: 'ghost', msgid: '' });
    await expect(client().send({ platform: 'wecom', kind: 'user', id: 'ghost' }, { kind: 'text', text: 'x' })).rejects.toThrow(/ghost/);
  });

  it('updates a clicked card with the response code through update_template_card', async () => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    let body: Record<string, unknown> = {};
    nock(BASE)
      .post('/cgi-bin/message/update_template_card', (b) => {
        body = b;
        return true;
      })
      .query({ access_token: 'T' })
      .reply(200, { errcode: 0 });
    await client().update('rc:RESP_1:zhangsan', { kind: 'card', card: { title: '已撤销这条跟进', tone: 'grey' } });
    expect(body).toMatchObject({
      userids: ['zhangsan'],
      agentid: 1000002,
      response_code: 'RESP_1',
      template_card: { card_type: 'text_notice', main_title: { title: '已撤销这条跟进' } },
    });
  });

  it('gives every call a deadline (timeoutMs) and reports it as a retryable platform_error', async () => {
    const quick = createWecomClient({
      corpId: 'ww_corp',
      agentId: 1000002,
      secret: 's3cret',
      baseUrl: BASE,
      log: captureLogs().log,
      now: () => 1_000_000,
      timeoutMs: 150,
    });
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    nock(BASE).post('/cgi-bin/message/send').query(true).delay(2000).reply(200, { errcode: 0, msgid: 'LATE' });
    const started = Date.now();
    const err = await quick.send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: 'x' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(isAppError(err) && { code: err.code, retryable: err.retryable }).toEqual({ code: 'platform_error', retryable: true });
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
  });

  it('asks WeCom to drop a repeated card send (a retry after a timeout), and leaves text alone', async () => {
    nock(BASE).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'T', expires_in: 7200 });
    const bodies: Record<string, unknown>[] = [];
    nock(BASE)
      .post('/cgi-bin/message/send', (b) => {
        bodies.push(b);
        return true;
      })
      .query(true)
      .twice()
      .reply(200, { errcode: 0, msgid: 'M' });
    const c = client();
    await c.send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'card', card }, { idempotencyKey: 'ob-42' });
    await c.send({ platform: 'wecom', kind: 'user', id: 'u1' }, { kind: 'text', text: '/我的' });
    expect(bodies[0]).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 1800, template_card: { task_id: 'gj_ob-42' } });
    expect(bodies[1]).not.toHaveProperty('enable_duplicate_check');
  });
});

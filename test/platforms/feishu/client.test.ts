import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/lib/errors.js';
import { createFeishuClient } from '../../../src/platforms/feishu/client.js';
import { captureLogs } from '../../helpers/log-capture.js';

// A Lark-style non-default base proves every call, the token fetch included, honours FEISHU_BASE_URL.
const BASE = 'https://open.larksuite.test';
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const client = () => createFeishuClient({ appId: 'cli_a', appSecret: 'secret_a', baseUrl: BASE, log: captureLogs().log });
const text = { kind: 'text' as const, text: 'hi' };

describe('Feishu client', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());

  it('fetches the tenant token once, then sends to a chat and replies to a message with it', async () => {
    nock(BASE)
      .post(TOKEN_PATH, { app_id: 'cli_a', app_secret: 'secret_a' })
      .once()
      .reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE, { reqheaders: { authorization: 'Bearer t-1' } })
      .post('/open-apis/im/v1/messages', { receive_id: 'oc_chat', msg_type: 'text', content: '{"text":"hi"}', uuid: 'k1' })
      .query({ receive_id_type: 'chat_id' })
      .reply(200, { code: 0, data: { message_id: 'om_1' } });
    nock(BASE, { reqheaders: { authorization: 'Bearer t-1' } })
      .post('/open-apis/im/v1/messages/om_src/reply', (b) => b.msg_type === 'interactive' && JSON.parse(b.content).schema === '2.0')
      .reply(200, { code: 0, data: { message_id: 'om_2' } });
    const c = client();
    expect(await c.send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text, { idempotencyKey: 'k1' })).toBe('om_1');
    expect(
      await c.send(
        { platform: 'feishu', kind: 'chat', id: 'oc_chat' },
        { kind: 'card', card: { title: 't', tone: 'blue' } },
        { replyTo: 'om_src' },
      ),
    ).toBe('om_2');
  });

  it('updates a card in place with PATCH', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE)
      .patch('/open-apis/im/v1/messages/om_9', (b) => JSON.parse(b.content).header.title.content === '已撤销')
      .reply(200, { code: 0, data: {} });
    await client().update('om_9', { kind: 'card', card: { title: '已撤销', tone: 'grey' } });
  });

  it('drops a rejected token (99991663), fetches a new one and retries exactly once', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-old', expire: 7200 });
    nock(BASE, { reqheaders: { authorization: 'Bearer t-old' } })
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(400, { code: 99991663, msg: 'Invalid access token for authorization' });
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-new', expire: 7200 });
    nock(BASE, { reqheaders: { authorization: 'Bearer t-new' } })
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(200, { code: 0, data: { message_id: 'om_ok' } });
    expect(await client().send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text)).toBe('om_ok');
  });

  it('reports rate limits as retryable with the wait Feishu asked for', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE)
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '7' });
    const err = await client()
      .send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text)
      .catch((e: unknown) => e);
    expect(isAppError(err) && { code: err.code, retryable: err.retryable, retryAfterMs: err.retryAfterMs }).toEqual({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it('treats code 230020 with HTTP 200 as a rate limit, and 230002 as a permanent error with a hint', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE)
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(200, { code: 230020, msg: 'This operation triggers the frequency limit' });
    nock(BASE).post('/open-apis/im/v1/messages').query(true).reply(400, { code: 230002, msg: 'Bot/User can NOT be out of the chat.' });
    const c = client();
    const limited = await c.send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text).catch((e: unknown) => e);
    expect(isAppError(limited) && limited.code).toBe('rate_limited');
    const outside = await c.send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text).catch((e: unknown) => e);
    expect(isAppError(outside) && { code: outside.code, retryable: outside.retryable }).toEqual({
      code: 'platform_error',
      retryable: false,
    });
    expect((outside as Error).message).toContain('add it to the group');
  });

  it('retries server errors and network failures', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE).post('/open-apis/im/v1/messages').query(true).reply(502, 'bad gateway');
    nock(BASE).post('/open-apis/im/v1/messages').query(true).replyWithError('ECONNRESET');
    const c = client();
    for (let i = 0; i < 2; i++) {
      const err = await c.send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text).catch((e: unknown) => e);
      expect(isAppError(err) && err.retryable).toBe(true);
    }
  });

  it('reads a user name and direct manager, and returns null when the scope is missing', async () => {
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE)
      .get('/open-apis/contact/v3/users/ou_a')
      .query({ user_id_type: 'open_id' })
      .reply(200, { code: 0, data: { user: { name: '王小明', leader_user_id: 'ou_lead' } } });
    nock(BASE).get('/open-apis/contact/v3/users/ou_b').query(true).reply(400, { code: 99991672, msg: 'Access denied' });
    const c = client();
    expect(await c.getUserProfile('ou_a')).toEqual({ name: '王小明', managerOpenId: 'ou_lead' });
    expect(await c.getUserProfile('ou_b')).toBeNull();
  });

  it('gives every call a deadline (timeoutMs), the token fetch included, and reports it as a retryable platform_error', async () => {
    const quick = () =>
      createFeishuClient({ appId: 'cli_a', appSecret: 'secret_a', baseUrl: BASE, log: captureLogs().log, timeoutMs: 150 });
    nock(BASE).post(TOKEN_PATH).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(BASE)
      .post('/open-apis/im/v1/messages')
      .query(true)
      .delay(2000)
      .reply(200, { code: 0, data: { message_id: 'om_late' } });
    const started = Date.now();
    const err = await quick()
      .send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(isAppError(err) && { code: err.code, retryable: err.retryable }).toEqual({ code: 'platform_error', retryable: true });
    expect((err as Error).message).toMatch(/timed out after 150 ms/);

    nock(BASE).post(TOKEN_PATH).delay(2000).reply(200, { code: 0, tenant_access_token: 't-2', expire: 7200 });
    const tokenErr = await quick()
      .send({ platform: 'feishu', kind: 'chat', id: 'oc_chat' }, text)
      .catch((e: unknown) => e);
    expect(isAppError(tokenErr) && tokenErr.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

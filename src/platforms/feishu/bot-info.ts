/**
 * The bot's own open_id, read with two plain HTTPS calls instead of the SDK's client: the web
 * process needs nothing else from the Open API (it stores and acknowledges; the worker sends),
 * and the SDK's 6 MB bundle is the largest thing it would otherwise load.
 */

/** Same bound as the client's calls (client.ts FEISHU_TIMEOUT_MS), which this module must not import. */
const TIMEOUT_MS = 10_000;

type Body = {
  code?: number;
  msg?: string;
  tenant_access_token?: unknown;
  bot?: { open_id?: unknown };
  data?: { bot?: { open_id?: unknown } };
};

async function call(url: string, init: RequestInit, signal: AbortSignal): Promise<Body> {
  const res = await fetch(url, { ...init, signal });
  const body = (await res.json().catch(() => ({}))) as Body;
  if (!res.ok || body.code !== 0) throw new Error(`Feishu API ${res.status} code ${body.code ?? '?'}: ${body.msg ?? ''}`);
  return body;
}

/**
 * `GET /open-apis/bot/v3/info` with a tenant access token from the app's id and secret, both
 * within one deadline. The answer carries the bot at the top level (`{ code, msg, bot }`); `data.bot`
 * is read too. Rejects on any failure, a missing open_id included.
 */
export async function readFeishuBotOpenId(opts: {
  appId: string;
  appSecret: string;
  baseUrl: string;
  timeoutMs?: number;
}): Promise<string> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? TIMEOUT_MS);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const auth = await call(
    `${base}/open-apis/auth/v3/tenant_access_token/internal`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: opts.appId, app_secret: opts.appSecret }),
    },
    signal,
  );
  if (typeof auth.tenant_access_token !== 'string') throw new Error('Feishu API: no tenant_access_token in the answer');
  const info = await call(`${base}/open-apis/bot/v3/info`, { headers: { authorization: `Bearer ${auth.tenant_access_token}` } }, signal);
  const openId = info.bot?.open_id ?? info.data?.bot?.open_id;
  if (typeof openId !== 'string' || openId === '') throw new Error('Feishu API: no bot open_id in the answer');
  return openId;
}

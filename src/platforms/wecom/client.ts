import type { Logger } from 'pino';
import { AppError } from '../../lib/errors.js';
import type { SendOptions } from '../../messaging/adapter.js';
import type { Address, OutboundMessage, SentRef } from '../../messaging/types.js';
import { renderTemplateCard, renderWecomMessage, taskIdFor } from './render.js';

type WecomClientOptions = {
  corpId: string;
  agentId: number;
  secret: string;
  baseUrl: string;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
};

/** Well below the outbox lease (60 s): a send that hangs ends as a retryable error before another replica may take the row. */
export const WECOM_TIMEOUT_MS = 10_000;
/**
 * message/send's duplicate check drops a request whose JSON equals one sent within this many
 * seconds (WeCom's default, 30 min: several capped outbox backoff steps). Only cards ask for it:
 * their task_id is per outbox row, so only a retry of the same row can match, while two identical
 * text replies (the same /我的 asked twice) are both meant to be shown.
 */
const DUPLICATE_CHECK_SECONDS = 1800;

/** errcodes meaning "this access token is no longer good": fetch a new one and retry once. */
const TOKEN_ERRORS = new Set([40014, 42001, 42007, 42009]);
/** System busy (-1) and frequency limits (45009, 45033): try again later through the outbox. */
const RETRYABLE_ERRORS = new Set([-1, 45009, 45033]);
/** Renew a little before WeCom's expiry so a token never dies mid-request. */
const TOKEN_MARGIN_MS = 5 * 60_000;

const HINTS: Record<number, string> = {
  60020: "the server's IP is not in the app's trusted IPs (企业可信IP): add it in the WeCom admin console",
  40001: 'WECOM_SECRET is wrong for this app',
  40013: 'WECOM_CORP_ID is wrong',
  81013: "the user is outside the app's visible range (可见范围)",
  48002: 'the app lacks permission for this API',
};

export type WecomClient = {
  /** Sends to a member (a user address; the app cannot reach group chats with cards). */
  send(to: Address, message: OutboundMessage, opts?: SendOptions): Promise<SentRef>;
  /** `ref` is `rc:<response_code>:<userid>`: from a send of an interactive card, or from a click. */
  update(ref: SentRef, message: OutboundMessage): Promise<void>;
  /** Replaces a card after a click, with the click's single-use response code (valid 72 h). */
  updateCard(userId: string, responseCode: string, message: OutboundMessage): Promise<void>;
  getUser(userId: string): Promise<{ name?: string; managerUserId?: string } | null>;
};

/**
 * WeCom self-built app API client (https://developer.work.weixin.qq.com/document/path/90236).
 * errcode ≠ 0 is an error even with HTTP 200. The access token is cached per app for its lifetime.
 * For `update`, messageId is `rc:<response_code>:<userid>` as the decoder writes it for clicks.
 */
export function createWecomClient(opts: WecomClientOptions): WecomClient {
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? WECOM_TIMEOUT_MS;
  let token: { value: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > now()) return token.value;
    // One fetch at a time: WeCom throttles frequent gettoken calls.
    pending ??= (async () => {
      try {
        const url = `${opts.baseUrl}/cgi-bin/gettoken?corpid=${encodeURIComponent(opts.corpId)}&corpsecret=${encodeURIComponent(opts.secret)}`;
        const body = await call(url, undefined);
        const value = typeof body.access_token === 'string' ? body.access_token : '';
        const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 7_200_000;
        if (!value) throw new AppError('platform_error', 'gettoken returned no access_token', { retryable: true });
        token = { value, expiresAt: now() + ttl - TOKEN_MARGIN_MS };
        return value;
      } finally {
        pending = null;
      }
    })();
    return pending;
  }

  async function call(url: string, payload: unknown): Promise<Record<string, unknown>> {
    let res: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      res = await doFetch(
        url,
        payload === undefined
          ? { method: 'GET', signal }
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal },
      );
    } catch (err) {
      if (signal.aborted)
        throw new AppError('platform_error', `WeCom API timed out after ${timeoutMs} ms`, { retryable: true, context: { timeoutMs } });
      throw new AppError('platform_error', `WeCom API unreachable: ${(err as Error).message}`, { retryable: true, cause: err });
    }
    if (res.status >= 500 || res.status === 429)
      throw new AppError('platform_error', `WeCom API answered HTTP ${res.status}`, { retryable: true });
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body.errcode !== 'number')
      throw new AppError('platform_error', `WeCom API answered HTTP ${res.status} without an errcode`, { retryable: res.status >= 500 });
    if (body.errcode === 0) return body;
    const errcode = body.errcode;
    const message = `WeCom errcode ${errcode}: ${String(body.errmsg ?? '')}${HINTS[errcode] ? ` (${HINTS[errcode]})` : ''}`;
    if (TOKEN_ERRORS.has(errcode)) throw new AppError('token_expired', message, { retryable: true, context: { errcode } });
    if (RETRYABLE_ERRORS.has(errcode))
      throw new AppError(errcode === -1 ? 'platform_error' : 'rate_limited', message, {
        retryable: true,
        retryAfterMs: errcode === -1 ? undefined : 60_000,
        context: { errcode },
      });
    throw new AppError('platform_error', message, { retryable: false, context: { errcode } });
  }

  /** POSTs with the current token; on a token error renews it and tries exactly once more. */
  async function post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    try {
      return await call(`${opts.baseUrl}${path}?access_token=${encodeURIComponent(await accessToken())}`, payload);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'token_expired') throw err;
      opts.log.info({ errcode: err.context?.errcode }, 'WeCom access token rejected; renewing it once');
      token = null;
      return call(`${opts.baseUrl}${path}?access_token=${encodeURIComponent(await accessToken())}`, payload);
    }
  }

  async function updateCard(userId: string, responseCode: string, message: OutboundMessage): Promise<void> {
    if (message.kind !== 'card') throw new AppError('platform_error', 'only cards can replace a WeCom card', { retryable: false });
    await post('/cgi-bin/message/update_template_card', {
      userids: [userId],
      agentid: opts.agentId,
      response_code: responseCode,
      template_card: renderTemplateCard(message.card, taskIdFor(`${userId}_${now().toString(36)}`)),
    });
  }

  return {
    async send(to, message, sendOpts) {
      if (to.kind !== 'user')
        throw new AppError(
          'platform_error',
          `the WeCom app cannot send to chat ${to.id}; group chats go through the smart bot (WECOM_BOT_ID)`,
          { retryable: false },
        );
      const userId = to.id;
      const rendered = renderWecomMessage(message, sendOpts?.idempotencyKey ?? `${userId}_${now().toString(36)}`);
      const dedupe =
        rendered.msgtype === 'template_card' ? { enable_duplicate_check: 1, duplicate_check_interval: DUPLICATE_CHECK_SECONDS } : {};
      const body = await post('/cgi-bin/message/send', { touser: userId, agentid: opts.agentId, ...rendered, ...dedupe });
      const invalid = typeof body.invaliduser === 'string' ? body.invaliduser : '';
      if (invalid)
        throw new AppError(
          'platform_error',
          `WeCom did not deliver to ${invalid}: the user is unknown or outside the app's visible range`,
          { retryable: false },
        );
      // An interactive card's response code allows one update (72 h): the ref keeps it, so a
      // reminder card can be updated in place later; otherwise the message id.
      return typeof body.response_code === 'string' && body.response_code ? `rc:${body.response_code}:${userId}` : String(body.msgid ?? '');
    },
    async update(messageId, message) {
      const match = /^rc:([^:]+):(.+)$/.exec(messageId);
      if (!match?.[1] || !match[2])
        throw new AppError('platform_error', `cannot update WeCom message ${messageId}: no response code`, { retryable: false });
      await updateCard(match[2], match[1], message);
    },
    updateCard,
    async getUser(userId: string) {
      try {
        const body = await call(
          `${opts.baseUrl}/cgi-bin/user/get?access_token=${encodeURIComponent(await accessToken())}&userid=${encodeURIComponent(userId)}`,
          undefined,
        );
        const leaders = Array.isArray(body.direct_leader) ? body.direct_leader.filter((l): l is string => typeof l === 'string') : [];
        return { name: typeof body.name === 'string' ? body.name : undefined, managerUserId: leaders[0] };
      } catch (err) {
        opts.log.warn({ err: (err as Error).message }, "could not read a WeCom user; check the app's visible range");
        return null;
      }
    },
  };
}

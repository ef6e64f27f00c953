import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { AppError } from '../../lib/errors.js';
import type { SendOptions } from '../../messaging/adapter.js';
import type { Address, OutboundMessage, SentRef } from '../../messaging/types.js';
import { sdkLogger } from '../sdk-logger.js';
import { renderFeishuMessage } from './render.js';

/** Codes meaning "this tenant token is no longer good": drop it, fetch a new one, retry once. */
const TOKEN_CODES = new Set([99991663, 99991661, 99991668]);
/** Frequency limits: the global 99991400 (HTTP 429) and IM's 230020. */
const RATE_CODES = new Set([99991400, 230020]);
const HINTS: Record<number, string> = {
  230002: 'the bot is not in this chat: add it to the group',
  230013: "the user is outside the app's availability: widen it in the developer console and publish a version",
  230053: 'the user has blocked the bot',
  99991672: 'the app lacks an API scope: add it under Permissions & Scopes and publish a version',
  99991679: 'the app lacks a user-level scope for this call',
  10003: 'FEISHU_APP_ID or FEISHU_APP_SECRET is wrong',
};

export type FeishuClient = {
  /** Sends to a person (by open_id, even one who never opened a chat with the bot) or a chat; `replyTo` threads under a message. */
  send(to: Address, message: OutboundMessage, opts?: SendOptions): Promise<SentRef>;
  update(messageId: SentRef, message: OutboundMessage): Promise<void>;
  getUserProfile(openId: string): Promise<{ name?: string; managerOpenId?: string } | null>;
  getBotOpenId(): Promise<string | null>;
};

/** The SDK's token cache, ours so that a rejected token can be dropped (the SDK's own cannot). */
function createTokenCache() {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  // The SDK's Cache type names the boxed `Symbol`; String() reads either form.
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types
  type Key = string | Symbol;
  const keyOf = (key: Key, ns?: string) => `${ns ?? ''}:${String(key)}`;
  return {
    async get(key: Key, options?: { namespace?: string }) {
      const hit = entries.get(keyOf(key, options?.namespace));
      return hit && (hit.expiresAt === 0 || hit.expiresAt > Date.now()) ? hit.value : undefined;
    },
    async set(key: Key, value: unknown, expire?: number, options?: { namespace?: string }) {
      entries.set(keyOf(key, options?.namespace), { value, expiresAt: expire ?? 0 });
      return true;
    },
    clear: () => entries.clear(),
  };
}

type ApiBody = { code?: number; msg?: string; data?: Record<string, unknown> };

/** Well below the outbox lease (60 s): a send that hangs ends as a retryable error before another replica may take the row. */
export const FEISHU_TIMEOUT_MS = 10_000;

/**
 * The SDK's own axios instance with a deadline on every call, the tenant-token fetch included (the
 * SDK fetches tokens through `httpInstance` with no per-call options). `signal` bounds the whole
 * call; axios' `timeout` alone only fires on an idle socket.
 */
function withDeadline(timeoutMs: number): lark.HttpInstance {
  // The SDK types `httpInstance` before axios' conditional response types; this is the SDK's own
  // default instance (its interceptor returns the body), so it is an HttpInstance at runtime.
  const base = lark.defaultHttpInstance as unknown as lark.HttpInstance;
  const bounded = <O extends object>(o: O | undefined) => ({ timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs), ...o });
  return {
    request: (o) => base.request(bounded(o)),
    get: (url, o) => base.get(url, bounded(o)),
    delete: (url, o) => base.delete(url, bounded(o)),
    head: (url, o) => base.head(url, bounded(o)),
    options: (url, o) => base.options(url, bounded(o)),
    post: (url, data, o) => base.post(url, data, bounded(o)),
    put: (url, data, o) => base.put(url, data, bounded(o)),
    patch: (url, data, o) => base.patch(url, data, bounded(o)),
  };
}

/**
 * Feishu/Lark Open API client on the official SDK, every call against FEISHU_BASE_URL (also the
 * token fetch). `code ≠ 0` is an error even with HTTP 200; rate limits and transient failures
 * are retryable (the outbox backs off), everything else fails with a hint where one helps.
 */
export function createFeishuClient(opts: {
  appId: string;
  appSecret: string;
  baseUrl: string;
  log: Logger;
  timeoutMs?: number;
}): FeishuClient {
  const cache = createTokenCache();
  const timeoutMs = opts.timeoutMs ?? FEISHU_TIMEOUT_MS;
  const sdk = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    appType: lark.AppType.SelfBuild,
    cache,
    loggerLevel: lark.LoggerLevel.warn,
    logger: sdkLogger(opts.log.child({ component: 'feishu-sdk' }), 'feishu sdk'),
    httpInstance: withDeadline(timeoutMs),
  });

  function toError(
    status: number | undefined,
    body: ApiBody | undefined,
    headers: Record<string, unknown> | undefined,
    cause?: unknown,
  ): AppError {
    const code = body?.code;
    const message = `Feishu API ${status ?? 'network error'}${code !== undefined ? ` code ${code}` : ''}: ${body?.msg ?? (cause instanceof Error ? cause.message : '')}${code !== undefined && HINTS[code] ? ` (${HINTS[code]})` : ''}`;
    if (code !== undefined && TOKEN_CODES.has(code)) return new AppError('token_expired', message, { retryable: true, context: { code } });
    if (status === 429 || (code !== undefined && RATE_CODES.has(code))) {
      const reset = Number(headers?.['x-ogw-ratelimit-reset']);
      return new AppError('rate_limited', message, {
        retryable: true,
        retryAfterMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
        context: { code },
      });
    }
    const transient = status === undefined || status >= 500;
    return new AppError('platform_error', message, { retryable: transient, context: { code, status }, cause });
  }

  async function call(payload: {
    method: 'GET' | 'POST' | 'PATCH';
    url: string;
    data?: unknown;
    params?: Record<string, string>;
  }): Promise<Record<string, unknown>> {
    const once = async (): Promise<Record<string, unknown>> => {
      let body: ApiBody;
      // One deadline for the token fetch (if due) and the call itself.
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        body = (await sdk.request({ ...payload, signal: deadline })) as ApiBody;
      } catch (err) {
        if (deadline.aborted)
          throw new AppError('platform_error', `Feishu API timed out after ${timeoutMs} ms`, { retryable: true, context: { timeoutMs } });
        const res = (err as { response?: { status?: number; data?: ApiBody; headers?: Record<string, unknown> } }).response;
        throw toError(res?.status, res?.data, res?.headers, err);
      }
      if (body?.code !== 0) throw toError(200, body, undefined);
      return body.data ?? {};
    };
    try {
      return await once();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'token_expired') throw err;
      opts.log.info({ code: err.context?.code }, 'Feishu rejected the tenant token; fetching a new one and retrying once');
      cache.clear();
      return once();
    }
  }

  let botOpenId: Promise<string | null> | null = null;

  return {
    async send(to, message, sendOpts) {
      const rendered = renderFeishuMessage(message);
      const uuid = sendOpts?.idempotencyKey?.slice(0, 50);
      const data = sendOpts?.replyTo
        ? await call({
            method: 'POST',
            url: `/open-apis/im/v1/messages/${encodeURIComponent(sendOpts.replyTo)}/reply`,
            data: { ...rendered, ...(uuid ? { uuid } : {}) },
          })
        : await call({
            method: 'POST',
            url: '/open-apis/im/v1/messages',
            params: { receive_id_type: to.kind === 'user' ? 'open_id' : 'chat_id' },
            data: { receive_id: to.id, ...rendered, ...(uuid ? { uuid } : {}) },
          });
      return typeof data.message_id === 'string' ? data.message_id : '';
    },
    async update(messageId, message) {
      await call({
        method: 'PATCH',
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`,
        data: { content: renderFeishuMessage(message).content },
      });
    },
    async getUserProfile(openId: string) {
      try {
        const data = await call({
          method: 'GET',
          url: `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`,
          params: { user_id_type: 'open_id' },
        });
        const user = (data.user ?? {}) as { name?: unknown; leader_user_id?: unknown };
        return {
          ...(typeof user.name === 'string' ? { name: user.name } : {}),
          ...(typeof user.leader_user_id === 'string' && user.leader_user_id ? { managerOpenId: user.leader_user_id } : {}),
        };
      } catch (err) {
        opts.log.warn(
          { err: (err as Error).message },
          'cannot read a Feishu user profile; grant contact:user.base:readonly (names) and contact:user.department:readonly (managers) to show names',
        );
        return null;
      }
    },
    getBotOpenId() {
      botOpenId ??= call({ method: 'GET', url: '/open-apis/bot/v3/info' })
        .then((data) => {
          const bot = (data.bot ?? data) as { open_id?: unknown };
          return typeof bot.open_id === 'string' ? bot.open_id : null;
        })
        .catch((err: unknown) => {
          botOpenId = null;
          opts.log.warn(
            { err: (err as Error).message },
            "cannot read the bot's own open_id; group mentions are matched loosely until it can",
          );
          return null;
        });
      return botOpenId;
    },
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';

// Feishu request signature (X-Lark-Signature), for events and card.action.trigger callbacks:
// https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case
// Facts and vectors: shared/docs/platforms.md A2 and C1.

export type RequestHeaders = Record<string, string | string[] | undefined>;
export type FeishuRequestRejection = 'missing_headers' | 'stale' | 'bad_signature';
export type FeishuRequestCheck = { ok: true } | { ok: false; reason: FeishuRequestRejection };

/** Feishu documents no window; ±5 min bounds replays and tolerates clock drift (as Slack's bolt does). */
export const MAX_SKEW_SECONDS = 300;

/** Unix seconds; twelve digits take us past year 30000, anything longer is not a timestamp. */
const TIMESTAMP = /^\d{1,12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Node lower-cases header names; other callers may not. One value only: duplicates are ambiguous. */
function header(headers: RequestHeaders, name: string): string | undefined {
  const key = name in headers ? name : Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/**
 * Verifies a Feishu webhook request before anything parses its body. Pure: the Encrypt Key, the
 * raw body bytes as received (never a re-serialised body), the headers and the time in; a verdict
 * out. Signature = hex(SHA-256(utf8(timestamp + nonce + encryptKey) ‖ rawBody)).
 */
export function verifyFeishuRequest(input: {
  encryptKey: string;
  rawBody: Buffer;
  headers: RequestHeaders;
  now: Date;
  maxSkewSeconds?: number;
}): FeishuRequestCheck {
  const { encryptKey, rawBody, headers, now, maxSkewSeconds = MAX_SKEW_SECONDS } = input;
  // An empty key would make the signature computable by anyone; an invalid clock would pass Rule 2.
  if (!encryptKey) throw new Error('Feishu Encrypt Key is empty: signatures cannot be verified without it');
  if (!Number.isFinite(now.getTime()) || !(maxSkewSeconds >= 0)) throw new RangeError('now must be a valid Date and maxSkewSeconds >= 0');

  const timestamp = header(headers, 'x-lark-request-timestamp');
  const nonce = header(headers, 'x-lark-request-nonce');
  const signature = header(headers, 'x-lark-signature');
  // Rule 1: all three headers, and a timestamp in whole seconds.
  if (!timestamp || !nonce || !signature || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  // Rule 2: within the window on either side of now (a replay, or clocks too far apart).
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) return { ok: false, reason: 'stale' };
  // Rule 3: the digest over the raw bytes, compared in constant time on equal-length buffers.
  const expected = createHash('sha256').update(`${timestamp}${nonce}${encryptKey}`, 'utf8').update(rawBody).digest();
  const given = SHA256_HEX.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

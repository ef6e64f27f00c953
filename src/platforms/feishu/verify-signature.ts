import { createHash, timingSafeEqual } from 'node:crypto';

type Headers = Record<string, string | string[] | undefined>;
export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale' | 'bad_signature' };

/** Replays older than this, or clocks this far apart, are refused (Feishu documents no window). */
export const MAX_SKEW_SECONDS = 300;

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Verifies `X-Lark-Signature` = hex(SHA-256(timestamp + nonce + encryptKey + raw body)), on the
 * raw bytes as received (never a re-serialised body), in constant time. Pure: secrets, bytes,
 * headers and the time in; a verdict out.
 * https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case
 */
export function verifyFeishuSignature(input: { encryptKey: string; rawBody: Buffer; headers: Headers; now: Date; maxSkewSeconds?: number }): SignatureCheck {
  const timestamp = header(input.headers, 'x-lark-request-timestamp');
  const nonce = header(input.headers, 'x-lark-request-nonce');
  const signature = header(input.headers, 'x-lark-signature');
  // Rule 1: all three headers, a numeric timestamp.
  if (!timestamp || !nonce || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  // Rule 2: within the window, either side of now.
  if (Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > (input.maxSkewSeconds ?? MAX_SKEW_SECONDS)) return { ok: false, reason: 'stale' };
  // Rule 3: constant-time comparison of equal-length digests.
  const expected = createHash('sha256').update(`${timestamp}${nonce}${input.encryptKey}`, 'utf8').update(input.rawBody).digest();
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

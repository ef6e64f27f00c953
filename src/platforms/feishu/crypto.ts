import { createDecipheriv, createHash } from 'node:crypto';

// Feishu "Encrypt Key" decryption ("加密原理"):
// https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case
// Facts and the official vector: shared/docs/platforms.md A2 and C1.

export type FeishuCryptoFailure = 'bad_base64' | 'bad_length' | 'bad_padding' | 'bad_utf8';

/** Why a payload was refused; `reason` is a stable code for logs and metrics. */
export class FeishuCryptoError extends Error {
  constructor(readonly reason: FeishuCryptoFailure) {
    super(`cannot decrypt Feishu payload: ${reason}`);
    this.name = 'FeishuCryptoError';
  }
}

const IV_BYTES = 16;
const AES_BLOCK = 16;
/** Canonical, padded standard base64 (the official SDKs' decoders require it too). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts the `encrypt` field of an event or callback body and returns the plaintext (JSON text
 * for real payloads). key = SHA-256(Encrypt Key); the payload is base64(iv(16) ‖ AES-256-CBC
 * ciphertext, PKCS#7 to 16). Throws FeishuCryptoError, never returns a substitute. CBC carries no
 * integrity: verify X-Lark-Signature (verify-signature.ts) before calling this.
 */
export function decryptFeishuPayload(encryptKey: string, encrypt: string): string {
  if (!encryptKey) throw new Error('Feishu Encrypt Key is empty: copy it from the app\'s "事件与回调 → 加密策略" page');
  // Rule 1: canonical base64 only.
  if (!BASE64.test(encrypt)) throw new FeishuCryptoError('bad_base64');
  const raw = Buffer.from(encrypt, 'base64');
  // Rule 2: an IV plus at least one whole AES block.
  if (raw.length < IV_BYTES + AES_BLOCK || raw.length % AES_BLOCK !== 0) throw new FeishuCryptoError('bad_length');
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const decipher = createDecipheriv('aes-256-cbc', key, raw.subarray(0, IV_BYTES));
  let plain: Buffer;
  try {
    // Rule 3: PKCS#7 to 16 (OpenSSL checks every pad byte), which Node's auto-padding does.
    plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES)), decipher.final()]);
  } catch {
    throw new FeishuCryptoError('bad_padding');
  }
  // Rule 4: valid UTF-8, so a wrong key or garbled block fails here instead of yielding U+FFFD text.
  try {
    return utf8.decode(plain);
  } catch {
    throw new FeishuCryptoError('bad_utf8');
  }
}

import { createDecipheriv, createHash } from 'node:crypto';

export class FeishuCryptoError extends Error {
  constructor(readonly reason: 'bad_base64' | 'bad_length' | 'bad_padding' | 'bad_utf8') {
    super(`cannot decrypt Feishu payload: ${reason}`);
    this.name = 'FeishuCryptoError';
  }
}

/**
 * Decrypts the `encrypt` field of an event or callback: key = SHA-256(Encrypt Key), the first
 * 16 bytes of the base64 payload are the IV, AES-256-CBC with PKCS#7.
 * https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case
 */
export function decryptFeishuPayload(encryptKey: string, encrypted: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new FeishuCryptoError('bad_base64');
  const raw = Buffer.from(encrypted, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) throw new FeishuCryptoError('bad_length');
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const decipher = createDecipheriv('aes-256-cbc', key, raw.subarray(0, 16));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
  } catch {
    throw new FeishuCryptoError('bad_padding');
  }
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return text.decode(plain);
  } catch {
    throw new FeishuCryptoError('bad_utf8');
  }
}

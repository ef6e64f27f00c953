import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type WecomCryptoFailure = 'bad_base64' | 'bad_padding' | 'bad_length' | 'receive_id_mismatch';

export class WecomCryptoError extends Error {
  constructor(readonly reason: WecomCryptoFailure) {
    super(`cannot decrypt WeCom payload: ${reason}`);
    this.name = 'WecomCryptoError';
  }
}

/** WeCom pads to 32-byte blocks (not AES's 16): pad values run 1..32. */
const BLOCK = 32;

/**
 * WeCom callback crypto (https://developer.work.weixin.qq.com/document/path/91144):
 * msg_signature = SHA-1 of the sorted [token, timestamp, nonce, encrypt]; AES-256-CBC with
 * key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 to 32 bytes; the
 * plaintext is random(16) ‖ length(4, big-endian) ‖ message ‖ receiveId. Everything is checked:
 * every padding byte, the length, and that the receive id is ours.
 */
export function createWecomCrypto(opts: { token: string; encodingAesKey: string; receiveId: string }) {
  const key = Buffer.from(`${opts.encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('WECOM_ENCODING_AES_KEY must decode to 32 bytes (43 characters from the admin console)');
  const iv = key.subarray(0, 16);

  const signature = (timestamp: string, nonce: string, encrypt: string) =>
    createHash('sha1').update([opts.token, timestamp, nonce, encrypt].sort().join('')).digest('hex');

  return {
    signature,

    verifySignature(given: string, timestamp: string, nonce: string, encrypt: string): boolean {
      const expected = Buffer.from(signature(timestamp, nonce, encrypt), 'hex');
      const actual = /^[0-9a-f]{40}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },

    decrypt(encrypted: string): string {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WecomCryptoError('bad_base64');
      const data = Buffer.from(encrypted, 'base64');
      if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError('bad_length');
      const decipher = createDecipheriv('aes-256-cbc', key, iv);
      decipher.setAutoPadding(false);
      const padded = Buffer.concat([decipher.update(data), decipher.final()]);
      const pad = padded[padded.length - 1] ?? 0;
      if (pad < 1 || pad > BLOCK || padded.subarray(padded.length - pad).some((b) => b !== pad)) throw new WecomCryptoError('bad_padding');
      const plain = padded.subarray(0, padded.length - pad);
      if (plain.length < 20) throw new WecomCryptoError('bad_length');
      const length = plain.readUInt32BE(16);
      if (20 + length > plain.length) throw new WecomCryptoError('bad_length');
      const receiveId = plain.subarray(20 + length).toString('utf8');
      const expected = Buffer.from(opts.receiveId);
      const actual = Buffer.from(receiveId);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new WecomCryptoError('receive_id_mismatch');
      return plain.subarray(20, 20 + length).toString('utf8');
    },

    encrypt(message: string, random: Buffer = randomBytes(16)): string {
      const body = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length, 0);
      const plain = Buffer.concat([random, length, body, Buffer.from(opts.receiveId, 'utf8')]);
      const pad = BLOCK - (plain.length % BLOCK);
      const cipher = createCipheriv('aes-256-cbc', key, iv);
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    },
  };
}

export type WecomCrypto = ReturnType<typeof createWecomCrypto>;

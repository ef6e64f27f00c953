import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// WeCom callback crypto ("加解密方案说明"): https://developer.work.weixin.qq.com/document/path/91144
// Facts and official vectors: shared/docs/platforms.md B1 and C2.

export type WecomCryptoFailure = 'bad_base64' | 'bad_length' | 'bad_padding' | 'receive_id_mismatch' | 'bad_utf8';

/** Why a payload was refused; `reason` is a stable code for logs and metrics. */
export class WecomCryptoError extends Error {
  constructor(readonly reason: WecomCryptoFailure) {
    super(`cannot decrypt WeCom payload: ${reason}`);
    this.name = 'WecomCryptoError';
  }
}

/** The WeCom crypto for one app (token, EncodingAESKey, receive id). */
export interface WecomCrypto {
  /** msg_signature: hex SHA-1 of the sorted concatenation of [token, timestamp, nonce, encrypt]. */
  signature(timestamp: string, nonce: string, encrypt: string): string;
  /** Constant-time check of a msg_signature; false for anything that is not 40 hex digits. */
  verifySignature(signature: string, timestamp: string, nonce: string, encrypt: string): boolean;
  /**
   * Decrypts an `Encrypt` value or a GET `echostr` (already URL-decoded) and returns the message.
   * Throws WecomCryptoError. Call only after verifySignature: CBC has no integrity of its own (a
   * flipped bit in the first block changes the message silently), and distinct reasons are safe
   * to report only when an attacker cannot reach this function with ciphertexts of his choosing.
   */
  decrypt(encrypt: string): string;
  /** Encrypts a reply the way WeCom does (padded to 32 bytes); `random16` is for reproducible tests. */
  encrypt(message: string, random16?: Buffer): string;
}

/** WeCom pads to 32-byte blocks, not AES's 16: pad values run 1..32 (vector C2-A has 30). */
const BLOCK = 32;
/** random(16) ‖ msg_len(4). */
const HEADER = 20;
/** The admin console's EncodingAESKey: 43 letters and digits, base64 of 32 bytes without its "=". */
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
/** Canonical, padded standard base64 (what WeCom sends); Buffer.from alone would skip bad characters. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Byte order, as the reference implementations sort (same as code-point order; JS sort uses UTF-16 units). */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Builds the crypto for one app. Throws a plain Error on a misconfigured key (a deploy problem, not input). */
export function createWecomCrypto(opts: { token: string; encodingAesKey: string; receiveId: string }): WecomCrypto {
  if (!opts.token) throw new Error('WeCom token is empty: copy it from the app\'s "API 接收消息" settings');
  if (!ENCODING_AES_KEY.test(opts.encodingAesKey))
    throw new Error('WeCom EncodingAESKey must be the 43 letters and digits from the app\'s "API 接收消息" settings');
  const key = Buffer.from(`${opts.encodingAesKey}=`, 'base64');
  const iv = key.subarray(0, 16);
  const receiveId = Buffer.from(opts.receiveId, 'utf8');

  const signature = (timestamp: string, nonce: string, encrypt: string) =>
    createHash('sha1').update([opts.token, timestamp, nonce, encrypt].sort(byBytes).join(''), 'utf8').digest('hex');

  return {
    signature,

    verifySignature(given, timestamp, nonce, encrypt) {
      const expected = Buffer.from(signature(timestamp, nonce, encrypt), 'hex');
      const actual = /^[0-9a-f]{40}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },

    decrypt(encrypt) {
      // Rule 1: canonical base64 only.
      if (!BASE64.test(encrypt)) throw new WecomCryptoError('bad_base64');
      const data = Buffer.from(encrypt, 'base64');
      // Rule 2: whole 32-byte blocks (WeCom's padding makes every ciphertext one).
      if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError('bad_length');
      const decipher = createDecipheriv('aes-256-cbc', key, iv);
      // Node's own unpadding knows only 16-byte blocks and throws on pads above 16.
      decipher.setAutoPadding(false);
      const padded = Buffer.concat([decipher.update(data), decipher.final()]);
      // Rule 3: strict PKCS#7 to 32: a pad value 1..32 and every pad byte equal to it.
      const pad = padded[padded.length - 1] ?? 0;
      if (pad < 1 || pad > BLOCK || padded.subarray(padded.length - pad).some((b) => b !== pad)) throw new WecomCryptoError('bad_padding');
      const plain = padded.subarray(0, padded.length - pad);
      // Rule 4: the declared message length fits in what is there.
      if (plain.length < HEADER) throw new WecomCryptoError('bad_length');
      const length = plain.readUInt32BE(16);
      if (length > plain.length - HEADER) throw new WecomCryptoError('bad_length');
      // Rule 5: what follows the message is exactly our receive id (corp id; "" for smart bots).
      const trailer = plain.subarray(HEADER + length);
      if (trailer.length !== receiveId.length || !timingSafeEqual(trailer, receiveId)) throw new WecomCryptoError('receive_id_mismatch');
      // Rule 6: the message is valid UTF-8 (catches most garbled blocks; never U+FFFD substitutes).
      try {
        return utf8.decode(plain.subarray(HEADER, HEADER + length));
      } catch {
        throw new WecomCryptoError('bad_utf8');
      }
    },

    encrypt(message, random16 = randomBytes(16)) {
      if (random16.length !== 16) throw new RangeError('random16 must be 16 bytes');
      const body = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length, 0);
      const plain = Buffer.concat([random16, length, body, receiveId]);
      const pad = BLOCK - (plain.length % BLOCK);
      const cipher = createCipheriv('aes-256-cbc', key, iv);
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    },
  };
}

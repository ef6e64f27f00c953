import { createCipheriv, createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decryptFeishuPayload, FeishuCryptoError } from '../../../src/platforms/feishu/crypto.js';
import { verifyFeishuRequest } from '../../../src/platforms/feishu/verify-signature.js';
import { feishuEncrypt, feishuHeaders } from '../../helpers/feishu-sign.js';

// shared/docs/platforms.md C1: the official decryption vector, and two vectors derived there from
// the documented formulas (a signature, and a challenge encrypted under a zero IV).
const OFFICIAL = { key: 'test key', encrypt: 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', plain: 'hello world' };
const CHALLENGE = {
  encrypt:
    'AAAAAAAAAAAAAAAAAAAAAD6N0hj9vF9ERgmsJVWf4XdSLLbFMTD3bWObfgjFzYm3BU+fYFXW6Vow2nPvsiHz+v/uvcfMGGe04Xkq8ejBT2tyHZPvrvSgAPDvxDb9aCqI',
  plain: '{"challenge":"ajls384kdjx98XX","token":"xxxxxx","type":"url_verification"}',
};
const SIGNED = {
  body: '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}',
  headers: {
    'x-lark-request-timestamp': '1700000000',
    'x-lark-request-nonce': 'n0nce',
    'x-lark-signature': 'bed8fdd3e4bbc581364c140b572ec676edff3db612d57bbc07a24d062c40ddf3',
  },
  now: new Date(1_700_000_000_000),
};

const reasonOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof FeishuCryptoError ? err.reason : `untyped: ${String(err)}`;
  }
  return 'accepted';
};
const flip = (b64: string, byte: number, bit = 0) => {
  const raw = Buffer.from(b64, 'base64');
  raw[byte] = (raw[byte] ?? 0) ^ (1 << bit);
  return raw.toString('base64');
};
/** AES-256-CBC under SHA-256(key) with our own padding bytes, to forge malformed payloads. */
const sealRaw = (key: string, iv: Buffer, padded: Buffer) => {
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(padded), cipher.final()]).toString('base64');
};

describe('decryptFeishuPayload on the vectors', () => {
  it('decrypts the official vector to "hello world"', () => {
    expect(decryptFeishuPayload(OFFICIAL.key, OFFICIAL.encrypt)).toBe(OFFICIAL.plain);
  });

  it('decrypts the encrypted url_verification challenge exactly', () => {
    expect(decryptFeishuPayload('test key', CHALLENGE.encrypt)).toBe(CHALLENGE.plain);
  });

  it('the test helper, given the zero IV, reproduces the challenge vector byte for byte', () => {
    expect(feishuEncrypt('test key', CHALLENGE.plain, Buffer.alloc(16))).toBe(CHALLENGE.encrypt);
  });
});

describe('decryptFeishuPayload against the official SDK (AESCipher)', () => {
  it('the SDK decrypts the official vector and the challenge the same way', () => {
    expect(new lark.AESCipher('test key').decrypt(OFFICIAL.encrypt)).toBe(OFFICIAL.plain);
    expect(new lark.AESCipher('test key').decrypt(CHALLENGE.encrypt)).toBe(CHALLENGE.plain);
  });

  it.each([
    ['an event with Chinese text', { schema: '2.0', event: { message: { content: '{"text":"云帆科技 王总 下周二报价"}' } } }],
    ['an empty object', {}],
    ['exactly one AES block of JSON', '{"k":"0123456"}'],
  ])('the SDK decrypts what the helper encrypts with a random IV (%s), and so do we', (_label, payload) => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const encrypted = feishuEncrypt('another key', payload);
    expect(new lark.AESCipher('another key').decrypt(encrypted)).toBe(text);
    expect(decryptFeishuPayload('another key', encrypted)).toBe(text);
  });
});

describe('decryptFeishuPayload refuses bad input with a typed reason', () => {
  it.each([
    ['characters outside base64', 'not base64 !!', 'bad_base64'],
    ['base64 without its padding', OFFICIAL.encrypt.replace(/=$/, ''), 'bad_base64'],
    ['URL-safe base64', OFFICIAL.encrypt.replace(/\+/g, '-'), 'bad_base64'],
    ['an empty string', '', 'bad_length'],
    ['an IV alone', Buffer.alloc(16).toString('base64'), 'bad_length'],
    ['a partial block', Buffer.alloc(40).toString('base64'), 'bad_length'],
  ])('%s', (_label, input, reason) => {
    expect(reasonOf(() => decryptFeishuPayload('test key', input))).toBe(reason);
  });

  it('refuses the official vector under a wrong key instead of returning garbage', () => {
    expect(reasonOf(() => decryptFeishuPayload('wrong key', OFFICIAL.encrypt))).toMatch(/^bad_(padding|utf8)$/);
  });

  it('refuses a flipped bit in the last block (padding) and in a middle block (UTF-8)', () => {
    expect(reasonOf(() => decryptFeishuPayload('test key', flip(CHALLENGE.encrypt, 95)))).toBe('bad_padding');
    expect(reasonOf(() => decryptFeishuPayload('test key', flip(CHALLENGE.encrypt, 40)))).toBe('bad_utf8');
  });

  it.each([
    ['pad 0', Buffer.concat([Buffer.from('{"a":1}'), Buffer.alloc(9, 0)])],
    ['pad 17, larger than a block', Buffer.concat([Buffer.from('{"a":1}'), Buffer.alloc(9, 17)])],
    ['pad 4 with one wrong pad byte', Buffer.concat([Buffer.from('{"a":1}xxxxx'), Buffer.from([4, 3, 4, 4])])],
  ])('refuses malformed PKCS#7: %s', (_label, padded) => {
    expect(reasonOf(() => decryptFeishuPayload('k', sealRaw('k', Buffer.alloc(16, 7), padded)))).toBe('bad_padding');
  });

  it('decryption alone cannot see a flipped IV bit; the signature over the raw body does', () => {
    // CBC is malleable: bit 1 of IV byte 2 flips bit 1 of plaintext byte 2 ('c' → 'a').
    const tampered = flip(CHALLENGE.encrypt, 2, 1);
    expect(decryptFeishuPayload('test key', tampered)).toBe(CHALLENGE.plain.replace('challenge', 'ahallenge'));
    const signed = feishuHeaders('test key', JSON.stringify({ encrypt: CHALLENGE.encrypt }), { timestamp: 1_700_000_000 });
    const check = verifyFeishuRequest({
      encryptKey: 'test key',
      rawBody: Buffer.from(JSON.stringify({ encrypt: tampered })),
      headers: signed,
      now: SIGNED.now,
    });
    expect(check).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('fails loudly without an Encrypt Key', () => {
    expect(() => decryptFeishuPayload('', OFFICIAL.encrypt)).toThrow(/Encrypt Key is empty/);
  });
});

describe('verifyFeishuRequest', () => {
  const verify = (over: Partial<Parameters<typeof verifyFeishuRequest>[0]> = {}) =>
    verifyFeishuRequest({ encryptKey: 'test key', rawBody: Buffer.from(SIGNED.body), headers: SIGNED.headers, now: SIGNED.now, ...over });

  it('accepts the derived vector on the raw body', () => {
    expect(verify()).toEqual({ ok: true });
  });

  it('hashes utf8(timestamp + nonce + key) followed by the raw bytes', () => {
    const digest = createHash('sha256').update('1700000000n0ncetest key').update(SIGNED.body).digest('hex');
    expect(digest).toBe(SIGNED.headers['x-lark-signature']);
  });

  it('refuses the same JSON re-serialised (the raw bytes are what count)', () => {
    expect(verify({ rawBody: Buffer.from(JSON.stringify(JSON.parse(SIGNED.body), null, 1)) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('signs bytes, not characters: a UTF-8 body from the helper verifies, its Latin-1 bytes do not', () => {
    const body = '{"text":"云帆科技"}';
    const headers = feishuHeaders('k', Buffer.from(body, 'utf8'), { timestamp: 1_700_000_000, nonce: 'n' });
    expect(verifyFeishuRequest({ encryptKey: 'k', rawBody: Buffer.from(body, 'utf8'), headers, now: SIGNED.now })).toEqual({ ok: true });
    expect(verifyFeishuRequest({ encryptKey: 'k', rawBody: Buffer.from(body, 'latin1'), headers, now: SIGNED.now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses the right body under another key', () => {
    expect(verify({ encryptKey: 'other key' })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['a forged signature (one hex digit changed)', { 'x-lark-signature': SIGNED.headers['x-lark-signature'].replace(/^b/, 'c') }],
    ['a signature of the wrong length (3)', { 'x-lark-signature': 'abc' }],
    ['a signature of the wrong length (63)', { 'x-lark-signature': SIGNED.headers['x-lark-signature'].slice(1) }],
    ['a signature of the wrong length (65)', { 'x-lark-signature': `${SIGNED.headers['x-lark-signature']}0` }],
    ['a SHA-512-sized signature', { 'x-lark-signature': SIGNED.headers['x-lark-signature'].repeat(2) }],
    ['a base64 signature', { 'x-lark-signature': Buffer.from(SIGNED.headers['x-lark-signature'], 'hex').toString('base64') }],
    ['another nonce', { 'x-lark-request-nonce': 'n0nce2' }],
    ['another timestamp within the window', { 'x-lark-request-timestamp': '1700000001' }],
  ])('refuses %s as bad_signature', (_label, over) => {
    expect(verify({ headers: { ...SIGNED.headers, ...over } })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts the signature in upper-case hex', () => {
    expect(verify({ headers: { ...SIGNED.headers, 'x-lark-signature': SIGNED.headers['x-lark-signature'].toUpperCase() } })).toEqual({
      ok: true,
    });
  });

  it.each([
    ['no timestamp', { 'x-lark-request-timestamp': undefined }],
    ['no nonce', { 'x-lark-request-nonce': undefined }],
    ['no signature', { 'x-lark-signature': undefined }],
    ['an empty nonce', { 'x-lark-request-nonce': '' }],
    ['a timestamp that is not whole seconds', { 'x-lark-request-timestamp': '1700000000.5' }],
    ['a word for a timestamp', { 'x-lark-request-timestamp': 'soon' }],
    ['a duplicated signature header', { 'x-lark-signature': [SIGNED.headers['x-lark-signature'], SIGNED.headers['x-lark-signature']] }],
  ])('refuses %s as missing_headers', (_label, over) => {
    expect(verify({ headers: { ...SIGNED.headers, ...over } })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('refuses a request without any header', () => {
    expect(verify({ headers: {} })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('reads header names case-insensitively and single-element arrays', () => {
    const headers = {
      'X-Lark-Request-Timestamp': '1700000000',
      'X-LARK-REQUEST-NONCE': ['n0nce'],
      'x-lark-signature': SIGNED.headers['x-lark-signature'],
    };
    expect(verify({ headers })).toEqual({ ok: true });
  });

  it.each([
    [-301, 'stale'],
    [-300, 'ok'],
    [0, 'ok'],
    [300, 'ok'],
    [300.5, 'stale'],
    [301, 'stale'],
    [86_400, 'stale'],
  ])('with now %s s from the timestamp: %s', (offset, verdict) => {
    const result = verify({ now: new Date(SIGNED.now.getTime() + offset * 1000) });
    expect(result).toEqual(verdict === 'ok' ? { ok: true } : { ok: false, reason: 'stale' });
  });

  it('takes another window when given one', () => {
    expect(verify({ now: new Date(SIGNED.now.getTime() + 61_000), maxSkewSeconds: 60 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('checks the window before the signature (stale even with a forged signature)', () => {
    expect(verify({ headers: { ...SIGNED.headers, 'x-lark-signature': '0'.repeat(64) }, now: new Date(0) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('fails loudly on an empty key or an invalid clock instead of passing', () => {
    expect(() => verify({ encryptKey: '' })).toThrow(/Encrypt Key is empty/);
    expect(() => verify({ now: new Date(Number.NaN) })).toThrow(RangeError);
  });

  it('verifies what the test helper signs', () => {
    const body = JSON.stringify({ encrypt: feishuEncrypt('k', { hello: 'world' }) });
    expect(
      verifyFeishuRequest({
        encryptKey: 'k',
        rawBody: Buffer.from(body),
        headers: feishuHeaders('k', body, { timestamp: 1_700_000_000 }),
        now: SIGNED.now,
      }),
    ).toEqual({ ok: true });
  });
});

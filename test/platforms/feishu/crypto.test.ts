import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decryptFeishuPayload, FeishuCryptoError } from '../../../src/platforms/feishu/crypto.js';
import { verifyFeishuSignature } from '../../../src/platforms/feishu/verify-signature.js';
import { feishuEncrypt, feishuHeaders } from '../../helpers/feishu-sign.js';

// docs/platforms.md C1: the official vector and two derived from the documented formulas.
const OFFICIAL = { key: 'test key', encrypt: 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', plain: 'hello world' };
const CHALLENGE = 'AAAAAAAAAAAAAAAAAAAAAD6N0hj9vF9ERgmsJVWf4XdSLLbFMTD3bWObfgjFzYm3BU+fYFXW6Vow2nPvsiHz+v/uvcfMGGe04Xkq8ejBT2tyHZPvrvSgAPDvxDb9aCqI';
const SIGNED_BODY = '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}';
const SIGNATURE = 'bed8fdd3e4bbc581364c140b572ec676edff3db612d57bbc07a24d062c40ddf3';

describe('Feishu decryption', () => {
  it('decrypts the official vector', () => {
    expect(decryptFeishuPayload(OFFICIAL.key, OFFICIAL.encrypt)).toBe(OFFICIAL.plain);
  });

  it('decrypts the encrypted url_verification vector', () => {
    expect(JSON.parse(decryptFeishuPayload('test key', CHALLENGE))).toEqual({ challenge: 'ajls384kdjx98XX', token: 'xxxxxx', type: 'url_verification' });
  });

  it('agrees with the official SDK on what our test helper encrypts', () => {
    const encrypted = feishuEncrypt('another key', { hello: '世界' });
    expect(new lark.AESCipher('another key').decrypt(encrypted)).toBe('{"hello":"世界"}');
    expect(decryptFeishuPayload('another key', encrypted)).toBe('{"hello":"世界"}');
  });

  it.each([
    ['not base64 !!', 'bad_base64'],
    ['AAAA', 'bad_length'],
  ])('rejects %s', (input, reason) => {
    expect(() => decryptFeishuPayload('k', input)).toThrow(expect.objectContaining({ reason }));
  });

  it('rejects a payload under the wrong key instead of returning garbage', () => {
    const err = (() => {
      try {
        return decryptFeishuPayload('wrong key', OFFICIAL.encrypt);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FeishuCryptoError);
  });
});

describe('Feishu signature', () => {
  const now = new Date(1_700_000_000 * 1000);
  const headers = { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'n0nce', 'x-lark-signature': SIGNATURE };

  it('accepts the derived vector on the raw body', () => {
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: Buffer.from(SIGNED_BODY), headers, now })).toEqual({ ok: true });
  });

  it('refuses the same JSON re-serialised with other spacing (the raw bytes are what count)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(SIGNED_BODY), null, 1));
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: reserialised, headers, now })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    [{ ...headers, 'x-lark-signature': SIGNATURE.replace(/^b/, 'c') }, 'bad_signature'],
    [{ ...headers, 'x-lark-signature': 'abc' }, 'bad_signature'],
    [{ ...headers, 'x-lark-request-nonce': undefined }, 'missing_headers'],
    [{ ...headers, 'x-lark-request-timestamp': 'soon' }, 'missing_headers'],
  ])('refuses %o', (h, reason) => {
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: Buffer.from(SIGNED_BODY), headers: h, now })).toEqual({ ok: false, reason });
  });

  it('refuses timestamps more than 300 s away on either side', () => {
    const body = Buffer.from(SIGNED_BODY);
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: body, headers, now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: body, headers, now: new Date(now.getTime() - 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyFeishuSignature({ encryptKey: 'test key', rawBody: body, headers, now: new Date(now.getTime() + 299_000) })).toEqual({ ok: true });
  });

  it('matches the headers our test helper signs with', () => {
    const body = '{"encrypt":"abc"}';
    expect(verifyFeishuSignature({ encryptKey: 'k', rawBody: Buffer.from(body), headers: feishuHeaders('k', body, { timestamp: 1_700_000_000 }), now })).toEqual({ ok: true });
  });
});

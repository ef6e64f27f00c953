import { createCipheriv, createDecipheriv } from 'node:crypto';
import { WecomCrypto as SdkCrypto } from '@wecom/aibot-node-sdk';
import { describe, expect, it } from 'vitest';
import { createWecomCrypto, WecomCryptoError } from '../../../src/platforms/wecom/crypto.js';
import { wecomEncrypt, wecomPost, wecomSign, wecomUrlVerification } from '../../helpers/wecom-sign.js';

// shared/docs/platforms.md C2: the official sample vectors, sets A and B (GET and POST), and A's
// JSON variant. Expected pads and lengths are the ones the doc records.
const A = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corp: 'wx5823bf96d3bd56c7',
  get: {
    sig: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    ts: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    reply: '1616140317555161061',
    pad: 7,
  },
  post: {
    sig: '477715d11cdb4164915debcba66cb864d751f3e6',
    ts: '1409659813',
    nonce: '1372623149',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
    plain:
      '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>',
    msgLen: 284,
    pad: 30,
  },
};
const A_JSON = {
  sig: '0623cbc5a8cbee5bcc137c70de99575366fc2af3',
  ts: '1409659813',
  nonce: '1372623149',
  encrypt:
    'CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=',
  plain:
    '{"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218}',
  msgLen: 164,
  pad: 22,
};
const B = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  key: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  corp: 'ww1436e0e65a779aee',
  get: {
    sig: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
    ts: '1476416373',
    nonce: '47744683',
    echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
    reply: '1288432023552776189',
    pad: 7,
  },
  post: {
    sig: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
    ts: '1476422779',
    nonce: '1597212914',
    encrypt:
      'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
    plain:
      '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
    msgLen: 228,
    pad: 22,
  },
};
type Vectors = typeof A | typeof B;

const aesKey = (encodingAesKey: string) => Buffer.from(`${encodingAesKey}=`, 'base64');
/** Decrypts without any unpadding, to read the vectors' facts independently of our module. */
const openRaw = (encodingAesKey: string, b64: string) => {
  const key = aesKey(encodingAesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
};
/** Encrypts caller-made plaintext bytes as they are, to forge malformed payloads. */
const sealRaw = (encodingAesKey: string, bytes: Buffer) => {
  const key = aesKey(encodingAesKey);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(bytes), c.final()]).toString('base64');
};
const frame = (msg: string, receiveId: string, length = Buffer.byteLength(msg)) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(length, 0);
  return Buffer.concat([Buffer.alloc(16, 0x5a), len, Buffer.from(msg), Buffer.from(receiveId)]);
};
const padTo32 = (b: Buffer) => Buffer.concat([b, Buffer.alloc(32 - (b.length % 32), 32 - (b.length % 32))]);
const reasonOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof WecomCryptoError ? err.reason : `untyped: ${String(err)}`;
  }
  return 'accepted';
};
const flip = (b64: string, byte: number, bit = 0) => {
  const raw = Buffer.from(b64, 'base64');
  raw[byte] = (raw[byte] ?? 0) ^ (1 << bit);
  return raw.toString('base64');
};

describe.each([
  ['A', A],
  ['B', B],
] as [string, Vectors][])('official vector set %s', (_name, v) => {
  const crypto = createWecomCrypto({ token: v.token, encodingAesKey: v.key, receiveId: v.corp });

  it('GET: signs the echostr as documented, verifies it, and decrypts the reply value', () => {
    expect(crypto.signature(v.get.ts, v.get.nonce, v.get.echostr)).toBe(v.get.sig);
    expect(crypto.verifySignature(v.get.sig, v.get.ts, v.get.nonce, v.get.echostr)).toBe(true);
    expect(crypto.decrypt(v.get.echostr)).toBe(v.get.reply);
  });

  it('POST: signs the Encrypt as documented, verifies it, and decrypts the exact XML', () => {
    expect(crypto.signature(v.post.ts, v.post.nonce, v.post.encrypt)).toBe(v.post.sig);
    expect(crypto.verifySignature(v.post.sig, v.post.ts, v.post.nonce, v.post.encrypt)).toBe(true);
    expect(crypto.decrypt(v.post.encrypt)).toBe(v.post.plain);
  });

  it('POST: msg_len is the UTF-8 byte length, the pad is as documented, the trailer is the corp id', () => {
    const raw = openRaw(v.key, v.post.encrypt);
    expect(raw.readUInt32BE(16)).toBe(v.post.msgLen);
    expect(Buffer.byteLength(v.post.plain, 'utf8')).toBe(v.post.msgLen);
    expect(raw[raw.length - 1]).toBe(v.post.pad);
    expect(raw.subarray(20 + v.post.msgLen, raw.length - v.post.pad).toString()).toBe(v.corp);
    expect(openRaw(v.key, v.get.echostr).at(-1)).toBe(v.get.pad);
  });

  it("encrypt() with the vector's own 16 random bytes reproduces the official ciphertexts byte for byte", () => {
    const pairs: [encrypted: string, plain: string][] = [
      [v.post.encrypt, v.post.plain],
      [v.get.echostr, v.get.reply],
    ];
    for (const [encrypted, plain] of pairs) {
      const random16 = openRaw(v.key, encrypted).subarray(0, 16);
      expect(crypto.encrypt(plain, random16)).toBe(encrypted);
      // The test helper acts as WeCom, so it must agree too.
      expect(wecomEncrypt({ encodingAesKey: v.key, receiveId: v.corp, message: plain, random: random16 })).toBe(encrypted);
    }
  });

  it('rejects a forged signature, one of the wrong length, and one for other parameters', () => {
    const forged = v.post.sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(crypto.verifySignature(forged, v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature(v.post.sig.slice(1), v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature(`${v.post.sig}00`, v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature('', v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature(v.post.sig, String(Number(v.post.ts) + 1), v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature(v.post.sig, v.post.ts, `${v.post.nonce}1`, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature(v.get.sig, v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
  });

  it('accepts the signature in upper-case hex', () => {
    expect(crypto.verifySignature(v.post.sig.toUpperCase(), v.post.ts, v.post.nonce, v.post.encrypt)).toBe(true);
  });

  it('rejects the message for anyone but the configured receive id', () => {
    for (const receiveId of ['ww_someone_else', v.corp.slice(0, -1), `${v.corp}x`, v.corp.toUpperCase(), '']) {
      const other = createWecomCrypto({ token: v.token, encodingAesKey: v.key, receiveId });
      expect(reasonOf(() => other.decrypt(v.post.encrypt))).toBe('receive_id_mismatch');
    }
  });

  it('rejects flipped ciphertext bits: in the last block (padding), the length field, and a middle block', () => {
    const last = Buffer.from(v.post.encrypt, 'base64').length - 20;
    expect(reasonOf(() => crypto.decrypt(flip(v.post.encrypt, last)))).toBe('bad_padding');
    // Byte 0 of block 0 flips byte 16 of the plaintext, the high byte of msg_len.
    expect(reasonOf(() => crypto.decrypt(flip(v.post.encrypt, 0)))).toBe('bad_length');
    expect(reasonOf(() => crypto.decrypt(flip(v.post.encrypt, 100)))).toBe('bad_utf8');
  });

  it('every single-bit flip fails the signature; decryption itself catches all but a few in block 0', () => {
    const bytes = Buffer.from(v.post.encrypt, 'base64').length;
    let accepted = 0;
    for (let bit = 0; bit < bytes * 8; bit++) {
      const tampered = flip(v.post.encrypt, bit >> 3, bit & 7);
      expect(crypto.verifySignature(v.post.sig, v.post.ts, v.post.nonce, tampered)).toBe(false);
      if (reasonOf(() => crypto.decrypt(tampered)) === 'accepted') accepted++;
    }
    // CBC has no integrity: a flip in ciphertext block 0 garbles only the random prefix and flips
    // the same bit of a message byte. That is why webhooks verify msg_signature first.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted / (bytes * 8)).toBeLessThan(0.04);
  });
});

describe('the JSON variant of vector A (smart-bot style)', () => {
  const crypto = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: A.corp });

  it('verifies and decrypts the exact JSON, with msg_len 164 and pad 22', () => {
    expect(crypto.verifySignature(A_JSON.sig, A_JSON.ts, A_JSON.nonce, A_JSON.encrypt)).toBe(true);
    expect(crypto.decrypt(A_JSON.encrypt)).toBe(A_JSON.plain);
    const raw = openRaw(A.key, A_JSON.encrypt);
    expect([raw.readUInt32BE(16), raw.at(-1)]).toEqual([A_JSON.msgLen, A_JSON.pad]);
  });
});

describe('decrypt refuses malformed payloads with a typed reason', () => {
  const crypto = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: A.corp });
  const good = padTo32(frame('<xml/>', A.corp));

  it('decrypts the well-formed control payload', () => {
    expect(crypto.decrypt(sealRaw(A.key, good))).toBe('<xml/>');
  });

  it.each([
    ['characters outside base64', '!!!!', 'bad_base64'],
    ['base64 without its padding', A.get.echostr.replace(/=+$/, ''), 'bad_base64'],
    ['a space where "+" was (a naive URL decode)', A.get.echostr.replace(/\+/g, ' '), 'bad_base64'],
    ['an empty string', '', 'bad_length'],
    ['a single AES block (16 bytes)', Buffer.alloc(16).toString('base64'), 'bad_length'],
    ['48 bytes (not whole 32-byte blocks)', Buffer.alloc(48).toString('base64'), 'bad_length'],
  ])('%s', (_label, input, reason) => {
    expect(reasonOf(() => crypto.decrypt(input))).toBe(reason);
  });

  it.each([
    ['pad value 0', (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([0])])],
    ['pad value 33', (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([33])])],
    ['one wrong byte inside the pad', (b: Buffer) => Buffer.concat([b.subarray(0, -2), Buffer.from([0, b.at(-1) ?? 0])])],
    ['a 16-byte style pad (value 16 over a 20-byte pad)', (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([16])])],
  ])('rejects bad padding: %s', (_label, mutate) => {
    const padded = mutate(Buffer.from(good));
    expect(padded.length % 32).toBe(0);
    expect(reasonOf(() => crypto.decrypt(sealRaw(A.key, padded)))).toBe('bad_padding');
  });

  it("rejects a consistent pad of 33 (PKCS#7 to 64 is not WeCom's)", () => {
    const plain = frame('x'.repeat(7), A.corp);
    const padded = Buffer.concat([plain, Buffer.alloc(64 - (plain.length % 32), 0)]);
    padded.fill(33, padded.length - 33);
    expect(padded.length % 32).toBe(0);
    expect(reasonOf(() => crypto.decrypt(sealRaw(A.key, padded)))).toBe('bad_padding');
  });

  it('accepts a full block of padding (value 32) and rejects it when one byte differs', () => {
    const aligned = frame('x'.repeat(32 - 20 - A.corp.length + 32), A.corp);
    expect(aligned.length % 32).toBe(0);
    const padded = padTo32(aligned);
    expect(padded.at(-1)).toBe(32);
    expect(crypto.decrypt(sealRaw(A.key, padded))).toBe('x'.repeat(32 - 20 - A.corp.length + 32));
    padded[padded.length - 32] = 31;
    expect(reasonOf(() => crypto.decrypt(sealRaw(A.key, padded)))).toBe('bad_padding');
  });

  it.each([
    ['msg_len past the end', padTo32(frame('<xml/>', A.corp, 6 + A.corp.length + 1)), 'bad_length'],
    ['msg_len 2^32 - 1', padTo32(frame('<xml/>', A.corp, 0xffffffff)), 'bad_length'],
    ['fewer than 20 bytes left after unpadding', Buffer.alloc(32, 32), 'bad_length'],
    ['msg_len one short (a byte of message in the trailer)', padTo32(frame('<xml/>', A.corp, 5)), 'receive_id_mismatch'],
    ['msg_len eating the receive id', padTo32(frame('<xml/>', A.corp, 6 + A.corp.length)), 'receive_id_mismatch'],
    [
      'a message that is not UTF-8',
      padTo32(Buffer.concat([frame('', '').subarray(0, 16), Buffer.from([0, 0, 0, 2, 0xc3, 0x28]), Buffer.from(A.corp)])),
      'bad_utf8',
    ],
  ])('rejects %s', (_label, padded, reason) => {
    expect(reasonOf(() => crypto.decrypt(sealRaw(A.key, padded)))).toBe(reason);
  });
});

describe('encrypt', () => {
  const crypto = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: A.corp });

  it('pads to whole 32-byte blocks with pad values 1..32 and round-trips', () => {
    const pads = new Set<number>();
    for (let size = 0; size <= 64; size++) {
      const message = '跟'.repeat(size % 3) + 'x'.repeat(size);
      const sealed = crypto.encrypt(message);
      const raw = openRaw(A.key, sealed);
      expect(raw.length % 32).toBe(0);
      pads.add(raw.at(-1) ?? 0);
      expect(crypto.decrypt(sealed)).toBe(message);
    }
    expect([...pads].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('uses fresh random bytes unless given some', () => {
    expect(crypto.encrypt('same')).not.toBe(crypto.encrypt('same'));
    expect(crypto.encrypt('same', Buffer.alloc(16, 1))).toBe(crypto.encrypt('same', Buffer.alloc(16, 1)));
    expect(() => crypto.encrypt('same', Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('against the official @wecom/aibot-node-sdk WecomCrypto', () => {
  const crypto = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: A.corp });
  const sdk = new SdkCrypto(A.token, A.key, A.corp);

  it('the SDK decrypts what our encrypt produced, and verifies our signature', () => {
    const message = '<xml><Content><![CDATA[你好 genjin]]></Content></xml>';
    const sealed = crypto.encrypt(message);
    expect(sdk.decrypt(sealed)).toBe(message);
    expect(sdk.verifySignature(crypto.signature('1700000000', 'n1', sealed), '1700000000', 'n1', sealed)).toBe(true);
  });

  it('we decrypt what the SDK encrypted, and verify its signature', () => {
    const theirs = sdk.encrypt('来自官方 SDK', '1700000000', 'nonce');
    expect(crypto.decrypt(theirs.encrypt)).toBe('来自官方 SDK');
    expect(crypto.verifySignature(theirs.signature, '1700000000', 'nonce', theirs.encrypt)).toBe(true);
  });

  it('both agree on the official vectors', () => {
    expect(sdk.decrypt(A.post.encrypt)).toBe(crypto.decrypt(A.post.encrypt));
    expect(sdk.computeSignature(A.post.ts, A.post.nonce, A.post.encrypt)).toBe(crypto.signature(A.post.ts, A.post.nonce, A.post.encrypt));
  });

  it('an SDK built without a receive id (or with "") checks none; ours with "" insists on an empty trailer', () => {
    // The smart bot's receive id is "": the SDK then skips the check entirely.
    expect(new SdkCrypto(A.token, A.key).decrypt(A.post.encrypt)).toBe(A.post.plain);
    expect(new SdkCrypto(A.token, A.key, '').decrypt(A.post.encrypt)).toBe(A.post.plain);
    const bot = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: '' });
    expect(reasonOf(() => bot.decrypt(A.post.encrypt))).toBe('receive_id_mismatch');
    // What the SDK seals for "" (nothing appended), ours with "" opens and ours with a corp id refuses.
    const sealed = new SdkCrypto(A.token, A.key, '').encrypt('{"msgtype":"text"}', '1', 'n').encrypt;
    expect(bot.decrypt(sealed)).toBe('{"msgtype":"text"}');
    expect(reasonOf(() => crypto.decrypt(sealed))).toBe('receive_id_mismatch');
  });

  it('the SDK throws untyped errors on a bad pad; ours names the reason', () => {
    const padded = Buffer.concat([padTo32(frame('<xml/>', A.corp)).subarray(0, -1), Buffer.from([33])]);
    expect(() => sdk.decrypt(sealRaw(A.key, padded))).toThrow(/pkcs7/);
    expect(reasonOf(() => crypto.decrypt(sealRaw(A.key, padded)))).toBe('bad_padding');
  });
});

describe('configuration', () => {
  it.each([
    ['a 42-character key', { token: 't', encodingAesKey: A.key.slice(1), receiveId: A.corp }],
    ['a key with "=" already appended', { token: 't', encodingAesKey: `${A.key}=`, receiveId: A.corp }],
    ['a key with a "+"', { token: 't', encodingAesKey: `${A.key.slice(1)}+`, receiveId: A.corp }],
    ['an empty token', { token: '', encodingAesKey: A.key, receiveId: A.corp }],
  ])('refuses %s with a hint', (_label, opts) => {
    expect(() => createWecomCrypto(opts)).toThrow(/WeCom (token|EncodingAESKey)/);
  });
});

describe('the test helper acts as WeCom', () => {
  const crypto = createWecomCrypto({ token: B.token, encodingAesKey: B.key, receiveId: B.corp });

  it('signs like the official vector', () => {
    expect(wecomSign(B.token, B.post.ts, B.post.nonce, B.post.encrypt)).toBe(B.post.sig);
  });

  it('builds a GET whose URL-encoded query decodes to a verifiable echostr', () => {
    const get = wecomUrlVerification({
      token: B.token,
      encodingAesKey: B.key,
      corpId: B.corp,
      reply: '1288432023552776189',
      timestamp: 1_476_416_373,
    });
    const q = Object.fromEntries(new URLSearchParams(get.search));
    expect(q).toEqual(get.query);
    expect(crypto.verifySignature(q.msg_signature ?? '', q.timestamp ?? '', q.nonce ?? '', q.echostr ?? '')).toBe(true);
    expect(crypto.decrypt(q.echostr ?? '')).toBe('1288432023552776189');
  });

  it('builds a POST whose envelope carries a verifiable Encrypt', () => {
    const post = wecomPost({
      token: B.token,
      encodingAesKey: B.key,
      corpId: B.corp,
      xml: B.post.plain,
      timestamp: 1_476_422_779,
      nonce: '1597212914',
    });
    expect(post.body).toContain(`<Encrypt><![CDATA[${post.encrypt}]]></Encrypt>`);
    expect(crypto.verifySignature(post.query.msg_signature, post.query.timestamp, post.query.nonce, post.encrypt)).toBe(true);
    expect(crypto.decrypt(post.encrypt)).toBe(B.post.plain);
  });
});

it("Node's default unpadding cannot open vector A (pad 30 > 16): why decrypt sets autoPadding off", () => {
  const key = aesKey(A.key);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  expect(() => Buffer.concat([d.update(Buffer.from(A.post.encrypt, 'base64')), d.final()])).toThrow(/bad decrypt/i);
});

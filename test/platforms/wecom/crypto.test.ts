import { WecomCrypto as SdkCrypto } from '@wecom/aibot-node-sdk';
import { describe, expect, it } from 'vitest';
import { createWecomCrypto } from '../../../src/platforms/wecom/crypto.js';
import { parseWecomXml } from '../../../src/platforms/wecom/xml.js';

// docs/platforms.md C2: the official sample vectors, sets A and B.
const A = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corp: 'wx5823bf96d3bd56c7',
  get: { sig: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', ts: '1409659589', nonce: '263014780', echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==', reply: '1616140317555161061' },
  post: {
    sig: '477715d11cdb4164915debcba66cb864d751f3e6',
    ts: '1409659813',
    nonce: '1372623149',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
    plain:
      '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>',
  },
};
const B = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  key: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  corp: 'ww1436e0e65a779aee',
  get: { sig: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb', ts: '1476416373', nonce: '47744683', echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==', reply: '1288432023552776189' },
  post: {
    sig: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
    ts: '1476422779',
    nonce: '1597212914',
    encrypt:
      'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
    plain: '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
  },
};

describe.each([
  ['set A', A],
  ['set B', B],
])('WeCom crypto, official %s', (_name, v) => {
  const crypto = createWecomCrypto({ token: v.token, encodingAesKey: v.key, receiveId: v.corp });

  it('verifies the URL-verification signature and decrypts echostr', () => {
    expect(crypto.verifySignature(v.get.sig, v.get.ts, v.get.nonce, v.get.echostr)).toBe(true);
    expect(crypto.decrypt(v.get.echostr)).toBe(v.get.reply);
  });

  it('verifies the message signature and decrypts the exact XML', () => {
    expect(crypto.signature(v.post.ts, v.post.nonce, v.post.encrypt)).toBe(v.post.sig);
    expect(crypto.verifySignature(v.post.sig, v.post.ts, v.post.nonce, v.post.encrypt)).toBe(true);
    expect(crypto.decrypt(v.post.encrypt)).toBe(v.post.plain);
  });

  it('rejects a forged signature', () => {
    expect(crypto.verifySignature(v.post.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')), v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
    expect(crypto.verifySignature('short', v.post.ts, v.post.nonce, v.post.encrypt)).toBe(false);
  });

  it('rejects a flipped ciphertext bit', () => {
    const bytes = Buffer.from(v.post.encrypt, 'base64');
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0x01;
    expect(() => crypto.decrypt(bytes.toString('base64'))).toThrow(/bad_padding|bad_length|receive_id_mismatch/);
  });

  it('rejects a message for another corp (receive id)', () => {
    const other = createWecomCrypto({ token: v.token, encodingAesKey: v.key, receiveId: 'ww_someone_else' });
    expect(() => other.decrypt(v.post.encrypt)).toThrow(expect.objectContaining({ reason: 'receive_id_mismatch' }));
  });
});

describe('WeCom crypto round trip', () => {
  const crypto = createWecomCrypto({ token: A.token, encodingAesKey: A.key, receiveId: A.corp });

  it('pads to 32-byte blocks (pad values up to 32, as in vector A whose pad is 30)', () => {
    for (const size of [0, 1, 11, 12, 31, 32, 100]) {
      const sealed = crypto.encrypt('x'.repeat(size));
      expect(Buffer.from(sealed, 'base64').length % 32).toBe(0);
      expect(crypto.decrypt(sealed)).toBe('x'.repeat(size));
    }
  });

  it("agrees with the official SDK's WecomCrypto both ways", () => {
    const sdk = new SdkCrypto(A.token, A.key, A.corp);
    const ours = crypto.encrypt('<xml><Content><![CDATA[你好 genjin]]></Content></xml>');
    expect(sdk.decrypt(ours)).toBe('<xml><Content><![CDATA[你好 genjin]]></Content></xml>');
    const theirs = sdk.encrypt('来自官方 SDK', '1700000000', 'nonce');
    expect(crypto.decrypt(theirs.encrypt)).toBe('来自官方 SDK');
    expect(crypto.verifySignature(theirs.signature, '1700000000', 'nonce', theirs.encrypt)).toBe(true);
  });
});

describe('WeCom XML', () => {
  it('unwraps CDATA and keeps MsgId a string', () => {
    expect(parseWecomXml(A.post.plain)).toMatchObject({ ToUserName: 'wx5823bf96d3bd56c7', MsgType: 'text', Content: 'hello', MsgId: '4561255354251345929', CreateTime: '1409659813' });
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>'],
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><a>&lol2;</a></xml>'],
    ['an external entity', '<!doctype xml SYSTEM "file:///etc/passwd"><xml/>'],
  ])('refuses %s', (_label, xml) => {
    expect(() => parseWecomXml(xml)).toThrow(expect.objectContaining({ reason: 'doctype_or_entity' }));
  });

  it.each(['<xml><a>', 'not xml at all', '<root><a>1</a></root>'])('refuses malformed or foreign XML: %s', (xml) => {
    expect(() => parseWecomXml(xml)).toThrow(/malformed_xml|not_wecom_xml/);
  });

  it('parses a template_card_event click', () => {
    const xml = '<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[a=fu.undo&id=7]]></EventKey><TaskId><![CDATA[gj_1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[RC_1]]></ResponseCode><AgentID>1000002</AgentID></xml>';
    expect(parseWecomXml(xml)).toMatchObject({ Event: 'template_card_event', EventKey: 'a=fu.undo&id=7', ResponseCode: 'RC_1', FromUserName: 'zhangsan' });
  });
});

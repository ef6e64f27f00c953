import { createCipheriv, createHash, randomBytes } from 'node:crypto';

// Acts as WeCom: encrypts, signs and wraps messages the way the platform does
// (shared/docs/platforms.md B1), with node:crypto only and without src/platforms/wecom, so tests
// check our code against an independent sender.

/** Encrypts like WeCom: random(16) ‖ msg_len(4, BE) ‖ msg ‖ receiveId, PKCS#7 to 32, AES-256-CBC, IV = key[0..16). */
export function wecomEncrypt(o: { encodingAesKey: string; receiveId: string; message: string; random?: Buffer }): string {
  const key = Buffer.from(`${o.encodingAesKey}=`, 'base64');
  const msg = Buffer.from(o.message, 'utf8');
  const head = Buffer.alloc(20);
  (o.random ?? randomBytes(16)).copy(head, 0, 0, 16);
  head.writeUInt32BE(msg.length, 16);
  const plain = Buffer.concat([head, msg, Buffer.from(o.receiveId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** msg_signature: SHA-1 hex of the sorted concatenation of token, timestamp, nonce and the encrypted value. */
export function wecomSign(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

type App = { token: string; encodingAesKey: string; corpId: string };

/** Encrypts and signs a message the way WeCom posts it: query parameters plus the XML envelope. */
export function wecomPost(opts: App & { xml: string; timestamp: number; agentId?: string; nonce?: string; random?: Buffer }) {
  const encrypt = wecomEncrypt({
    encodingAesKey: opts.encodingAesKey,
    receiveId: opts.corpId,
    message: opts.xml,
    ...(opts.random ? { random: opts.random } : {}),
  });
  const timestamp = String(opts.timestamp);
  const nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const msg_signature = wecomSign(opts.token, timestamp, nonce, encrypt);
  const body = `<xml><ToUserName><![CDATA[${opts.corpId}]]></ToUserName>\n<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n<AgentID><![CDATA[${opts.agentId ?? '1000002'}]]></AgentID>\n</xml>`;
  return { query: { msg_signature, timestamp, nonce }, body, encrypt };
}

/**
 * The GET that WeCom sends when the callback URL is saved: `query` holds the decoded values, and
 * `search` the URL-encoded query string (echostr is base64, so "+", "/" and "=" get escaped).
 */
export function wecomUrlVerification(opts: App & { reply: string; timestamp: number; nonce?: string }) {
  const echostr = wecomEncrypt({ encodingAesKey: opts.encodingAesKey, receiveId: opts.corpId, message: opts.reply });
  const timestamp = String(opts.timestamp);
  const nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const query = { msg_signature: wecomSign(opts.token, timestamp, nonce, echostr), timestamp, nonce, echostr };
  return { query, search: new URLSearchParams(query).toString() };
}

/** A decrypted text message as WeCom's XML. */
export function wecomTextXml(o: { corpId: string; from: string; content: string; msgId: string; createTime: number }) {
  return `<xml><ToUserName><![CDATA[${o.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName><CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${o.content}]]></Content><MsgId>${o.msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
}

/**
 * A decrypted template_card_event (a button click) as WeCom's XML; `selected` is what a
 * button_selection carried (its question key and the chosen option).
 */
export function wecomClickXml(o: {
  corpId: string;
  from: string;
  key: string;
  responseCode: string;
  createTime: number;
  selected?: { question: string; option: string };
}) {
  const selected = o.selected
    ? `<SelectedItems><SelectedItem><QuestionKey><![CDATA[${o.selected.question}]]></QuestionKey><OptionIds><OptionId><![CDATA[${o.selected.option}]]></OptionId></OptionIds></SelectedItem></SelectedItems>`
    : '';
  return `<xml><ToUserName><![CDATA[${o.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName><CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${o.key}]]></EventKey><TaskId><![CDATA[gj_task]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[${o.responseCode}]]></ResponseCode>${selected}<AgentID>1000002</AgentID></xml>`;
}

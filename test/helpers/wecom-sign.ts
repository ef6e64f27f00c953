import { randomBytes } from 'node:crypto';
import { createWecomCrypto } from '../../src/platforms/wecom/crypto.js';

/** Encrypts and signs a message the way WeCom posts it: query parameters plus the XML envelope. */
export function wecomPost(opts: { token: string; encodingAesKey: string; corpId: string; xml: string; timestamp: number; agentId?: string }) {
  const crypto = createWecomCrypto({ token: opts.token, encodingAesKey: opts.encodingAesKey, receiveId: opts.corpId });
  const encrypt = crypto.encrypt(opts.xml);
  const timestamp = String(opts.timestamp);
  const nonce = randomBytes(5).toString('hex');
  const msg_signature = crypto.signature(timestamp, nonce, encrypt);
  const body = `<xml><ToUserName><![CDATA[${opts.corpId}]]></ToUserName>\n<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n<AgentID><![CDATA[${opts.agentId ?? '1000002'}]]></AgentID>\n</xml>`;
  return { query: { msg_signature, timestamp, nonce }, body };
}

/** A decrypted text message as WeCom's XML. */
export function wecomTextXml(o: { corpId: string; from: string; content: string; msgId: string; createTime: number }) {
  return `<xml><ToUserName><![CDATA[${o.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName><CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${o.content}]]></Content><MsgId>${o.msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
}

/** A decrypted template_card_event (a button click) as WeCom's XML. */
export function wecomClickXml(o: { corpId: string; from: string; key: string; responseCode: string; createTime: number }) {
  return `<xml><ToUserName><![CDATA[${o.corpId}]]></ToUserName><FromUserName><![CDATA[${o.from}]]></FromUserName><CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${o.key}]]></EventKey><TaskId><![CDATA[gj_task]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[${o.responseCode}]]></ResponseCode><AgentID>1000002</AgentID></xml>`;
}

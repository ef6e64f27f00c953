// Signed, encrypted deliveries as Feishu and WeCom post them, each with its own message id, built
// with the test helpers that act as the platforms (independent of src/platforms).
import { randomBytes } from 'node:crypto';
import { feishuEncrypt, feishuHeaders } from '../../test/helpers/feishu-sign.js';
import { wecomPost, wecomTextXml } from '../../test/helpers/wecom-sign.js';
import { noteText, type Random } from '../../test/helpers/note-texts.js';
import type { SeededWorkspace } from './seed.js';

export const FEISHU = { appId: 'cli_e2e_bench', secret: 'e2e secret', token: 'e2e_verification_token', key: 'e2e encrypt key' };
/** Official WeCom vector set A (test/helpers/build-test-app.ts WECOM). */
export const WECOM = {
  corpId: 'wx5823bf96d3bd56c7',
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  agentId: 1000002,
};

export type Delivery = { id: string; path: string; body: string; headers: Record<string, string> };
export type NoteSpec = { sender: string; customer: string; text: string };

const runTag = randomBytes(3).toString('hex');
let counter = 0;

/** Who writes about whom: a seeded rep, about their own customer, a pool customer, or (1 in `newEvery`) a new one. */
export function pickNote(ws: SeededWorkspace, random: Random, opts: { newEvery?: number; newUser?: boolean } = {}): NoteSpec {
  const repIndex = random.int(ws.reps.length);
  const own = ws.ownCustomers[repIndex] ?? [];
  const fresh = opts.newEvery !== undefined && random.int(opts.newEvery) === 0;
  const customer = fresh
    ? ws.names.fresh()
    : own.length > 0 && random.next() < 0.5
      ? random.pick(own)
      : random.pick(ws.poolCustomers.length > 0 ? ws.poolCustomers : own);
  const sender = opts.newUser ? `${ws.platform === 'feishu' ? 'ou' : 'u'}_new_${runTag}_${++counter}` : (ws.reps[repIndex] as string);
  return { sender, customer, text: noteText(customer, random) };
}

/** An im.message.receive_v1 delivery in a direct chat with the sender. */
export function feishuDelivery(tenant: string, note: NoteSpec): Delivery {
  const n = ++counter;
  const messageId = `om_${runTag}_${n}`;
  const now = Date.now();
  const event = {
    schema: '2.0',
    header: {
      event_id: `evt_${runTag}_${n}`,
      event_type: 'im.message.receive_v1',
      create_time: String(now),
      token: FEISHU.token,
      tenant_key: tenant,
      app_id: FEISHU.appId,
    },
    event: {
      sender: {
        sender_id: { open_id: note.sender, union_id: `on_${note.sender}`, user_id: note.sender },
        sender_type: 'user',
        tenant_key: tenant,
      },
      message: {
        message_id: messageId,
        chat_id: `oc_${note.sender}`,
        chat_type: 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: note.text }),
        create_time: String(now),
      },
    },
  };
  const body = JSON.stringify({ encrypt: feishuEncrypt(FEISHU.key, event) });
  return {
    id: messageId,
    path: '/webhooks/feishu',
    body,
    headers: { ...feishuHeaders(FEISHU.key, body), 'content-length': String(Buffer.byteLength(body)) },
  };
}

/** A WeCom self-built app text message (XML, encrypted and signed as WeCom posts it). */
export function wecomDelivery(note: NoteSpec): Delivery {
  const msgId = `${7_000_000_000 + Number.parseInt(runTag, 16)}${String(++counter).padStart(7, '0')}`;
  const now = Math.floor(Date.now() / 1000);
  const xml = wecomTextXml({ corpId: WECOM.corpId, from: note.sender, content: note.text, msgId, createTime: now });
  const post = wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp: now });
  return {
    id: msgId,
    path: `/webhooks/wecom?${new URLSearchParams(post.query).toString()}`,
    body: post.body,
    headers: { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(post.body)) },
  };
}

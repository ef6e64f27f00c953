import type { WSClient } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';
import { z } from 'zod';
import { acceptClick, acceptInbound, type AcceptDeps } from '../../messaging/accept-inbound.js';
import type { SendOptions } from '../../messaging/adapter.js';
import {
  addressKey,
  chatAddress,
  type Address,
  type CardActionEvent,
  type MessageEvent,
  type OutboundMessage,
  type SentRef,
} from '../../messaging/types.js';
import { adaptCard } from '../../messaging/adapt-card.js';
import { WECOM_CAPABILITIES } from './capabilities.js';
import { decodeButtonKey, renderTemplateCard, renderWecomMessage, taskIdFor } from './render.js';

/** The part of the SDK's WSClient genjin uses: the boundary tests replace. */
export type SmartBotSocket = Pick<WSClient, 'connect' | 'disconnect' | 'sendMessage' | 'updateTemplateCard' | 'on'>;

/** The smart bot's side of the WeCom adapter: it reaches chats (groups, and its own single chats by userid). */
export type SmartBotMessenger = { send(to: Address, message: OutboundMessage, opts?: SendOptions): Promise<SentRef> };
/** WeCom accepts a card update within 5 s of the click. */
const CLICK_BUDGET_MS = 4000;

const frameSchema = z.object({ headers: z.object({ req_id: z.string() }).passthrough(), body: z.unknown() });
/** Longer than any WeCom id: ignored rather than stored (the inbox key holds 191). */
const id = z.string().min(1).max(128);
const textBody = z.object({
  msgid: id,
  chatid: id.optional(),
  chattype: z.enum(['single', 'group']),
  from: z.object({ userid: id }),
  text: z.object({ content: z.string() }),
  create_time: z.number().optional(),
});
const clickBody = z.object({
  msgid: id,
  chatid: id.optional(),
  from: z.object({ userid: id }),
  event: z.object({
    eventtype: z.literal('template_card_event'),
    event_key: z.string().max(1024).optional(),
    task_id: z.string().max(128).optional(),
    // What a button_selection chose when the button was clicked.
    selected_items: z
      .object({
        selected_item: z.array(
          z.object({ question_key: z.string().max(1024), option_ids: z.object({ option_id: z.array(z.string().max(128)) }) }),
        ),
      })
      .optional(),
  }),
});

type Deps = { socket: SmartBotSocket; tenant: string; accept: AcceptDeps; log: Logger; now: () => Date };

/**
 * The WeCom smart bot (智能机器人) over the official SDK's long connection: @-mentions in groups and
 * direct chats become notes like any other, card clicks are answered by updating the card in
 * place, and proactive cards (digests, replies) go to a chat id. No public URL is needed.
 * https://developer.work.weixin.qq.com/document/path/101463
 */
export function createSmartBot(deps: Deps) {
  const log = deps.log.child({ component: 'wecom-smart-bot' });

  function onText(raw: unknown) {
    const frame = frameSchema.safeParse(raw);
    const body = frame.success ? textBody.safeParse(frame.data.body) : null;
    if (!body?.success) return log.warn('smart bot text frame malformed; ignored');
    const m = body.data;
    // Replies go back through the bot: to the group, or to the bot's single chat with the user.
    const conversation = chatAddress('wecom', m.chattype === 'group' && m.chatid ? m.chatid : m.from.userid);
    const event: MessageEvent = {
      type: 'message',
      platform: 'wecom',
      eventId: m.msgid,
      tenant: deps.tenant,
      messageId: m.msgid,
      conversation,
      chatType: m.chattype === 'group' ? 'group' : 'direct',
      senderId: m.from.userid,
      // In a group the text starts with the @-mention that brought it here.
      text: m.text.content.replace(/^\s*@\S+\s*/, '').trim(),
      mentionsBot: true,
      sentAt: m.create_time ? new Date(m.create_time * 1000) : deps.now(),
    };
    // A long connection has no status code to withhold: an unrecorded message is logged by acceptInbound.
    void acceptInbound(deps.accept, { event, eventType: 'aibot.text', conversation: addressKey(conversation) });
  }

  async function onClick(raw: unknown) {
    const frame = frameSchema.safeParse(raw);
    const body = frame.success ? clickBody.safeParse(frame.data.body) : null;
    if (!frame.success || !body?.success) return log.warn('smart bot card event malformed; ignored');
    const e = body.data;
    const action = decodeButtonKey(e.event.event_key ?? '');
    if (!action) return log.info('card click without our action key; ignored');
    const conversation = chatAddress('wecom', e.chatid ?? e.from.userid);
    const values = Object.fromEntries(
      (e.event.selected_items?.selected_item ?? []).flatMap((s) =>
        s.option_ids.option_id[0] === undefined ? [] : [[s.question_key, s.option_ids.option_id[0]]],
      ),
    );
    // Deduplicated on the frame's msgid; answered in place while the 5 s window lasts, otherwise
    // (or after a crash) the new card is sent to the chat by the runner.
    const event: CardActionEvent = {
      type: 'card_action',
      platform: 'wecom',
      eventId: e.msgid,
      tenant: deps.tenant,
      operatorId: e.from.userid,
      action,
      conversation,
      ...(Object.keys(values).length > 0 ? { values } : {}),
    };
    const answer = await acceptClick(deps.accept, {
      event,
      eventType: 'aibot.template_card_event',
      conversation: `wecom:user:${e.from.userid}`,
      budgetMs: CLICK_BUDGET_MS,
    });
    if (answer.kind !== 'answered') return log.info({ action: action.name, outcome: answer.kind }, 'smart bot click not answered in place');
    const result = answer.result;
    try {
      const [first, ...rest] = result.card ? adaptCard(result.card, WECOM_CAPABILITIES) : [];
      if (first)
        await deps.socket.updateTemplateCard(frame.data, renderTemplateCard(first, e.event.task_id ?? taskIdFor(e.msgid)), [e.from.userid]);
      // What one card cannot carry follows as new cards in the same chat.
      for (const [i, card] of rest.entries())
        await messenger.send(conversation, { kind: 'card', card }, { idempotencyKey: `${e.msgid}-${i + 1}` });
      if (result.toast && (!result.card || result.toast.kind === 'error')) {
        await deps.socket.sendMessage(e.chatid ?? e.from.userid, { msgtype: 'markdown', markdown: { content: result.toast.text } });
      }
    } catch (err) {
      log.error({ err, action: action.name }, 'smart bot card update failed');
    }
  }

  const messenger: SmartBotMessenger = {
    async send(to, message, opts) {
      const chatId = to.id;
      const rendered = renderWecomMessage(message, opts?.idempotencyKey ?? `${chatId}_${deps.now().getTime().toString(36)}`);
      const body =
        rendered.msgtype === 'text'
          ? { msgtype: 'markdown' as const, markdown: { content: rendered.text.content } }
          : { msgtype: 'template_card' as const, template_card: rendered.template_card };
      const ack = await deps.socket.sendMessage(chatId, body as Parameters<SmartBotSocket['sendMessage']>[1]);
      return typeof ack.headers?.req_id === 'string' ? ack.headers.req_id : '';
    },
  };

  return {
    messenger,
    start() {
      deps.socket.on('message.text', onText);
      deps.socket.on('event.template_card_event', (frame) => void onClick(frame));
      deps.socket.on('event.disconnected_event', () =>
        log.warn('smart bot connection displaced by a newer one (another replica or process uses the same bot id)'),
      );
      deps.socket.on('authenticated', () => log.info('smart bot connected'));
      deps.socket.on('disconnected', (reason) => log.warn({ reason }, 'smart bot disconnected; the SDK reconnects with backoff'));
      deps.socket.connect();
    },
    stop() {
      deps.socket.disconnect();
    },
  };
}

import { z } from 'zod';
import { userAddress, type CardActionEvent, type MessageEvent } from '../../messaging/types.js';
import { decodeButtonKey } from './render.js';

/**
 * Decrypted self-built app callbacks (https://developer.work.weixin.qq.com/document/path/90240,
 * 96467). Values arrive as strings (the XML parser keeps them so; MsgId is a 64-bit integer that
 * must not pass through a JS number).
 */
/** Longer than any WeCom id: rejected with a 400 rather than stored (the inbox key holds 191). */
const id = z.string().min(1).max(128);

const base = z.object({
  ToUserName: id,
  FromUserName: id,
  CreateTime: z.string().regex(/^\d+$/),
  AgentID: z.string().optional(),
});

const textMessage = base.extend({ MsgType: z.literal('text'), Content: z.string(), MsgId: z.string().regex(/^\d{1,30}$/) });

const cardClick = base.extend({
  MsgType: z.literal('event'),
  Event: z.literal('template_card_event'),
  EventKey: z.string().max(1024),
  TaskId: z.string().max(128).optional(),
  ResponseCode: z.string().min(1).max(160).optional(),
  // What a button_selection chose when the button was clicked.
  SelectedItems: z
    .object({
      SelectedItem: z.array(
        z.object({ QuestionKey: z.string().max(1024), OptionIds: z.object({ OptionId: z.array(z.string().max(128)) }) }),
      ),
    })
    .optional(),
});

export type WecomDecoded =
  { kind: 'event'; event: MessageEvent | CardActionEvent } | { kind: 'ignore'; reason: string } | { kind: 'malformed'; issues: string };

export function decodeWecomMessage(fields: Record<string, unknown>): WecomDecoded {
  const kind = fields.MsgType;
  if (kind === 'text') {
    const parsed = textMessage.safeParse(fields);
    if (!parsed.success) return { kind: 'malformed', issues: summarize(parsed.error) };
    const m = parsed.data;
    return {
      kind: 'event',
      event: {
        type: 'message',
        platform: 'wecom',
        eventId: m.MsgId,
        tenant: m.ToUserName,
        messageId: m.MsgId,
        conversation: userAddress('wecom', m.FromUserName),
        chatType: 'direct',
        senderId: m.FromUserName,
        text: m.Content.trim(),
        mentionsBot: true,
        sentAt: new Date(Number(m.CreateTime) * 1000),
      },
    };
  }
  if (kind === 'event' && fields.Event === 'template_card_event') {
    const parsed = cardClick.safeParse(fields);
    if (!parsed.success) return { kind: 'malformed', issues: summarize(parsed.error) };
    const e = parsed.data;
    const action = decodeButtonKey(e.EventKey);
    if (!action) return { kind: 'ignore', reason: 'card button without our action key' };
    const values = Object.fromEntries(
      (e.SelectedItems?.SelectedItem ?? []).flatMap((s) =>
        s.OptionIds.OptionId[0] === undefined ? [] : [[s.QuestionKey, s.OptionIds.OptionId[0]]],
      ),
    );
    return {
      kind: 'event',
      event: {
        type: 'card_action',
        platform: 'wecom',
        // One key per click: the click's single-use ResponseCode. FromUserName + CreateTime (the
        // docs' key for events) would drop a second real click in the same second.
        eventId: e.ResponseCode ? `rc:${e.ResponseCode}` : `${e.FromUserName}:${e.CreateTime}:${e.EventKey}`.slice(0, 191),
        tenant: e.ToUserName,
        operatorId: e.FromUserName,
        action,
        ...(Object.keys(values).length > 0 ? { values } : {}),
        conversation: userAddress('wecom', e.FromUserName),
        // The click's response code, single use for 72 h, addresses the card for update_template_card.
        ...(e.ResponseCode ? { messageId: `rc:${e.ResponseCode}:${e.FromUserName}` } : {}),
      },
    };
  }
  return { kind: 'ignore', reason: `unhandled ${String(kind)}${fields.Event ? `/${String(fields.Event)}` : ''}` };
}

function summarize(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

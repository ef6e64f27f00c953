import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Address, Card, CardAction, CardActionEvent, MessageEvent } from '../../messaging/types.js';
import type { ConsolePerson } from './directory.js';

const userId = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'a console user id: letters, digits, _ . -' });

export const messageBody = z.object({
  as: userId,
  chat: z.string().regex(/^(user|chat):[A-Za-z0-9_.-]{1,128}$/),
  text: z.string().trim().min(1).max(4000),
});

export const clickBody = z.object({
  as: userId,
  messageId: z.string().min(1).max(64),
  action: z.object({ name: z.string().min(1).max(64), args: z.record(z.string(), z.string().max(500)) }),
  values: z.record(z.string(), z.string().max(500)).optional(),
  form: z.record(z.string(), z.string().max(4000)).optional(),
});

export const runJobBody = z.object({ name: z.string().min(1).max(64), now: z.iso.datetime({ offset: true }).optional() });

/** What the bot is called in a group: `@genjin` or `@跟进` mentions it, as an @ of the bot does on Feishu. */
const BOT_NAMES = ['genjin', '跟进'];

/**
 * A message typed in the page, as a platform would normalize it: the conversation is the person's
 * chat with the bot or a group; @-mentions of the bot and of known people come out of the text.
 */
export function toMessageEvent(
  body: z.infer<typeof messageBody>,
  ctx: { platform: string; tenant: string; now: Date; people: ConsolePerson[] },
): MessageEvent {
  const kind = body.chat.startsWith('user:') ? 'user' : 'chat';
  const id = body.chat.slice(kind.length + 1);
  const conversation: Address = { platform: ctx.platform, kind, id };
  let text = body.text;
  let mentionsBot = false;
  const mentions: { id: string; name: string }[] = [];
  for (const name of BOT_NAMES) {
    if (text.includes(`@${name}`)) {
      mentionsBot = true;
      text = text.split(`@${name}`).join(' ');
    }
  }
  // Longest names first, so `@李娜娜` is not read as `@李娜`.
  for (const person of [...ctx.people].sort((a, b) => b.name.length - a.name.length)) {
    for (const label of [person.name, person.id]) {
      if (!text.includes(`@${label}`)) continue;
      text = text.split(`@${label}`).join(' ');
      if (!mentions.some((m) => m.id === person.id)) mentions.push({ id: person.id, name: person.name });
    }
  }
  const messageId = `cm_${randomUUID()}`;
  return {
    type: 'message',
    platform: ctx.platform,
    eventId: messageId,
    tenant: ctx.tenant,
    messageId,
    conversation,
    chatType: kind === 'user' ? 'direct' : 'group',
    senderId: body.as,
    text: text.replace(/\s+/g, ' ').trim(),
    mentionsBot,
    ...(mentions.length ? { mentions } : {}),
    sentAt: ctx.now,
  };
}

export function toCardActionEvent(
  body: z.infer<typeof clickBody>,
  ctx: { platform: string; tenant: string; conversation: Address },
): CardActionEvent {
  return {
    type: 'card_action',
    platform: ctx.platform,
    eventId: `cc_${randomUUID()}`,
    tenant: ctx.tenant,
    operatorId: body.as,
    action: body.action,
    ...(body.values ? { values: body.values } : {}),
    ...(body.form ? { form: body.form } : {}),
    conversation: ctx.conversation,
    messageId: body.messageId,
  };
}

/** Whether the card holds a control with this action: the page can only send what it was shown, as on a real platform. */
export function cardOffers(card: Card, action: CardAction): boolean {
  const actions: CardAction[] = [
    ...(card.buttons ?? []).map((b) => b.action),
    ...(card.controls ?? []).map((c) => c.action),
    ...(card.sections ?? []).flatMap((s) =>
      s.rows.flatMap((r) => [...(r.buttons ?? []).map((b) => b.action), ...(r.control ? [r.control.action] : [])]),
    ),
    ...(card.form ? [card.form.submit] : []),
  ];
  return actions.some((a) => a.name === action.name && sameArgs(a.args, action.args));
}

function sameArgs(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

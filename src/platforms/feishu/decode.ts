import { z } from 'zod';
import { chatAddress, type CardActionEvent, type MessageEvent } from '../../messaging/types.js';

/**
 * Feishu v2 envelopes, `im.message.receive_v1` and `card.action.trigger`, validated with zod and
 * normalized into the platform-neutral events. https://open.feishu.cn/document/server-docs/im-v1/message/events/receive
 */
/** Ids are stored in 191-character keys; anything longer is not a real Feishu id (400, not 5xx). */
const id = z.string().min(1).max(191);

const header = z.object({
  event_id: id,
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  token: z.string().optional(),
  tenant_key: id,
  app_id: z.string().optional(),
});

const userId = z.object({ open_id: id, union_id: z.string().optional(), user_id: z.string().optional() });

const messageEvent = z.object({
  sender: z.object({
    sender_id: userId.partial().extend({ open_id: z.string().optional() }),
    sender_type: z.string(),
    tenant_key: z.string().optional(),
  }),
  message: z.object({
    message_id: id,
    chat_id: id,
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    create_time: z.string().regex(/^\d+$/),
    mentions: z.array(z.object({ key: z.string(), id: userId.partial(), name: z.string().optional() })).optional(),
  }),
});

const cardActionEvent = z.object({
  operator: z.object({ open_id: id, user_id: z.string().optional(), union_id: z.string().optional() }),
  token: z.string().optional(),
  action: z.object({
    value: z.record(z.string(), z.unknown()).optional(),
    tag: z.string().optional(),
    name: z.string().max(200).optional(),
    // What a select, person picker or date picker chose (a date as "2026-12-02 +0800").
    option: z.string().max(500).optional(),
    // Inputs and selects give strings, multi-selects arrays of strings, checkers booleans.
    form_value: z
      .record(z.string(), z.union([z.string().max(5000), z.number(), z.boolean(), z.array(z.string().max(500)).max(100), z.null()]))
      .optional(),
  }),
  context: z.object({ open_message_id: id.optional(), open_chat_id: id.optional() }).partial().optional(),
});

const envelope = z.object({ schema: z.literal('2.0'), header, event: z.unknown() });
const challenge = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1), token: z.string() });

export type FeishuDecoded =
  | { kind: 'challenge'; challenge: string; token: string }
  | { kind: 'event'; event: MessageEvent | CardActionEvent; token: string | undefined; eventType: string }
  | { kind: 'ignore'; reason: string; token: string | undefined; eventType: string }
  | { kind: 'malformed'; issues: string; eventType?: string };

const summarize = (error: z.ZodError) =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

/** The button callback value we render: `{ a: action name, ...string args }` (see render.ts). */
function readAction(value: Record<string, unknown> | undefined): CardActionEvent['action'] | null {
  if (!value || typeof value.a !== 'string') return null;
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'a' && typeof v === 'string') args[k] = v;
  return { name: value.a, args };
}

/** Text of a `text` message (`{"text":"@_user_1 hi"}`) or the text runs of a `post`. */
function readText(messageType: string, content: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return null;
  }
  if (messageType === 'text')
    return parsed && typeof parsed === 'object' && 'text' in parsed && typeof parsed.text === 'string' ? parsed.text : null;
  if (messageType === 'post' && parsed && typeof parsed === 'object') {
    // A post is { title, content: [[{tag:'text', text}, …], …] }, possibly under a locale key.
    const post = 'content' in parsed ? parsed : Object.values(parsed)[0];
    const rows = post && typeof post === 'object' && 'content' in post && Array.isArray(post.content) ? post.content : [];
    const title = post && typeof post === 'object' && 'title' in post && typeof post.title === 'string' ? post.title : '';
    const lines = rows.map((row: unknown) =>
      Array.isArray(row)
        ? row.map((el: { tag?: string; text?: string }) => (el?.tag === 'text' || el?.tag === 'a' ? (el.text ?? '') : '')).join('')
        : '',
    );
    return [title, ...lines].filter(Boolean).join('\n');
  }
  return null;
}

/** A date picker's "2026-12-02 +0800" is the day; every other option is taken as it is. */
function optionValue(option: string): string {
  return /^\d{4}-\d{2}-\d{2} [+-]\d{4}$/.test(option) ? option.slice(0, 10) : option;
}

function formText(value: string | number | boolean | string[] | null): string {
  if (Array.isArray(value)) return value.join(',');
  return value === null ? '' : String(value);
}

export function decodeFeishuBody(body: unknown, ctx: { botOpenId: string | null }): FeishuDecoded {
  const asChallenge = challenge.safeParse(body);
  if (asChallenge.success) return { kind: 'challenge', challenge: asChallenge.data.challenge, token: asChallenge.data.token };
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { kind: 'malformed', issues: summarize(parsed.error) };
  const { header: h, event } = parsed.data;
  const base = { token: h.token, eventType: h.event_type };

  if (h.event_type === 'im.message.receive_v1') {
    const m = messageEvent.safeParse(event);
    if (!m.success) return { kind: 'malformed', issues: summarize(m.error), eventType: h.event_type };
    const { sender, message } = m.data;
    const senderId = sender.sender_id.open_id;
    // Rule: never answer ourselves (another bot's or our own message echoed back).
    if (sender.sender_type !== 'user' || !senderId || (ctx.botOpenId && senderId === ctx.botOpenId))
      return { kind: 'ignore', reason: 'not from a user', ...base };
    const rawText = readText(message.message_type, message.content);
    if (rawText === null) return { kind: 'ignore', reason: `unsupported message type ${message.message_type}`, ...base };
    const mentions = message.mentions ?? [];
    const group = message.chat_type !== 'p2p';
    const mentionsBot = ctx.botOpenId ? mentions.some((x) => x.id.open_id === ctx.botOpenId) : mentions.length > 0;
    if (group && !mentionsBot) return { kind: 'ignore', reason: 'group message without a mention of the bot', ...base };
    const people = mentions
      .filter((m) => m.id.open_id && m.id.open_id !== ctx.botOpenId)
      .map((m) => ({ id: m.id.open_id ?? '', name: (m.name ?? '').slice(0, 100) }));
    const text = rawText
      .replace(/@_user_\d+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return {
      kind: 'event',
      ...base,
      event: {
        type: 'message',
        platform: 'feishu',
        // Feishu: "请使用 message_id 去重，不要依赖 event_id" for messages.
        eventId: message.message_id,
        tenant: h.tenant_key,
        messageId: message.message_id,
        conversation: chatAddress('feishu', message.chat_id),
        chatType: group ? 'group' : 'direct',
        senderId,
        text,
        mentionsBot: group ? mentionsBot : true,
        ...(people.length > 0 ? { mentions: people } : {}),
        sentAt: new Date(Number(message.create_time)),
      },
    };
  }

  if (h.event_type === 'card.action.trigger') {
    const c = cardActionEvent.safeParse(event);
    if (!c.success) return { kind: 'malformed', issues: summarize(c.error), eventType: h.event_type };
    const action = readAction(c.data.action.value);
    if (!action) return { kind: 'ignore', reason: 'card action without our value', ...base };
    const form = c.data.action.form_value
      ? Object.fromEntries(Object.entries(c.data.action.form_value).map(([k, v]) => [k, formText(v)]))
      : undefined;
    return {
      kind: 'event',
      ...base,
      event: {
        type: 'card_action',
        platform: 'feishu',
        eventId: h.event_id,
        tenant: h.tenant_key,
        operatorId: c.data.operator.open_id,
        action,
        ...(c.data.action.option !== undefined && c.data.action.name
          ? { values: { [c.data.action.name]: optionValue(c.data.action.option) } }
          : {}),
        ...(form ? { form } : {}),
        ...(c.data.context?.open_chat_id ? { conversation: chatAddress('feishu', c.data.context.open_chat_id) } : {}),
        ...(c.data.context?.open_message_id ? { messageId: c.data.context.open_message_id } : {}),
      },
    };
  }
  return { kind: 'ignore', reason: 'event type not subscribed by genjin', ...base };
}

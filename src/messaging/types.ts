/**
 * The platform-neutral message model shared by the bot (src/bot) and the platform adapters
 * (src/platforms/*). Adapters turn platform payloads into these events and render these cards
 * into Feishu JSON 2.0 or WeCom template cards; nothing here knows either platform's format.
 */
export type Platform = 'feishu' | 'wecom';

/** Opaque `<platform>:<id>` address of a chat (Feishu chat_id) or a person (WeCom userid). */
export type ConversationRef = `${Platform}:${string}`;

export type MessageEvent = {
  type: 'message';
  platform: Platform;
  /** Dedupe key in the inbox: the platform's message id. */
  eventId: string;
  /** Feishu tenant_key or WeCom corp id: which workspace this belongs to. */
  tenant: string;
  messageId: string;
  /** Where a reply goes: the chat the message came from. */
  conversation: ConversationRef;
  chatType: 'direct' | 'group';
  /** Platform user id of the author: Feishu open_id, WeCom userid. */
  senderId: string;
  /** The text with @-mention placeholders removed and whitespace trimmed. */
  text: string;
  /** In a group, whether the bot was @-mentioned (the bot only answers then). */
  mentionsBot: boolean;
  sentAt: Date;
};

export type CardActionEvent = {
  type: 'card_action';
  platform: Platform;
  eventId: string;
  tenant: string;
  /** Platform user id of whoever clicked. */
  operatorId: string;
  action: CardAction;
  /** Values of a submitted form, by input name. */
  form?: Record<string, string>;
  conversation?: ConversationRef;
  /** The message that carries the card, when the platform says. */
  messageId?: string;
};

export type InboundEvent = MessageEvent | CardActionEvent;

/** What a button does: a handler name and string arguments, round-tripped through the platform. */
export type CardAction = { name: string; args: Record<string, string> };

export type CardButton = { label: string; style?: 'primary' | 'danger' | 'default'; action: CardAction };

export type CardInput = { name: string; label: string; value?: string; placeholder?: string; multiline?: boolean };

export type CardForm = {
  name: string;
  inputs: CardInput[];
  submitLabel: string;
  submit: CardAction;
  /** For platforms whose cards cannot hold inputs (WeCom): how to make the same change by message. */
  fallbackText?: string;
};

export type Card = {
  title: string;
  /** Header colour: blue = info, green = done, orange = needs attention, red = problem, grey = spent. */
  tone: 'blue' | 'green' | 'orange' | 'red' | 'grey';
  /** Short label/value facts, shown as a compact list (two columns where the client can). */
  fields?: { label: string; value: string }[];
  /** Free text under the facts; plain text, newlines kept. */
  text?: string;
  /** Small grey lines at the bottom: hints, who did what. */
  notes?: string[];
  /** At most six (WeCom's limit), in the order shown. */
  buttons?: CardButton[];
  form?: CardForm;
};

export type OutboundMessage = { kind: 'text'; text: string } | { kind: 'card'; card: Card };

/** The synchronous answer to a card click: a toast and/or a replacement card. */
export type CardActionResult = {
  toast?: { kind: 'success' | 'info' | 'warning' | 'error'; text: string };
  card?: Card;
};

/** An adapter's outbound side, used by the outbox worker and nothing else. */
export interface MessengerClient {
  readonly platform: Platform;
  /** Sends to a chat or person; returns the platform message id. `replyTo` threads under a message where supported. */
  send(to: ConversationRef, message: OutboundMessage, opts?: { replyTo?: string; idempotencyKey?: string }): Promise<{ messageId: string }>;
  /** Replaces a sent card in place. */
  update(messageId: string, message: OutboundMessage): Promise<void>;
}

/** What the outbox stores for a messenger delivery (the `payload` column). */
export type MessengerPayload =
  | { kind: 'send'; to: ConversationRef; message: OutboundMessage; replyTo?: string; idempotencyKey?: string }
  | { kind: 'update'; messageId: string; message: OutboundMessage };

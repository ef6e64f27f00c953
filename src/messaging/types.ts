/**
 * The platform-neutral message model shared by the bot (src/bot) and the platform adapters
 * (src/platforms/*). Adapters turn platform payloads into these events and render these cards
 * into their own formats, after `adaptCard` has fitted a card to what the platform can show;
 * nothing here knows any platform's format or limits.
 */

/** A messenger platform's name: `feishu`, `wecom`, `console`, …. No shared enum: adding one changes nothing here. */
export type Platform = string;

/**
 * A person or a chat on a platform. Only the platform's adapter knows how to reach it (a Feishu
 * user by open_id, even one who never opened a chat with the bot; a WeCom chat through the smart
 * bot). `id` is the platform's own id.
 */
export type Address = { platform: Platform; kind: 'user' | 'chat'; id: string };

export type MessageEvent = {
  type: 'message';
  platform: Platform;
  /** Dedupe key in the inbox: the platform's message id. */
  eventId: string;
  /** Feishu tenant_key or WeCom corp id: which workspace this belongs to. */
  tenant: string;
  messageId: string;
  /** Where a reply goes: the chat the message came from (or the person, where the platform has no chat id). */
  conversation: Address;
  chatType: 'direct' | 'group';
  /** Platform user id of the author: Feishu open_id, WeCom userid. */
  senderId: string;
  /** The text with @-mention placeholders removed and whitespace trimmed. */
  text: string;
  /** In a group, whether the bot was @-mentioned (the bot only answers then). */
  mentionsBot: boolean;
  /** People @-mentioned in the text, other than the bot, where the platform says who (`/转 云帆 @李四`). */
  mentions?: { id: string; name: string }[];
  sentAt: Date;
};

export type CardActionEvent = {
  type: 'card_action';
  platform: Platform;
  eventId: string;
  tenant: string;
  /** Platform user id of whoever clicked: the only identity a handler may trust. */
  operatorId: string;
  action: CardAction;
  /** What the clicked control chose (a select's option, a picked person's id, a date `YYYY-MM-DD`), by control name. */
  values?: Record<string, string>;
  /** Values of a submitted form, by input name. */
  form?: Record<string, string>;
  /** Where the card is, when the platform says. */
  conversation?: Address;
  /** The card's message, when the platform gives one that a later update can address. */
  messageId?: string;
};

export type InboundEvent = MessageEvent | CardActionEvent;

/** What a control does: a handler name and string arguments, round-tripped through the platform. */
export type CardAction = { name: string; args: Record<string, string> };

export type CardButton = { label: string; style?: 'primary' | 'danger' | 'default'; action: CardAction };

export type CardInput = { name: string; label: string; value?: string; placeholder?: string; multiline?: boolean };

export type CardForm = {
  name: string;
  inputs: CardInput[];
  submitLabel: string;
  submit: CardAction;
  /** For platforms whose cards cannot hold inputs: how to make the same change by message. */
  fallbackText?: string;
  /**
   * For platforms whose cards cannot hold inputs: a button that stands in for the form, put first
   * among the card's buttons (已跟进 there asks for the note as the rep's next message).
   */
  fallbackButton?: CardButton;
};

export type CardOption = { label: string; value: string };

/**
 * A choice that calls its action with the chosen value under `name` (in `CardActionEvent.values`).
 * `submitLabel` names the button that sends the choice where the platform needs one.
 */
export type CardControl =
  | { kind: 'select'; name: string; placeholder: string; options: CardOption[]; initial?: string; submitLabel: string; action: CardAction }
  /** Only the given people can be picked; the value is the person's platform user id. */
  | { kind: 'person'; name: string; placeholder: string; people: { id: string; name: string }[]; submitLabel: string; action: CardAction }
  /** The value is `YYYY-MM-DD`; `choices` are the sensible dates offered where there is no calendar. */
  | { kind: 'date'; name: string; placeholder: string; initial?: string; choices: CardOption[]; submitLabel: string; action: CardAction };

/** One line of a section: a customer, a rep…, with its own facts, buttons and control. */
export type CardRow = { text: string; fields?: { label: string; value: string }[]; buttons?: CardButton[]; control?: CardControl };

export type CardSection = { title?: string; rows: CardRow[] };

/**
 * A small bar chart: for each category (a rep) one bar per series (this week, last week). Drawn
 * where the platform can (`Capabilities.charts`); elsewhere `adaptCard` writes it as text rows.
 */
export type CardChart = { title: string; categories: string[]; series: { name: string; values: number[] }[] };

export type Card = {
  title: string;
  /** Header colour: blue = info, green = done, orange = needs attention, red = problem, grey = spent. */
  tone: 'blue' | 'green' | 'orange' | 'red' | 'grey';
  /** People @-mentioned at the top of the card. */
  mentions?: { user: Address; name: string }[];
  /** Short label/value facts, shown as a compact list (two columns where the client can). */
  fields?: { label: string; value: string }[];
  /** Free text under the facts; plain text, newlines kept. */
  text?: string;
  sections?: CardSection[];
  /** Shown after the text, before the sections. */
  chart?: CardChart;
  controls?: CardControl[];
  /** Small grey lines at the bottom: hints, who did what. */
  notes?: string[];
  /** In the order shown. */
  buttons?: CardButton[];
  form?: CardForm;
};

/** What a platform's cards can hold; `adaptCard` fits every card to it. */
export type Capabilities = {
  /** Text inputs and forms. */
  inputs: boolean;
  /** Selects and pickers on one card (0: none). */
  controls: number;
  /** Options one select can offer. */
  maxOptions: number;
  /** Whether choosing an option calls back by itself (otherwise a submit button sends the choice). */
  controlsCallBack: boolean;
  /** A native person picker limited to given people (otherwise a select of those people). */
  personPicker: boolean;
  /** A native date picker (otherwise a select of sensible dates). */
  datePicker: boolean;
  /** Buttons on one card, counting submit buttons of controls. */
  maxButtons: number;
  /** Characters a button label shows before the platform cuts it. */
  maxLabel: number;
  /** Sections whose rows carry their own buttons and controls (otherwise rows become text lines). */
  sections: boolean;
  mentions: boolean;
  /** Draws a `CardChart` (otherwise it becomes text rows). */
  charts: boolean;
  /** Characters of free text one card shows; longer text goes on continuation cards (unset: no such limit). */
  maxText?: number;
  /** A sent card can be updated by its message id (otherwise only with a click's single-use code). */
  updateById: boolean;
};

export type OutboundMessage = { kind: 'text'; text: string } | { kind: 'card'; card: Card };

/** The answer to a card click: a toast and/or a replacement card. */
export type CardActionResult = {
  toast?: { kind: 'success' | 'info' | 'warning' | 'error'; text: string };
  card?: Card;
};

/** The platform's id of a sent message, for later updates (opaque outside its adapter). */
export type SentRef = string;

/** Rows a sent card shows, so later changes can update it (`follow_ups.card_message_id`, `reminders.message_ref`). */
export type CardLink = { kind: 'follow_up' | 'reminder'; id: number };

/** What the outbox stores for a messenger delivery (the `payload` column). */
export type MessengerPayload =
  | { kind: 'send'; to: Address; message: OutboundMessage; replyTo?: string; idempotencyKey?: string; link?: CardLink }
  /** `to`: where the card is, for what an update cannot carry (continuation cards on a small platform). */
  | { kind: 'update'; messageId: SentRef; message: OutboundMessage; to?: Address };

/** `feishu:chat:oc_1`: an address as one string (outbox targets, inbox conversations, rate limits). */
export function addressKey(address: Address): string {
  return `${address.platform}:${address.kind}:${address.id}`;
}

export const userAddress = (platform: Platform, id: string): Address => ({ platform, kind: 'user', id });
export const chatAddress = (platform: Platform, id: string): Address => ({ platform, kind: 'chat', id });

import type { Card, CardAction, OutboundMessage } from '../../messaging/types.js';

/**
 * Card → WeCom `template_card` of type `button_interaction` (the callback-capable type that fits
 * our cards): https://developer.work.weixin.qq.com/document/path/90236 . The card must already fit
 * WECOM_CAPABILITIES (`adaptCard`: no form, sections or mentions; one select; six buttons counting
 * the select's own); anything else is a bug and throws rather than losing an action. Facts past
 * the six WeCom shows become lines of the body; keys ≤ 1024 bytes, task_id ≤ 128 bytes.
 */
export type WecomTemplateCard = Record<string, unknown> & { card_type: string; task_id: string };

const STYLE: Record<NonNullable<NonNullable<Card['buttons']>[number]['style']>, number> = { primary: 1, default: 2, danger: 3 };
const MAX_FACTS = 6;
const MAX_BUTTONS = 6;
const MAX_KEY_BYTES = 1024;

/** Button keys carry the action as a query string: `a=fu.undo&id=42`. */
export function encodeButtonKey(action: CardAction): string {
  const key = new URLSearchParams({ a: action.name, ...action.args }).toString();
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new Error(`button key for ${action.name} exceeds ${MAX_KEY_BYTES} bytes`);
  return key;
}

export function decodeButtonKey(key: string): CardAction | null {
  const params = new URLSearchParams(key);
  const name = params.get('a');
  if (!name) return null;
  params.delete('a');
  return { name, args: Object.fromEntries(params) };
}

export function renderTemplateCard(card: Card, taskId: string): WecomTemplateCard {
  const select = card.controls?.[0];
  if (
    card.form ||
    card.sections?.length ||
    card.mentions?.length ||
    (card.controls?.length ?? 0) > 1 ||
    select?.kind === 'person' ||
    select?.kind === 'date'
  ) {
    throw new Error(`card "${card.title}" was not fitted to WeCom (adaptCard) before rendering`);
  }
  const fields = card.fields ?? [];
  const overflow = fields.slice(MAX_FACTS).map((f) => `${f.label}：${f.value}`);
  const body = [card.text, ...overflow, ...(card.notes ?? [])].filter(Boolean).join('\n');
  const buttons = [
    ...(select ? [{ label: select.submitLabel, style: 'primary' as const, action: select.action }] : []),
    ...(card.buttons ?? []),
  ];
  if (buttons.length > MAX_BUTTONS)
    throw new Error(`card "${card.title}" has ${buttons.length} buttons; WeCom shows ${MAX_BUTTONS} (adaptCard)`);
  const template: WecomTemplateCard = {
    card_type: buttons.length > 0 ? 'button_interaction' : 'text_notice',
    task_id: taskId,
    main_title: { title: truncate(card.title, 36) },
    ...(body ? { sub_title_text: truncate(body, 500) } : {}),
    horizontal_content_list: fields.slice(0, MAX_FACTS).map((f) => ({ keyname: truncate(f.label, 10), value: truncate(f.value, 30) })),
  };
  if (select) {
    template.button_selection = {
      question_key: select.name,
      title: truncate(select.placeholder, 13),
      option_list: select.options.map((o) => ({ id: o.value.slice(0, 128), text: truncate(o.label, 10) })),
      ...(select.initial ? { selected_id: select.initial } : {}),
    };
  }
  if (buttons.length > 0) {
    template.button_list = buttons.map((b) => ({
      text: truncate(b.label, 10),
      style: STYLE[b.style ?? 'default'],
      key: encodeButtonKey(b.action),
    }));
  } else {
    // text_notice needs a card action; opening nothing is not allowed, so point at the WeCom app home.
    template.card_action = { type: 1, url: 'https://work.weixin.qq.com' };
  }
  return template;
}

/** Task ids must be unique per app; the outbox row id or a follow-up id plus time makes them so. */
export function taskIdFor(seed: string): string {
  return `gj_${seed}`.replace(/[^0-9A-Za-z_\-@]/g, '_').slice(0, 128);
}

export function renderWecomMessage(
  message: OutboundMessage,
  taskSeed: string,
): { msgtype: 'text'; text: { content: string } } | { msgtype: 'template_card'; template_card: WecomTemplateCard } {
  if (message.kind === 'text') return { msgtype: 'text', text: { content: truncate(message.text, 2000) } };
  return { msgtype: 'template_card', template_card: renderTemplateCard(message.card, taskIdFor(taskSeed)) };
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

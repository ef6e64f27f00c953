import type { Card, CardAction, CardButton, CardChart, CardControl, CardRow, OutboundMessage } from '../../messaging/types.js';

/**
 * Card → Feishu card JSON 2.0 (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure).
 * Buttons call back with `value = { a: <action name>, ...<string args> }`, which decode.ts reads.
 * `update_multi: true` is required on both the old and the new card for in-place updates.
 * User text goes into plain_text elements or escaped markdown, so a note cannot inject links,
 * mentions or formatting.
 */
const TEMPLATE: Record<Card['tone'], string> = { blue: 'blue', green: 'green', orange: 'orange', red: 'red', grey: 'grey' };
const BUTTON_TYPE: Record<NonNullable<CardButton['style']>, string> = { primary: 'primary', danger: 'danger', default: 'default' };
/** Feishu refuses card bodies over 30 KB; long free text is cut well before that. */
const MAX_TEXT_CHARS = 3000;
const MAX_FIELD_CHARS = 300;

const plain = (content: string) => ({ tag: 'plain_text', content });
const cut = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

/**
 * Neutralises Feishu markdown in user text: emphasis, code, links and the HTML-like tags
 * (<at>, <font>, <a>) become character references, which the card shows as the plain characters.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[&*_~`[\]<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const callback = (action: CardAction) => [{ type: 'callback', value: { a: action.name, ...action.args } }];

function button(b: CardButton, extra: Record<string, unknown> = {}) {
  return {
    tag: 'button',
    text: plain(cut(b.label, 40)),
    type: BUTTON_TYPE[b.style ?? 'default'],
    width: 'default',
    behaviors: callback(b.action),
    ...extra,
  };
}

/** A select, person picker or date picker that calls back with its choice in `action.option`. */
function control(c: CardControl): Record<string, unknown> {
  const common = { name: c.name, placeholder: plain(cut(c.placeholder, 40)), width: 'fill', behaviors: callback(c.action) };
  if (c.kind === 'select') {
    return {
      tag: 'select_static',
      ...common,
      options: c.options.map((o) => ({ text: plain(cut(o.label, 60)), value: o.value })),
      ...(c.initial ? { initial_option: c.initial } : {}),
    };
  }
  // Only the given people can be picked.
  if (c.kind === 'person') return { tag: 'select_person', ...common, options: c.people.map((p) => ({ value: p.id })) };
  return { tag: 'date_picker', ...common, ...(c.initial ? { initial_date: c.initial } : {}) };
}

const buttonRow = (buttons: CardButton[]) => ({
  tag: 'column_set',
  flex_mode: 'flow',
  columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [button(b)] })),
});

/** A row: its text and facts, then its buttons and control, which wrap on a narrow screen. */
function row(r: CardRow): Record<string, unknown>[] {
  const facts = (r.fields ?? []).map((f) => `${escapeMarkdown(f.label)}：${escapeMarkdown(cut(f.value, MAX_FIELD_CHARS))}`).join(' · ');
  const out: Record<string, unknown>[] = [
    { tag: 'markdown', content: `${escapeMarkdown(cut(r.text, MAX_FIELD_CHARS))}${facts ? `\n<font color='grey'>${facts}</font>` : ''}` },
  ];
  if (r.buttons?.length) out.push(buttonRow(r.buttons));
  if (r.control) out.push(control(r.control));
  return out;
}

/**
 * The chart element of card JSON 2.0, a VChart bar spec
 * (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/chart):
 * horizontal bars, one per category and series, so names stay readable on a phone. Only plain
 * VChart properties (no textures or conical gradients, which mobile clients cannot draw).
 */
function chart(c: CardChart): Record<string, unknown> {
  const values = c.categories.flatMap((category, i) => c.series.map((s) => ({ category, series: s.name, value: s.values[i] ?? 0 })));
  return {
    tag: 'chart',
    // Taller than wide enough for one bar pair per rep: 2:1 up to 5 reps, then 4:3, then 1:1.
    aspect_ratio: c.categories.length <= 5 ? '2:1' : c.categories.length <= 10 ? '4:3' : '1:1',
    chart_spec: {
      type: 'bar',
      title: { text: c.title },
      data: [{ id: 'values', values }],
      direction: 'horizontal',
      xField: 'value',
      yField: ['category', 'series'],
      seriesField: 'series',
      legends: { visible: c.series.length > 1, orient: 'bottom' },
      label: { visible: true },
    },
  };
}

export function renderFeishuCard(card: Card): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  if (card.mentions?.length) {
    // Feishu mentions by open_id; the name is what Feishu shows in place of the tag.
    elements.push({
      tag: 'markdown',
      content: card.mentions
        .map((m) =>
          m.user.platform === 'feishu' && m.user.kind === 'user'
            ? `<at id=${m.user.id.replace(/[^A-Za-z0-9_-]/g, '')}></at>`
            : `@${escapeMarkdown(m.name)}`,
        )
        .join(' '),
    });
  }
  if (card.fields?.length) {
    elements.push({
      tag: 'markdown',
      content: card.fields.map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(cut(f.value, MAX_FIELD_CHARS))}`).join('\n'),
    });
  }
  if (card.text) elements.push({ tag: 'div', text: plain(cut(card.text, MAX_TEXT_CHARS)) });
  if (card.chart) elements.push(chart(card.chart));
  for (const section of card.sections ?? []) {
    elements.push({ tag: 'hr' });
    if (section.title) elements.push({ tag: 'markdown', content: `**${escapeMarkdown(section.title)}**` });
    for (const r of section.rows) elements.push(...row(r));
  }
  for (const c of card.controls ?? []) elements.push(control(c));
  if (card.form) {
    const form = card.form;
    elements.push({
      tag: 'form',
      name: form.name,
      elements: [
        ...form.inputs.map((input) => ({
          tag: 'input',
          name: input.name,
          label: plain(input.label),
          label_position: 'top',
          default_value: input.value ?? '',
          placeholder: plain(input.placeholder ?? ''),
          ...(input.multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
          max_length: 500,
        })),
        button({ label: form.submitLabel, style: 'primary', action: form.submit }, { name: 'submit', form_action_type: 'submit' }),
      ],
    });
  }
  if (card.buttons?.length) {
    // A flowing column set wraps the buttons on a narrow phone screen.
    elements.push(buttonRow(card.buttons));
  }
  if (card.notes?.length)
    elements.push({
      tag: 'markdown',
      content: card.notes.map((n) => `<font color='grey'>${escapeMarkdown(n)}</font>`).join('\n'),
      text_size: 'notation',
    });
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: { title: plain(cut(card.title, 100)), template: TEMPLATE[card.tone] },
    body: { elements },
  };
}

/** A message as the `msg_type` and `content` (a JSON string) of Feishu's send and reply APIs. */
export function renderFeishuMessage(message: OutboundMessage): { msg_type: 'interactive' | 'text'; content: string } {
  if (message.kind === 'text') return { msg_type: 'text', content: JSON.stringify({ text: cut(message.text, MAX_TEXT_CHARS) }) };
  return { msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(message.card)) };
}

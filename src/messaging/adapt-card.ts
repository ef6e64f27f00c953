import type { Capabilities, Card, CardButton, CardChart, CardControl, CardOption } from './types.js';

/**
 * Fits a card to what a platform can show, keeping every action reachable: what one card cannot
 * carry goes on continuation cards sent right after it, never dropped. Pure; renderers get only
 * cards that already fit, so they stay dumb.
 *
 * - mentions without support become `@name` text;
 * - a form without inputs becomes its current values and its by-message instructions and/or its
 *   stand-in button (a form with neither cannot be reached there, which is a bug in the card: it throws);
 * - sections without support become text lines, their rows' buttons and controls card-level ones,
 *   labelled with the row they belong to;
 * - person and date pickers without native support become selects (of the given people, of the
 *   sensible dates); a select with more options than allowed is split into several;
 * - a chart without support becomes text rows (a bar of blocks and the numbers), after the text;
 * - free text past `maxText` (less the notes, which share the body) moves, at line ends, to
 *   text-only cards right after the first;
 * - controls and buttons past the card's limits move to continuation cards.
 */
export function adaptCard(card: Card, caps: Capabilities): Card[] {
  const base: Card = { ...card };
  let text = card.text;
  const buttons: CardButton[] = [...(card.buttons ?? [])];
  const controls: CardControl[] = [...(card.controls ?? [])];

  if (base.mentions?.length && !caps.mentions) {
    text = join(base.mentions.map((m) => `@${m.name}`).join(' '), text);
    delete base.mentions;
  }
  if (base.form && !caps.inputs) {
    const form = base.form;
    if (!form.fallbackText && !form.fallbackButton)
      throw new Error(`card "${card.title}": form ${form.name} has no by-message fallback for a platform without inputs`);
    text = join(text, ...form.inputs.filter((i) => i.value).map((i) => `${i.label}：${i.value}`), form.fallbackText);
    if (form.fallbackButton) buttons.unshift(form.fallbackButton);
    delete base.form;
  }
  if (base.chart && !caps.charts) {
    text = join(text, chartRows(base.chart).join('\n'));
    delete base.chart;
  }
  if (base.sections?.length && !caps.sections) {
    const lines: string[] = [];
    for (const section of base.sections) {
      if (section.title) lines.push(`【${section.title}】`);
      for (const row of section.rows) {
        const facts = (row.fields ?? []).map((f) => `${f.label}：${f.value}`).join(' · ');
        lines.push(`· ${row.text}${facts ? ` · ${facts}` : ''}`);
        // The row's name goes in front, shortened so the verb itself still fits the platform's label.
        for (const b of row.buttons ?? [])
          buttons.push({ ...b, label: `${rowLabel(row.text, caps.maxLabel - [...b.label].length - 1)}·${b.label}` });
        if (row.control) controls.push({ ...row.control, placeholder: `${rowLabel(row.text, 8)}：${row.control.placeholder}` });
      }
    }
    text = join(text, lines.join('\n'));
    delete base.sections;
  }

  const fitted = controls.flatMap((c) => fitControl(c, caps));
  // The notes share the body with the text where the platform has one body (WeCom), so they count.
  const notesLength = [...(base.notes ?? []).join('\n')].length;
  const budget = caps.maxText ? Math.max(100, caps.maxText - (notesLength > 0 ? notesLength + 1 : 0)) : 0;
  const [firstText, ...moreText] = budget && text ? splitText(text, budget) : [text];
  const [first, ...rest] = pack({ ...base, text: firstText }, fitted, buttons, caps);
  const textCards = moreText.map((part): Card => ({ title: `${card.title}（续）`, tone: card.tone, text: part }));
  return [first!, ...textCards, ...rest];
}

/** Width of the longest bar in text rows: fits a phone screen beside a name and two numbers. */
const BAR_WIDTH = 10;

/** `张三 ▇▇▇▇▇▇▇▇ 12 · 上周 9`: one line per category, bars scaled to the largest first-series value. */
export function chartRows(chart: CardChart): string[] {
  const [main, ...others] = chart.series;
  const max = Math.max(1, ...(main?.values ?? [0]));
  const rows = chart.categories.map((category, i) => {
    const value = main?.values[i] ?? 0;
    const bar = value > 0 ? '▇'.repeat(Math.max(1, Math.round((value / max) * BAR_WIDTH))) : '▏';
    const rest = others.map((s) => ` · ${s.name} ${s.values[i] ?? 0}`).join('');
    return `${category} ${bar} ${value}${rest}`;
  });
  return [`【${chart.title}】${main ? `（${main.name}）` : ''}`, ...rows];
}

/** Cuts text into parts of at most `max` characters, at line ends where it can (a longer line is cut). */
function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces: string[] = [];
    const chars = [...line];
    for (let i = 0; i < chars.length || i === 0; i += max) pieces.push(chars.slice(i, i + max).join(''));
    for (const piece of pieces) {
      const candidate = current ? `${current}\n${piece}` : piece;
      if ([...candidate].length <= max) current = candidate;
      else {
        if (current) parts.push(current);
        current = piece;
      }
    }
  }
  if (current) parts.push(current);
  return parts.length > 0 ? parts : [text];
}

/** One control as the platform can take it: a native picker, or one or more selects. */
function fitControl(control: CardControl, caps: Capabilities): CardControl[] {
  if (control.kind === 'person' && caps.personPicker) return [control];
  if (control.kind === 'date' && caps.datePicker) return [control];
  if (caps.controls === 0) throw new Error(`a platform without controls cannot take ${control.kind} control ${control.name}`);
  const options: CardOption[] =
    control.kind === 'select'
      ? control.options
      : control.kind === 'person'
        ? control.people.map((p) => ({ label: p.name, value: p.id }))
        : control.choices;
  const initial = control.kind === 'person' ? undefined : control.initial;
  const chunks = chunk(options, Math.max(1, caps.maxOptions));
  return chunks.map((part, i) => ({
    kind: 'select' as const,
    name: control.name,
    placeholder: chunks.length > 1 ? `${control.placeholder} (${i + 1}/${chunks.length})` : control.placeholder,
    options: part,
    ...(initial !== undefined && part.some((o) => o.value === initial) ? { initial } : {}),
    submitLabel: control.submitLabel,
    action: control.action,
  }));
}

/** Puts controls and buttons on as few cards as the limits allow, in their order. */
function pack(first: Card, controls: CardControl[], buttons: CardButton[], caps: Capabilities): Card[] {
  const cards: Card[] = [];
  let current: Card = { ...first, controls: [], buttons: [] };
  const cost = (c: Card) => (c.buttons?.length ?? 0) + (caps.controlsCallBack ? 0 : (c.controls?.length ?? 0));
  const next = () => {
    cards.push(current);
    current = { title: `${first.title}（续）`, tone: first.tone, controls: [], buttons: [] };
  };
  for (const control of controls) {
    if ((current.controls?.length ?? 0) >= caps.controls || (!caps.controlsCallBack && cost(current) >= caps.maxButtons)) next();
    current.controls?.push(control);
  }
  for (const button of buttons) {
    if (cost(current) >= caps.maxButtons) next();
    current.buttons?.push(button);
  }
  cards.push(current);
  return cards.map(tidy);
}

/** Leaves out empty lists so a fitted card looks like one written by hand. */
function tidy(card: Card): Card {
  const out: Card = { ...card };
  if (!out.controls?.length) delete out.controls;
  if (!out.buttons?.length) delete out.buttons;
  if (!out.text) delete out.text;
  return out;
}

/** The first line of a row, at most `max` characters (at least 2, so a row stays recognisable). */
function rowLabel(text: string, max: number): string {
  const first = [...(text.split('\n')[0] ?? '')];
  const room = Math.max(2, Math.min(8, max));
  return first.length <= room ? first.join('') : `${first.slice(0, room - 1).join('')}…`;
}

function join(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => Boolean(p));
  return kept.length > 0 ? kept.join('\n') : undefined;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

import type { CustomerRecord } from '../../domain/customers/customers-repo.js';
import { writePoolCursor, type PoolFilter, type PoolPage } from '../../domain/ownership/list-pool.js';
import type { Card, CardAction, CardRow } from '../../messaging/types.js';
import { stageLabel, type Locale } from '../cards/i18n.js';
import { POOL_TEXT } from './text.js';

type CardContext = { locale: Locale; timeZone: string };

/**
 * Which page a pool card shows, carried by its buttons so a click can draw it again: the filter as
 * typed (`f`), the cursor the page starts after (`from`, empty for the first) and its number (`p`).
 */
export type PoolPageRef = { f: string; from: string; p: number };

/** `A类` / `Tier A`, or the tag as typed: how a filter is named on the card. */
export function filterLabel(filter: PoolFilter, locale: Locale): string {
  if ('tag' in filter) return filter.tag;
  return locale === 'zh-CN' ? `${filter.tier}类` : `Tier ${filter.tier}`;
}

/** `11月20日` / `Nov 20`, in the workspace zone. */
function formatDay(locale: Locale, at: Date, timeZone: string): string {
  if (locale === 'en') return new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric' }).format(at);
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone, month: 'numeric', day: 'numeric' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}月${get('day')}日`;
}

function customerRow(c: CustomerRecord, ref: PoolPageRef, ctx: CardContext): CardRow {
  const t = POOL_TEXT[ctx.locale];
  const claim: CardAction = { name: 'pool.claim', args: { id: String(c.id), f: ref.f, from: ref.from, p: String(ref.p) } };
  return {
    text: c.name,
    // Only the facts the customer has: on WeCom every row is one line of a 500-character body.
    fields: [
      ...(c.tier ? [{ label: t.tier, value: c.tier }] : []),
      ...(c.tags.length > 0 ? [{ label: t.tags, value: c.tags.join('、') }] : []),
      { label: t.stage, value: stageLabel(ctx.locale, c.stage) },
      { label: t.lastFollowUp, value: c.lastFollowUpAt ? formatDay(ctx.locale, c.lastFollowUpAt, ctx.timeZone) : t.never },
    ],
    buttons: [{ label: t.claim, style: 'primary', action: claim }],
  };
}

/**
 * `/公海`: one page of pool customers, a row each with its facts and `领取`, and `下一页` when more
 * follow. `notice` is a line on top after a click (`✅ 你已领取…`).
 */
export function poolCard(page: PoolPage, input: { filter: PoolFilter | null; ref: PoolPageRef; notice?: string }, ctx: CardContext): Card {
  const t = POOL_TEXT[ctx.locale];
  const { filter, ref } = input;
  const named = filter ? t.titleFiltered(filterLabel(filter, ctx.locale)) : t.title;
  const title = ref.p > 1 ? `${named} · ${t.page(ref.p)}` : named;
  if (page.customers.length === 0) {
    const empty = filter ? t.emptyFiltered(filterLabel(filter, ctx.locale)) : t.empty;
    return { title, tone: 'grey', text: input.notice ? `${input.notice}\n${empty}` : empty };
  }
  const card: Card = {
    title,
    tone: 'blue',
    sections: [{ rows: page.customers.map((c) => customerRow(c, ref, ctx)) }],
    notes: [t.hint],
  };
  if (input.notice) card.text = input.notice;
  if (page.next) {
    const args = { f: ref.f, from: writePoolCursor(page.next), p: String(ref.p + 1) };
    card.buttons = [{ label: t.nextPage, style: 'default', action: { name: 'pool.page', args } }];
  }
  return card;
}

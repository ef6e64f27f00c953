import type { Card } from '../../messaging/types.js';
import { formatDateTime, TEXT, type Locale } from './i18n.js';

type CardContext = { locale: Locale; timeZone: string };

export function helpCard(ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return { title: t.helpTitle, tone: 'blue', text: t.helpText, notes: [t.helpCommands] };
}

export type DueItemView = { customerName: string; nextFollowUpAt: Date; overdue: boolean; lastSummary: string | null };

/** `/我的`: what is due today and what is overdue, overdue first. */
export function mineCard(items: DueItemView[], ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  if (items.length === 0) return { title: t.mineTitle, tone: 'green', text: t.mineNone };
  const lines = items.map(
    (i) =>
      `${i.overdue ? `【${t.overdue}】` : `【${t.dueToday}】`}${i.customerName} · ${formatDateTime(ctx.locale, i.nextFollowUpAt, ctx.timeZone)}${i.lastSummary ? `\n   ${i.lastSummary}` : ''}`,
  );
  return { title: `${t.mineTitle} (${items.length})`, tone: items.some((i) => i.overdue) ? 'orange' : 'blue', text: lines.join('\n') };
}

import type { SummaryItem } from '../../domain/reminders/run-reminders.js';
import type { Card } from '../../messaging/types.js';
import { latenessText, type ReminderCardContext } from './reminder-card.js';
import { lateness } from '../../domain/reminders/lateness.js';
import { REMINDER_TEXT } from './text.js';

/** Names shown on the summary card before `…还有 N 个`. */
export const SUMMARY_NAMES = 5;

/** How late a summary item is, read the way its own card would say it. */
export function summaryLateness(item: SummaryItem, ctx: ReminderCardContext): string {
  const l =
    item.kind === 'due' && item.nextAt
      ? lateness({ kind: 'due', nextAt: item.nextAt }, ctx.now, ctx.timeZone)
      : lateness({ kind: 'quiet', since: item.lastAt ?? item.createdAt, never: item.lastAt === null }, ctx.now, ctx.timeZone);
  return latenessText(l, ctx.locale, ctx.timeZone);
}

/**
 * What did not get a card of its own this run (`还有 12 个客户待跟进`): the most overdue first
 * (`items` come sorted), a few names with how late each is, and `/我的` to see them all.
 */
export function summaryCard(items: readonly SummaryItem[], ctx: ReminderCardContext): Card {
  const t = REMINDER_TEXT[ctx.locale];
  const shown = items.slice(0, SUMMARY_NAMES).map((i) => `• ${i.name} · ${summaryLateness(i, ctx)}`);
  if (items.length > SUMMARY_NAMES) shown.push(t.summaryMore(items.length - SUMMARY_NAMES));
  return { title: t.summaryTitle(items.length), tone: 'orange', text: shown.join('\n'), notes: [t.summaryHint] };
}

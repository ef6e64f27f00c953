import type { SummaryItem } from '../../domain/reminders/run-reminders.js';
import type { Card } from '../../messaging/types.js';
import { latenessText, type ReminderCardContext } from './reminder-card.js';
import { lateness } from '../../domain/reminders/lateness.js';
import { REMINDER_TEXT } from './text.js';

/** How late a summary item is, read the way its own card would say it. */
export function summaryLateness(item: SummaryItem, ctx: ReminderCardContext): string {
  const l =
    item.kind === 'due' && item.nextAt
      ? lateness({ kind: 'due', nextAt: item.nextAt }, ctx.now, ctx.timeZone)
      : lateness({ kind: 'quiet', since: item.lastAt ?? item.createdAt ?? ctx.now, never: item.lastAt === null }, ctx.now, ctx.timeZone);
  return latenessText(l, ctx.locale, ctx.timeZone);
}

/**
 * What did not get a card of its own this run (`还有 12 个客户待跟进`, `total`): the few customers
 * it names (`items`, the most overdue first) with how late each is, and `/我的` to see them all.
 */
export function summaryCard(items: readonly SummaryItem[], total: number, ctx: ReminderCardContext): Card {
  const t = REMINDER_TEXT[ctx.locale];
  const shown = items.map((i) => `• ${i.name} · ${summaryLateness(i, ctx)}`);
  if (total > items.length) shown.push(t.summaryMore(total - items.length));
  return { title: t.summaryTitle(total), tone: 'orange', text: shown.join('\n'), notes: [t.summaryHint] };
}

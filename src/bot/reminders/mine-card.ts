import type { MineItem, MineList, MineSection } from '../../domain/reminders/list-mine.js';
import type { Card, CardRow, CardSection } from '../../messaging/types.js';
import { oneLine, shortDate } from './format.js';
import { latenessText, refOf, viewLateness, type ReminderCardContext } from './reminder-card.js';
import { reminderActions } from './reminder-controls.js';
import { REMINDER_TEXT } from './text.js';

/** Rows `/我的` lists with every action (rows with their own buttons and date picker). */
export const MINE_ROWS = 10;
/**
 * Rows where cards have no sections (WeCom): each row's buttons become card buttons there, six at
 * most per card, so each row keeps only 已跟进 and the list stays one card.
 */
export const MINE_ROWS_COMPACT = 6;

const ORDER: MineSection[] = ['overdue', 'due_today', 'quiet'];

/**
 * `/我的` · `/mine`: the asker's overdue, due-today and quiet customers, most urgent first, a
 * section each, a row per customer with how late it is and the reminder card's actions (no
 * reminder: `reminderId` null); the count of the rest when there are more. `compact`: for cards
 * without sections, each row keeps only 已跟进 (the other actions come with the reminder cards).
 */
export function mineCard(list: MineList, ctx: ReminderCardContext, opts: { compact: boolean }): Card {
  const t = REMINDER_TEXT[ctx.locale];
  if (list.total === 0) return { title: t.mineTitle, tone: 'green', text: t.mineNone };
  const shown = list.items.slice(0, opts.compact ? MINE_ROWS_COMPACT : MINE_ROWS);
  const title = { overdue: t.mineOverdue, due_today: t.mineDueToday, quiet: t.mineQuiet };
  const sections: CardSection[] = ORDER.flatMap((section) => {
    const rows = shown.filter((i) => i.section === section).map((i) => mineRow(i, ctx, opts.compact));
    return rows.length > 0 ? [{ title: title[section], rows }] : [];
  });
  const notes: string[] = [];
  if (list.total > shown.length) notes.push(t.mineRest(list.total - shown.length));
  return {
    title: `${t.mineTitle}（${list.total}）`,
    tone: shown.some((i) => i.section === 'overdue') ? 'orange' : 'blue',
    sections,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function mineRow(item: MineItem, ctx: ReminderCardContext, compact: boolean): CardRow {
  const { view } = item;
  const late = latenessText(viewLateness(view, item.kind, ctx.now, ctx.timeZone), ctx.locale, ctx.timeZone);
  const actions = reminderActions(refOf(view, null), ctx);
  const asks = actions.form.fallbackButton;
  const last = view.lastFollowUp;
  const t = REMINDER_TEXT[ctx.locale];
  const fields = [{ label: t.status, value: late }];
  if (last && !compact)
    fields.push({ label: t.lastFollowUp, value: `${shortDate(ctx.locale, last.at, ctx.timeZone)} ${oneLine(last.summary, 30)}` });
  // The name alone as the row's text: a platform without sections labels the row's buttons with it.
  return {
    text: view.customer.name,
    fields,
    buttons: compact ? (asks ? [asks] : []) : [...(asks ? [asks] : []), ...actions.buttons],
    ...(compact || !actions.controls[0] ? {} : { control: actions.controls[0] }),
  };
}

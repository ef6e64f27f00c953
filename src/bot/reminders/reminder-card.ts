import { lateness, type Lateness } from '../../domain/reminders/lateness.js';
import type { ReminderView } from '../../domain/reminders/reminder-view.js';
import type { Card } from '../../messaging/types.js';
import { formatAmount, stageLabel, type Locale } from '../cards/i18n.js';
import { oneLine, shortDate, shortDateTime, shortTime } from './format.js';
import { reminderActions, type ReminderRef } from './reminder-controls.js';
import { REMINDER_TEXT } from './text.js';

export type ReminderCardContext = { locale: Locale; timeZone: string; now: Date };

/** What the card reminds of: the customer is due (its next follow-up time came) or quiet. */
export type ReminderCardOptions = { kind: 'due' | 'quiet'; reminderId: number | null };

/** Overdue by more than this many days turns the card red. */
export const RED_AFTER_DAYS = 3;

/** How late the customer is, from the view as drawn: due by its next time, quiet by its baseline. */
export function viewLateness(view: ReminderView, kind: ReminderCardOptions['kind'], now: Date, timeZone: string): Lateness {
  const c = view.customer;
  if (kind === 'due' && c.nextFollowUpAt) return lateness({ kind: 'due', nextAt: c.nextFollowUpAt }, now, timeZone);
  return lateness({ kind: 'quiet', since: c.lastFollowUpAt ?? c.createdAt, never: c.lastFollowUpAt === null }, now, timeZone);
}

/** `今天 15:00 到期` · `已逾期 2 天` · `14 天未跟进`. */
export function latenessText(l: Lateness, locale: Locale, timeZone: string): string {
  const t = REMINDER_TEXT[locale];
  if (l.kind === 'due_today') return t.dueToday(shortTime(l.at, timeZone));
  if (l.kind === 'overdue') return t.overdue(l.days);
  return l.never ? t.quietNever(l.days) : t.quiet(l.days);
}

/** The buttons' reference to the customer's state as this card shows it. */
export function refOf(view: ReminderView, reminderId: number | null): ReminderRef {
  return { customerId: view.customer.id, reminderId, nextAt: view.customer.nextFollowUpAt, lastAt: view.customer.lastFollowUpAt };
}

/** Contact, stage, amount, last follow-up (date · who · one line), planned next step, lateness. */
export function reminderFields(view: ReminderView, ctx: ReminderCardContext, l: Lateness): { label: string; value: string }[] {
  const t = REMINDER_TEXT[ctx.locale];
  const c = view.customer;
  const fields: { label: string; value: string }[] = [];
  if (view.contact)
    fields.push({ label: t.contact, value: [view.contact.name, view.contact.title, view.contact.phone].filter(Boolean).join(' · ') });
  fields.push({ label: t.stage, value: stageLabel(ctx.locale, c.stage) });
  if (c.amount !== null) fields.push({ label: t.amount, value: formatAmount(c.amount, c.currency) });
  const f = view.lastFollowUp;
  fields.push({
    label: t.lastFollowUp,
    value: f ? [shortDate(ctx.locale, f.at, ctx.timeZone), f.authorName, oneLine(f.summary)].filter(Boolean).join(' · ') : t.never,
  });
  if (view.nextStep || c.nextFollowUpAt)
    fields.push({
      label: t.nextStep,
      value: [
        c.nextFollowUpAt ? shortDateTime(ctx.locale, c.nextFollowUpAt, ctx.timeZone) : null,
        view.nextStep ? oneLine(view.nextStep) : null,
      ]
        .filter(Boolean)
        .join(' · '),
    });
  fields.push({ label: t.status, value: latenessText(l, ctx.locale, ctx.timeZone) });
  return fields;
}

/**
 * The reminder card: the customer as title, its facts and how late it is, and the acting controls
 * (已跟进 with its note, 推迟1天, 推迟1周, 转交, 改期). Orange; red when overdue more than
 * `RED_AFTER_DAYS` days.
 */
export function reminderCard(view: ReminderView, ctx: ReminderCardContext, opts: ReminderCardOptions): Card {
  const l = viewLateness(view, opts.kind, ctx.now, ctx.timeZone);
  return {
    title: view.customer.name,
    tone: l.kind === 'overdue' && l.days > RED_AFTER_DAYS ? 'red' : 'orange',
    fields: reminderFields(view, ctx, l),
    ...fewerDates(reminderActions(refOf(view, opts.reminderId), ctx)),
  };
}

/**
 * Dates 改期 offers where there is no calendar. WeCom's select holds ten options and its cards
 * one select: with the fourteen of `reminderActions`, adaptCard splits the select in two and the
 * card's buttons (已跟进 first) land on the continuation card; ten keep everything on one card.
 */
export const DATE_CHOICES = 10;

function fewerDates<T extends { controls: Card['controls'] }>(actions: T): T {
  return {
    ...actions,
    controls: actions.controls?.map((c) => (c.kind === 'date' ? { ...c, choices: c.choices.slice(0, DATE_CHOICES) } : c)),
  };
}

/**
 * The same card once acted on: grey, no controls, and a note line saying what was done, by whom
 * and when (`actedNote`). The facts are those of `view`, so pass the view as it was drawn or as
 * it is now, whichever the card should show.
 */
export function actedReminderCard(view: ReminderView, ctx: ReminderCardContext, opts: ReminderCardOptions & { note: string }): Card {
  const l = viewLateness(view, opts.kind, ctx.now, ctx.timeZone);
  return { title: view.customer.name, tone: 'grey', fields: reminderFields(view, ctx, l), notes: [opts.note] };
}

/** What was done from a reminder card; `to` is the new time (postpone, reschedule) or the new owner's name (transfer). */
export type ActedAction =
  { action: 'done' } | { action: 'postponed' | 'rescheduled'; to: Date } | { action: 'transferred' | 'requested'; to: string };

/** `已推迟到 11月24日 09:00 · 王五 · 10:32`: what, by whom, at what time (in the zone). */
export function actedNote(a: ActedAction, by: string, at: Date, ctx: Pick<ReminderCardContext, 'locale' | 'timeZone'>): string {
  const t = REMINDER_TEXT[ctx.locale].acted;
  const what = (() => {
    switch (a.action) {
      case 'done':
        return t.done;
      case 'postponed':
      case 'rescheduled':
        return t[a.action](shortDateTime(ctx.locale, a.to, ctx.timeZone));
      case 'transferred':
      case 'requested':
        return t[a.action](a.to);
    }
  })();
  return [what, by, shortTime(at, ctx.timeZone)].join(' · ');
}

import type { Acted } from '../../domain/reminder-actions/acted-on.js';
import type { Refusal } from '../../domain/reminder-actions/reminder-actions-service.js';
import type { ReminderView } from '../../domain/reminders/reminder-view.js';
import type { Card, CardActionResult } from '../../messaging/types.js';
import { TEXT } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { REM_ACTION_TEXT } from './action-text.js';
import { shortDateTime } from './format.js';
import type { ReminderRef } from './reminder-controls.js';
import { actedNote, actedReminderCard, type ActedAction } from './reminder-card.js';
import { REMINDER_TEXT } from './text.js';

export const toast = (kind: 'success' | 'info' | 'warning' | 'error', text: string): CardActionResult => ({ toast: { kind, text } });

/** Which lateness a card of these times shows: due while the next follow-up is not yet handled (as the scan reads it), else quiet. */
export const kindOf = (times: { nextAt: Date | null; lastAt: Date | null }) =>
  times.nextAt && (!times.lastAt || times.lastAt < times.nextAt) ? ('due' as const) : ('quiet' as const);

/** The view with the times the card was drawn from, so its lateness reads as it did when it was sent. */
const asDrawn = (view: ReminderView, ref: ReminderRef): ReminderView => ({
  ...view,
  customer: { ...view.customer, nextFollowUpAt: ref.nextAt, lastFollowUpAt: ref.lastAt },
});

/** Who acted, as a card names them. */
export const actorName = (actor: ActorContext) => actor.user.name ?? TEXT[actor.locale].someone;

/**
 * The card in its acted state: the customer as it is now, its lateness as the card showed it, and
 * what was done, by whom, when. Null on `/我的` (no reminder): a row's answer is a toast, so the
 * list the rep is working through stays as it is.
 */
export async function actedCard(
  deps: BotDeps,
  actor: ActorContext,
  ref: ReminderRef,
  what: ActedAction,
  by: string,
  at: Date,
): Promise<Card | null> {
  if (ref.reminderId === null) return null;
  const view = await deps.reminderActions.view(actor.workspaceId, ref.customerId);
  return view ? drawActed(view, { ...ref, reminderId: ref.reminderId }, actor, { what, by, at, now: deps.clock.now() }) : null;
}

/**
 * The reminder card 已跟进 was pressed on (WeCom), in its acted state for the note the rep sends
 * next: drawn from the customer as it stands before the note, like the card was; null when the
 * customer is gone.
 */
export async function doneByNoteCard(
  deps: BotDeps,
  actor: ActorContext,
  customerId: number,
  reminderId: number,
  at: Date,
): Promise<Card | null> {
  const view = await deps.reminderActions.view(actor.workspaceId, customerId);
  if (!view) return null;
  const ref = { customerId, reminderId, nextAt: view.customer.nextFollowUpAt, lastAt: view.customer.lastFollowUpAt };
  return drawActed(view, ref, actor, { what: { action: 'done' }, by: actorName(actor), at, now: at });
}

function drawActed(
  view: ReminderView,
  ref: ReminderRef & { reminderId: number },
  actor: ActorContext,
  acted: { what: ActedAction; by: string; at: Date; now: Date },
): Card {
  const ctx = { locale: actor.locale, timeZone: actor.timeZone, now: acted.now };
  const note = actedNote(acted.what, acted.by, acted.at, ctx);
  return actedReminderCard(asDrawn(view, ref), ctx, { kind: kindOf(ref), reminderId: ref.reminderId, note });
}

/** What the stored action was, in the card's words; null when the reminder was closed without one. */
function actedAction(acted: Acted): ActedAction | null {
  switch (acted.action) {
    case 'note':
      return { action: 'done' };
    case 'postpone_1d':
    case 'postpone_7d':
      return acted.until ? { action: 'postponed', to: acted.until } : null;
    case 'reschedule':
      return acted.until ? { action: 'rescheduled', to: acted.until } : null;
    case 'transfer':
      return { action: 'transferred', to: acted.toName ?? '?' };
    case 'transfer_request':
      return { action: 'requested', to: acted.toName ?? '?' };
    default:
      return null;
  }
}

/** A refused click: a toast; a spent card also says who spent it, when and how, and shows its acted state. */
export async function refused(deps: BotDeps, actor: ActorContext, ref: ReminderRef, refusal: Refusal): Promise<CardActionResult> {
  const r = REM_ACTION_TEXT[actor.locale];
  if (refusal.kind === 'not_found') return toast('error', r.notFound);
  if (refusal.kind === 'forbidden') return toast('error', r.forbidden);
  const acted = refusal.acted;
  const what = acted && actedAction(acted);
  if (!acted || !what || !acted.at) return toast('info', r.spentUnknown);
  const by = acted.by ?? TEXT[actor.locale].someone;
  const card = await actedCard(deps, actor, ref, what, by, acted.at);
  const text = r.spent(actedText(actor, what), by, shortDateTime(actor.locale, acted.at, actor.timeZone));
  return { toast: { kind: 'info', text }, ...(card ? { card } : {}) };
}

/** `已跟进`, `已推迟到 11月24日 09:00`, `已转交给 李四`: what was done, in the workspace zone. */
export function actedText(actor: ActorContext, what: ActedAction): string {
  const t = REMINDER_TEXT[actor.locale].acted;
  switch (what.action) {
    case 'done':
      return t.done;
    case 'postponed':
    case 'rescheduled':
      return t[what.action](shortDateTime(actor.locale, what.to, actor.timeZone));
    default:
      return t[what.action](what.to);
  }
}

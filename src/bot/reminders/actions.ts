import { z } from 'zod';
import type { Card, CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { TEXT } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { REM_ACTION_TEXT } from './action-text.js';
import { actedCard, actedText, actorName, kindOf, refused, toast } from './answers.js';
import { readReminderRef, REMINDER_ACTION, reminderRefSchema, type ReminderRef } from './reminder-controls.js';
import { reminderCard } from './reminder-card.js';
import { transferAction } from './transfer.js';

/** 已跟进 with the note typed on the card (Feishu, the console): logged against this customer, never asking which one. */
const note = defineAction({
  name: REMINDER_ACTION.note,
  args: reminderRefSchema,
  async run(deps, actor, args, event) {
    const ref = readReminderRef(args);
    const text = (event.form?.note ?? '').trim();
    if (!text) return toast('warning', REM_ACTION_TEXT[actor.locale].noteEmpty);
    const now = deps.clock.now();
    const draft = await deps.extractor.extract(text, {
      now,
      timeZone: actor.timeZone,
      knownCustomers: await deps.customers.known(actor.workspaceId, actor.user.id),
      defaultHour: deps.config.reminders.defaultHour,
    });
    // The click's event id is the note's source: a redelivered click finds its note instead of logging it twice.
    const result = await deps.reminderActions.logNote({ actor: actor.user, ref, text, draft, sourceId: event.eventId, occurredAt: now });
    if (result.kind !== 'saved') return refused(deps, actor, ref, result);
    const card = await actedCard(deps, actor, ref, { action: 'done' }, actorName(actor), now);
    const id = String(result.followUp.id);
    const t = TEXT[actor.locale];
    // The note can still be corrected or undone from the card, like any logged note.
    const buttons = [
      { label: t.edit, style: 'default' as const, action: { name: 'fu.edit', args: { id } } },
      { label: t.undo, style: 'danger' as const, action: { name: 'fu.undo', args: { id } } },
    ];
    return { toast: { kind: 'success', text: t.saved }, ...(card ? { card: { ...card, buttons } } : {}) };
  },
});

/** 已跟进 where cards have no inputs (WeCom), and on the rows of `/我的`: the rep's next message is the note. */
const askNote = defineAction({
  name: REMINDER_ACTION.askNote,
  args: reminderRefSchema,
  async run(deps, actor, args) {
    const ref = readReminderRef(args);
    const result = await deps.reminderActions.askNote({ actor: actor.user, ref });
    if (result.kind !== 'asked') return refused(deps, actor, ref, result);
    const text = REM_ACTION_TEXT[actor.locale].askNote;
    const card = await askingCard(deps, actor, ref, text);
    return { toast: { kind: 'info', text }, ...(card ? { card } : {}) };
  },
});

/**
 * The reminder card again, still live, saying what to do next: where a click's answer is the card
 * (WeCom), the toast alone would not show. Not on `/我的`, whose list stays as it is.
 */
async function askingCard(deps: BotDeps, actor: ActorContext, ref: ReminderRef, text: string): Promise<Card | null> {
  if (ref.reminderId === null) return null;
  const view = await deps.reminderActions.view(actor.workspaceId, ref.customerId);
  if (!view) return null;
  const ctx = { locale: actor.locale, timeZone: actor.timeZone, now: deps.clock.now() };
  const card = reminderCard(view, ctx, { kind: kindOf(ref), reminderId: ref.reminderId });
  return { ...card, notes: [...(card.notes ?? []), text] };
}

/** 推迟1天 / 推迟1周: `d` days from today at the planned time of day. */
const postpone = defineAction({
  name: REMINDER_ACTION.postpone,
  args: reminderRefSchema.extend({ d: z.enum(['1', '7']) }),
  run: (deps, actor, args) => moveNext(deps, actor, readReminderRef(args), { days: Number(args.d) }),
});

/** 改期: the picked date (`YYYY-MM-DD`) at the planned time of day; a date before today is refused. */
const reschedule = defineAction({
  name: REMINDER_ACTION.reschedule,
  args: reminderRefSchema.extend({ date: z.string().max(32).optional() }),
  run: (deps, actor, args) =>
    args.date
      ? moveNext(deps, actor, readReminderRef(args), { date: args.date })
      : Promise.resolve(toast('warning', REM_ACTION_TEXT[actor.locale].pickDate)),
});

async function moveNext(
  deps: BotDeps,
  actor: ActorContext,
  ref: ReminderRef,
  to: { days: number } | { date: string },
): Promise<CardActionResult> {
  const r = REM_ACTION_TEXT[actor.locale];
  const result = await deps.reminderActions.postpone({ actor: actor.user, ref, to, timeZone: actor.timeZone });
  if (result.kind === 'past_date') return toast('error', r.pastDate);
  if (result.kind === 'bad_date') return toast('warning', r.pickDate);
  if (result.kind !== 'postponed') return refused(deps, actor, ref, result);
  const what = { action: 'date' in to ? ('rescheduled' as const) : ('postponed' as const), to: result.until };
  const card = await actedCard(deps, actor, ref, what, actorName(actor), deps.clock.now());
  return { toast: { kind: 'success', text: actedText(actor, what) }, ...(card ? { card } : {}) };
}

/** The reminder card's buttons (also on `/我的` rows, pool warnings and escalations): rem.note, rem.ask_note, rem.postpone, rem.reschedule, rem.transfer. */
export const reminderCardActions: CardActionDef[] = [note, askNote, postpone, reschedule, transferAction];

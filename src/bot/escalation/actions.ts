import { z } from 'zod';
import type { EscalationActResult } from '../../domain/escalation/escalation-acts.js';
import type { EscalationView } from '../../domain/escalation/escalation-view.js';
import type { CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import type { ActorContext, BotDeps } from '../context.js';
import { reassignCustomer } from '../ownership/actions.js';
import { toPerson } from '../ownership/notices.js';
import { actedLine, ESCALATION_ACTION, escalationCard } from './cards.js';
import { ESC_TEXT } from './text.js';

const args = z.object({ e: z.coerce.number().int().positive() });
const toast = (kind: 'success' | 'info' | 'warning' | 'error', text: string): CardActionResult => ({ toast: { kind, text } });
const nameOf = (u: { name: string | null; platformUserId: string } | null, fallback: string) =>
  u ? (u.name ?? u.platformUserId) : fallback;

/** Every answer but success: a refusal leaves the card as it was; a spent act redraws it with who did what. */
function refused(deps: BotDeps, actor: ActorContext, result: Exclude<EscalationActResult, { kind: 'done' }>): CardActionResult {
  const e = ESC_TEXT[actor.locale];
  switch (result.kind) {
    case 'forbidden':
      return toast('error', e.forbidden);
    case 'not_found':
      return toast('error', e.notFound);
    case 'stale':
      return { ...toast('info', e.inPool), card: escalationCard(result.view, actor, deps.config.reminders.escalateAfterDays) };
    case 'already':
      return {
        ...toast('info', e.already(actedLine(result.view, actor) ?? '')),
        card: escalationCard(result.view, actor, deps.config.reminders.escalateAfterDays),
      };
  }
}

const done = (deps: BotDeps, actor: ActorContext, view: EscalationView, text: string): CardActionResult => ({
  toast: { kind: 'success', text },
  card: escalationCard(view, actor, deps.config.reminders.escalateAfterDays),
});

/** 提醒TA: the owner gets a message naming the manager and the customer, with the hint to /我的. */
const nudge = defineAction({
  name: ESCALATION_ACTION.nudge,
  args,
  async run(deps, actor, a) {
    const e = ESC_TEXT[actor.locale];
    const result = await deps.escalations.nudge({
      actor: actor.user,
      reminderId: a.e,
      timeZone: actor.timeZone,
      outbound: (view) =>
        view.owner
          ? [
              toPerson(actor, view.owner, `esc:${view.reminderId}:nudge`, {
                kind: 'text',
                text: ESC_TEXT[actor.locale].nudgeText(nameOf(actor.user, e.someone), view.customer.name, view.overdueDays),
              }),
            ]
          : [],
    });
    if (result.kind !== 'done') return refused(deps, actor, result);
    return done(deps, actor, result.view, e.nudgedToast(nameOf(result.view.owner, e.someone)));
  },
});

/** 放入公海: a manager of the team or an admin puts the customer back in the pool now; the owner is told. */
const release = defineAction({
  name: ESCALATION_ACTION.release,
  args,
  async run(deps, actor, a) {
    const e = ESC_TEXT[actor.locale];
    const result = await deps.escalations.release({
      actor: actor.user,
      reminderId: a.e,
      timeZone: actor.timeZone,
      outbound: (view) =>
        view.owner && view.owner.id !== actor.user.id
          ? [
              toPerson(actor, view.owner, `esc:${view.reminderId}:released`, {
                kind: 'text',
                text: e.releasedText(nameOf(actor.user, e.someone), view.customer.name),
              }),
            ]
          : [],
    });
    if (result.kind !== 'done') return refused(deps, actor, result);
    return done(deps, actor, result.view, e.releasedToast);
  },
});

/**
 * The reassignment picker: the ownership service moves the customer (its checks, its notices to
 * the new and old owner), then the escalation records it and its card redraws.
 */
const reassign = defineAction({
  name: ESCALATION_ACTION.reassign,
  args: args.extend({ to: z.string().min(1).max(128).optional() }),
  async run(deps, actor, a) {
    const e = ESC_TEXT[actor.locale];
    const input = { actor: actor.user, reminderId: a.e, timeZone: actor.timeZone };
    const open = await deps.escalations.check(input, 'reassign');
    if (open.kind !== 'done') return refused(deps, actor, open);
    if (!a.to) return toast('warning', e.pickFirst);
    const moved = await reassignCustomer(deps, actor, {
      customerId: open.view.customer.id,
      to: { platformUserId: a.to },
      expectedOwnerId: open.view.customer.ownerUserId,
      source: 'card: escalation',
    });
    if (moved.result.kind !== 'moved') return moved.answer;
    const recorded = await deps.escalations.recordReassigned(input);
    // Moved either way; when another act was recorded in between, its card says so.
    const view = recorded.kind === 'done' || recorded.kind === 'already' || recorded.kind === 'stale' ? recorded.view : open.view;
    return done(deps, actor, view, e.reassignedToast(nameOf(moved.result.to, e.someone)));
  },
});

export const escalationActions: CardActionDef[] = [nudge, release, reassign];

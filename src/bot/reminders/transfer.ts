import { z } from 'zod';
import type { UserBrief } from '../../domain/ownership/ownership-service.js';
import { CardSpentMeanwhile } from '../../domain/reminder-actions/reminder-actions-service.js';
import type { Card, CardActionResult } from '../../messaging/types.js';
import { defineAction } from '../actions/action-table.js';
import { TEXT } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { reassignCustomer, requestCustomer } from '../ownership/actions.js';
import { nameOf } from '../ownership/notices.js';
import { OWN_TEXT } from '../ownership/text.js';
import { REM_ACTION_TEXT } from './action-text.js';
import { actedCard, kindOf, refused, toast } from './answers.js';
import { readReminderRef, REMINDER_ACTION, reminderArgs, reminderRefSchema, type ReminderRef } from './reminder-controls.js';
import { actedReminderCard } from './reminder-card.js';

const args = reminderRefSchema.extend({
  /** The picked colleague's platform user id (`event.values.to`). */
  to: z.string().min(1).max(128).optional(),
  /** Set by the picker: the owner when it was drawn ('' for the pool), so a pick after a move is stale. */
  f: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
});

/**
 * 转交: first the picker (the ownership flow's people: whom a manager may reassign to, or the
 * colleagues a rep may ask for), then the pick: a manager or admin reassigns directly, anyone else
 * sends a request; the ownership service checks and refuses as it does everywhere. A pick that
 * went through spends the card (`transfer` / `transfer_request`).
 */
export const transferAction = defineAction({
  name: REMINDER_ACTION.transfer,
  args,
  async run(deps, actor, a) {
    const ref = readReminderRef(a);
    const check = await deps.reminderActions.checkTransfer({ actor: actor.user, ref });
    if (check.kind !== 'ok') return refused(deps, actor, ref, check);
    const access = await deps.ownership.viewOf(actor.user, ref.customerId);
    if (!access) return toast('error', REM_ACTION_TEXT[actor.locale].notFound);
    if (!a.to) {
      if (a.f !== undefined) return toast('warning', OWN_TEXT[actor.locale].pickFirst);
      return picker(deps, actor, ref, access);
    }
    const picked = { platformUserId: a.to };
    // The card is spent in the move's (the request's) own transaction: both commit, or neither.
    const within = (action: 'transfer' | 'transfer_request') => deps.reminderActions.spendOnTransfer({ actor: actor.user, ref, action });
    try {
      if (access.mayReassign) {
        const expectedOwnerId = a.f === undefined ? undefined : a.f === '' ? null : a.f;
        const { result, answer } = await reassignCustomer(deps, actor, {
          customerId: ref.customerId,
          to: picked,
          expectedOwnerId,
          source: 'card',
          within: within('transfer'),
        });
        return result.kind === 'moved' && result.to ? spent(deps, actor, ref, 'transfer', result.to, answer) : answer;
      }
      const { result, answer } = await requestCustomer(deps, actor, {
        customerId: ref.customerId,
        to: picked,
        within: within('transfer_request'),
      });
      const to = result.kind === 'requested' || result.kind === 'already_requested' ? result.to : null;
      return to ? spent(deps, actor, ref, 'transfer_request', to, answer) : answer;
    } catch (err) {
      // Another click spent the card after the check: nothing moved; say who spent it.
      if (!(err instanceof CardSpentMeanwhile)) throw err;
      return refused(deps, actor, ref, { kind: 'spent', acted: await deps.reminderActions.actedOn(actor.workspaceId, ref) });
    }
  },
});

/** The card redrawn with the person picker the operator's role allows. */
async function picker(
  deps: BotDeps,
  actor: ActorContext,
  ref: ReminderRef,
  access: NonNullable<Awaited<ReturnType<BotDeps['ownership']['viewOf']>>>,
): Promise<CardActionResult> {
  const r = REM_ACTION_TEXT[actor.locale];
  const o = OWN_TEXT[actor.locale];
  const ownerId = access.customer.ownerUserId;
  const people: UserBrief[] = access.mayReassign
    ? (await deps.ownership.assignableUsers(actor.user)).filter((u) => u.id !== ownerId)
    : access.isOwner
      ? await deps.ownership.colleaguesOf(actor.user)
      : [];
  if (people.length === 0) return toast('info', r.noColleagues);
  const view = await deps.reminderActions.view(actor.workspaceId, ref.customerId);
  if (!view) return toast('error', r.notFound);
  const ctx = { locale: actor.locale, timeZone: actor.timeZone, now: deps.clock.now() };
  const base = actedReminderCard(view, ctx, {
    kind: kindOf(ref),
    reminderId: ref.reminderId,
    note: r.pickTransferHint,
  });
  const card: Card = {
    ...base,
    tone: 'orange',
    controls: [
      {
        kind: 'person',
        name: 'to',
        placeholder: access.mayReassign ? o.reassignPlaceholder : o.requestPlaceholder,
        people: people.map((u) => ({ id: u.platformUserId, name: nameOf(u, u.platformUserId) })),
        submitLabel: access.mayReassign ? o.reassign : o.requestTransfer,
        action: { name: REMINDER_ACTION.transfer, args: { ...reminderArgs(ref), f: ownerId === null ? '' : String(ownerId) } },
      },
    ],
  };
  return { card };
}

/** The move (or request) went through and spent the card with it: the card redrawn saying to whom. */
async function spent(
  deps: BotDeps,
  actor: ActorContext,
  ref: ReminderRef,
  action: 'transfer' | 'transfer_request',
  to: UserBrief,
  answer: CardActionResult,
): Promise<CardActionResult> {
  const what = {
    action: action === 'transfer' ? ('transferred' as const) : ('requested' as const),
    to: nameOf(to, TEXT[actor.locale].someone),
  };
  const card = await actedCard(deps, actor, ref, what, actor.user.name ?? TEXT[actor.locale].someone, deps.clock.now());
  return { ...answer, ...(card ? { card } : {}) };
}

import { z } from 'zod';
import type { MoveResult, RequestResult } from '../../domain/ownership/ownership-service.js';
import type { Card, CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { ownedByOtherCard } from '../cards/follow-up-cards.js';
import { TEXT } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { toFollowUpView } from '../follow-up-view.js';
import { decidedRequestCard } from './cards.js';
import { loadCustomerView } from './customer-view.js';
import { moveNotices, movedLine, nameOf, requestNotices, toPerson } from './notices.js';
import { formatMoment, OWN_TEXT } from './text.js';

const id = z.coerce.number().int().positive();
/** The picked person's platform user id (`event.values.to`); missing when a button was pressed before choosing. */
const picked = z.string().min(1).max(128).optional();

const toast = (kind: 'success' | 'info' | 'warning' | 'error', text: string): CardActionResult => ({ toast: { kind, text } });

/** Every refusal of a move or request as a toast; the card is left as it was (nothing changed). */
export function refusal(
  actor: ActorContext,
  result: Exclude<MoveResult | RequestResult, { kind: 'moved' | 'requested' }>,
): CardActionResult {
  const o = OWN_TEXT[actor.locale];
  switch (result.kind) {
    case 'not_found':
      return toast('error', o.customerNotFound);
    case 'forbidden':
      return toast('error', o.forbidden);
    case 'stale':
      return toast('info', o.stale(result.owner ? nameOf(result.owner, '?') : null));
    case 'already_requested':
      return toast('info', o.alreadyRequested(result.approvers.map((a) => nameOf(a, '?')).join('、')));
    case 'invalid_target': {
      const why = {
        not_found: o.targetNotFound,
        inactive: o.targetInactive,
        out_of_scope: o.targetOutOfScope,
        same_owner: o.sameOwner,
      } as const;
      return toast('error', why[result.why]);
    }
    default:
      return toast('error', o.forbidden);
  }
}

/** A manager's or admin's 转给TA: one tap moves the customer, if the server agrees. */
export async function reassignCustomer(
  deps: BotDeps,
  actor: ActorContext,
  input: {
    customerId: number;
    to: { platformUserId: string } | { id: number };
    expectedOwnerId?: number | null;
    source: string;
    /** Writes that commit with the move or not at all (the ownership service's `within`). */
    within?: Parameters<BotDeps['ownership']['reassign']>[0]['within'];
  },
): Promise<{ result: MoveResult; answer: CardActionResult }> {
  // Read before the move (a move changes no follow-up): the new owner's card shows the last five.
  const view = await loadCustomerView(deps, actor.workspaceId, input.customerId);
  const result = await deps.ownership.reassign({
    actor: actor.user,
    customerId: input.customerId,
    to: input.to,
    ...(input.expectedOwnerId !== undefined ? { expectedOwnerId: input.expectedOwnerId } : {}),
    source: input.source,
    ...(input.within ? { within: input.within } : {}),
    outbound: (moved) => moveNotices(actor, moved, view),
  });
  if (result.kind !== 'moved') return { result, answer: refusal(actor, result) };
  const o = OWN_TEXT[actor.locale];
  const card: Card = {
    title: result.customer.name,
    tone: 'green',
    fields: [{ label: TEXT[actor.locale].owner, value: nameOf(result.to, '?') }],
    notes: [movedLine(actor, result)],
  };
  return { result, answer: { toast: { kind: 'success', text: o.movedToast(nameOf(result.to, '?')) }, card } };
}

/** 申请转交: to a colleague (the owner asks) or to oneself (a colleague asks); the approvers get a card. */
export async function requestCustomer(
  deps: BotDeps,
  actor: ActorContext,
  input: {
    customerId: number;
    to: { platformUserId: string } | { id: number };
    /** Writes that commit with the request or not at all (the ownership service's `within`). */
    within?: Parameters<BotDeps['ownership']['requestTransfer']>[0]['within'];
  },
): Promise<{ result: RequestResult; answer: CardActionResult }> {
  const t = TEXT[actor.locale];
  const o = OWN_TEXT[actor.locale];
  const access = await deps.ownership.viewOf(actor.user, input.customerId);
  const from = access?.owner ? nameOf(access.owner, t.someone) : t.pool;
  const result = await deps.ownership.requestTransfer({
    actor: actor.user,
    customerId: input.customerId,
    to: input.to,
    ...(input.within ? { within: input.within } : {}),
    outbound: (r) =>
      requestNotices(actor, { requestId: r.requestId, customerName: r.customer.name, from, to: r.to, approvers: r.approvers }),
  });
  if (result.kind === 'invalid_target' && result.why === 'out_of_scope') return { result, answer: toast('error', o.noApprovers) };
  if (result.kind !== 'requested') return { result, answer: refusal(actor, result) };
  const approvers = result.approvers.map((a) => nameOf(a, t.someone)).join('、');
  const card: Card = {
    title: result.customer.name,
    tone: 'orange',
    fields: [{ label: t.owner, value: from }],
    notes: [o.requestPending(nameOf(result.to, t.someone), approvers)],
  };
  return { result, answer: { toast: { kind: 'success', text: o.requestSent(approvers) }, card } };
}

const reassign = defineAction({
  name: 'own.reassign',
  args: z.object({ c: id, f: z.union([z.literal(''), id]), to: picked }),
  async run(deps, actor, args) {
    if (!args.to) return toast('warning', OWN_TEXT[actor.locale].pickFirst);
    const expectedOwnerId = args.f === '' ? null : args.f;
    return (await reassignCustomer(deps, actor, { customerId: args.c, to: { platformUserId: args.to }, expectedOwnerId, source: 'card' }))
      .answer;
  },
});

const request = defineAction({
  name: 'own.request',
  args: z.object({ c: id, to: picked }),
  async run(deps, actor, args) {
    if (!args.to) return toast('warning', OWN_TEXT[actor.locale].pickFirst);
    return (await requestCustomer(deps, actor, { customerId: args.c, to: { platformUserId: args.to } })).answer;
  },
});

/** 申请转交 on the owned-by-other reply: the note's author asks for the customer to come to them. */
const requestMine = defineAction({
  name: 'own.request_mine',
  args: z.object({ id }),
  async run(deps, actor, args) {
    const t = TEXT[actor.locale];
    const loaded = await deps.followUps.loadWithCustomer(actor.workspaceId, args.id);
    if (!loaded || loaded.followUp.customerId === null) return toast('error', t.notFound);
    if (loaded.followUp.authorUserId !== actor.user.id) return toast('error', OWN_TEXT[actor.locale].notYourNote);
    const { result, answer } = await requestCustomer(deps, actor, { customerId: loaded.followUp.customerId, to: { id: actor.user.id } });
    if (result.kind !== 'requested' || !answer.card) return answer;
    // The reply card keeps its other choices (collaboration, undo); the request is spent.
    const access = await deps.ownership.viewOf(actor.user, loaded.followUp.customerId);
    const base = ownedByOtherCard(toFollowUpView(loaded.followUp, loaded.customerName), nameOf(access?.owner, t.someone), actor);
    const card: Card = {
      ...base,
      buttons: (base.buttons ?? []).filter((b) => b.action.name !== 'own.request_mine'),
      notes: answer.card.notes ?? [],
    };
    return { ...answer, card };
  },
});

const decide = defineAction({
  name: 'own.decide',
  args: z.object({ r: id, ok: z.enum(['0', '1']) }),
  async run(deps, actor, args) {
    const o = OWN_TEXT[actor.locale];
    const stored = await deps.ownership.requestOf(actor.workspaceId, args.r);
    const view = stored ? await loadCustomerView(deps, actor.workspaceId, stored.customerId) : null;
    const at = formatMoment(actor.locale, deps.clock.now(), actor.timeZone);
    const by = nameOf(actor.user, '?');
    const result = await deps.ownership.decideTransfer({
      actor: actor.user,
      requestId: args.r,
      approve: args.ok === '1',
      source: 'card',
      outbound: (d) => {
        const customer = d.kind === 'approved' ? d.move.customer : d.customer;
        const requester = d.requestedBy;
        if (d.kind === 'rejected') {
          return [toPerson(actor, requester, `own:req:${args.r}:rejected`, { kind: 'text', text: o.requestRejected(customer.name, by) })];
        }
        const to = d.move.to;
        const outcome = o.requestApproved(customer.name, nameOf(to, '?'), by);
        // The requester hears the outcome once: on the new owner's card when it came to them, else as a message.
        const notices = moveNotices(actor, d.move, view, {
          skip: [requester.id],
          ...(to?.id === requester.id ? { headline: outcome } : {}),
        });
        if (to?.id !== requester.id)
          notices.push(toPerson(actor, requester, `own:req:${args.r}:approved`, { kind: 'text', text: outcome }));
        return notices;
      },
    });
    const title = o.requestTitle(view?.name ?? stored?.customerId.toString() ?? '');
    switch (result.kind) {
      case 'approved':
        return {
          toast: { kind: 'success', text: o.approvedToast },
          card: decidedRequestCard(title, `${o.approvedLine(by, at)}\n${movedLine(actor, result.move)}`, 'green'),
        };
      case 'rejected':
        return { toast: { kind: 'success', text: o.rejectedToast }, card: decidedRequestCard(title, o.rejectedLine(by, at), 'grey') };
      case 'already_decided': {
        const text = o.alreadyDecided(o.status[result.status] ?? result.status);
        return { toast: { kind: 'info', text }, card: decidedRequestCard(title, text, 'grey') };
      }
      case 'stale': {
        const text = o.requestStale(result.owner ? nameOf(result.owner, '?') : null);
        return { toast: { kind: 'info', text }, card: decidedRequestCard(title, text, 'grey') };
      }
      default:
        return refusal(actor, result);
    }
  },
});

/** Ownership from chat: reassign (managers, admins), request a transfer (owner, or a note's author), decide a request. */
export const ownershipActions: CardActionDef[] = [reassign, request, requestMine, decide];

import type { OutboundEnvelope } from '../../delivery/outbox.js';
import type { MoveResult, UserBrief } from '../../domain/ownership/ownership-service.js';
import { addressKey, userAddress, type OutboundMessage } from '../../messaging/types.js';
import type { ActorContext } from '../context.js';
import { fullCustomerCard, transferRequestCard, type CustomerCardView } from './cards.js';
import { formatMoment, OWN_TEXT } from './text.js';

type Moved = Extract<MoveResult, { kind: 'moved' }>;

export const nameOf = (u: Pick<UserBrief, 'name' | 'platformUserId'> | null | undefined, fallback: string) =>
  u ? (u.name ?? u.platformUserId) : fallback;

/** A message to one person's own chat with the bot (`userAddress`), kept once per key. */
export function toPerson(actor: ActorContext, person: UserBrief, dedupeKey: string, message: OutboundMessage): OutboundEnvelope {
  const to = userAddress(actor.platform, person.platformUserId);
  return { target: addressKey(to), workspaceId: actor.workspaceId, dedupeKey, payload: { kind: 'send', to, message } };
}

/** `已由 王经理 转给 李四 · 11月25日 10:02`. */
export function movedLine(actor: ActorContext, move: Moved): string {
  const o = OWN_TEXT[actor.locale];
  return o.movedLine(nameOf(actor.user, '?'), nameOf(move.to, '?'), formatMoment(actor.locale, move.at, actor.timeZone));
}

/**
 * Who hears of a move: the new owner gets the customer's card with its last five follow-ups; the
 * old owner is told, unless they made the move or are told otherwise (`skip`: a requester who
 * hears the outcome of their request).
 */
export function moveNotices(
  actor: ActorContext,
  move: Moved,
  view: CustomerCardView | null,
  opts: { skip?: number[]; headline?: string } = {},
): OutboundEnvelope[] {
  const o = OWN_TEXT[actor.locale];
  const by = nameOf(actor.user, '?');
  const key = `own:${move.customer.id}:${move.at.getTime()}`;
  const out: OutboundEnvelope[] = [];
  const skip = new Set([actor.user.id, ...(opts.skip ?? [])]);
  if (move.to && view) {
    const card = fullCustomerCard({ ...view, ownerId: move.to.id, ownerName: nameOf(move.to, '?') }, actor, {
      notes: [opts.headline ?? o.movedToYou(by, move.customer.name), movedLine(actor, move)],
    });
    if (move.to.id !== actor.user.id) out.push(toPerson(actor, move.to, `${key}:new`, { kind: 'card', card }));
  }
  if (move.from && move.from.id !== move.to?.id && !skip.has(move.from.id)) {
    out.push(toPerson(actor, move.from, `${key}:old`, { kind: 'text', text: o.movedAway(by, move.customer.name, nameOf(move.to, '?')) }));
  }
  return out;
}

/** The request card, to each approver. */
export function requestNotices(
  actor: ActorContext,
  request: { requestId: number; customerName: string; from: string; to: UserBrief; approvers: UserBrief[] },
): OutboundEnvelope[] {
  const card = transferRequestCard(
    {
      requestId: request.requestId,
      customerName: request.customerName,
      requester: nameOf(actor.user, '?'),
      from: request.from,
      to: nameOf(request.to, '?'),
    },
    actor,
  );
  return request.approvers.map((a) => toPerson(actor, a, `own:req:${request.requestId}:${a.id}`, { kind: 'card', card }));
}

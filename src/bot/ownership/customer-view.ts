import type { CustomerRecord } from '../../domain/customers/customers-repo.js';
import type { Card } from '../../messaging/types.js';
import type { ActorContext, BotDeps } from '../context.js';
import { fullCustomerCard, limitedCustomerCard, type CustomerCardView } from './cards.js';

/** The card view of a customer with its last five follow-ups (read outside any move: a move changes no follow-up). */
export async function loadCustomerView(deps: BotDeps, workspaceId: number, customerId: number): Promise<CustomerCardView | null> {
  const overview = await deps.followUps.customerOverview(workspaceId, customerId);
  if (!overview) return null;
  return toCustomerView(overview.customer, overview.ownerName, overview.followUps);
}

export function toCustomerView(
  customer: CustomerRecord,
  ownerName: string | null,
  followUps: (CustomerCardView['followUps'][number] & { nextStep?: string | null })[] = [],
): CustomerCardView {
  return {
    id: customer.id,
    name: customer.name,
    ownerId: customer.ownerUserId,
    ownerName: customer.ownerUserId === null ? null : ownerName,
    stage: customer.stage,
    amount: customer.amount,
    currency: customer.currency,
    nextFollowUpAt: customer.nextFollowUpAt,
    nextStep: followUps[0]?.nextStep ?? null,
    followUps: followUps.map((f) => ({ occurredAt: f.occurredAt, summary: f.summary, authorName: f.authorName })),
  };
}

/**
 * The customer card as this operator may see it, here: the limited view for a colleague's
 * customer and for any card in a group chat (everyone there reads it); otherwise every field,
 * the last five follow-ups and the picker the operator's role allows (a manager's 转给TA, the
 * owner's 申请转交). Null when the workspace has no such customer.
 */
export async function customerCardFor(
  deps: BotDeps,
  actor: ActorContext,
  customerId: number,
  opts: { group: boolean; notes?: string[] },
): Promise<Card | null> {
  const access = await deps.ownership.viewOf(actor.user, customerId);
  if (!access || access.access === 'none') return null;
  const ownerName = access.owner ? (access.owner.name ?? access.owner.platformUserId) : null;
  if (opts.group || access.access === 'limited') {
    return limitedCustomerCard(toCustomerView(access.customer, ownerName), actor, { group: opts.group });
  }
  const view = await loadCustomerView(deps, actor.workspaceId, customerId);
  if (!view) return null;
  const controls = access.mayReassign
    ? { reassignTo: await deps.ownership.assignableUsers(actor.user) }
    : access.isOwner
      ? { requestTo: await deps.ownership.colleaguesOf(actor.user) }
      : {};
  return fullCustomerCard(view, actor, { ...controls, ...(opts.notes ? { notes: opts.notes } : {}) });
}

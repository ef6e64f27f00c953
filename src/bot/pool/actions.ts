import { z } from 'zod';
import type { OutboundEnvelope } from '../../delivery/outbox.js';
import { readPoolCursor, readPoolFilter } from '../../domain/ownership/list-pool.js';
import type { MoveResult } from '../../domain/ownership/ownership-service.js';
import { addressKey, userAddress, type CardActionEvent, type CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { formatDateTime } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { fullCustomerCard } from '../ownership/cards.js';
import { toCustomerView } from '../ownership/customer-view.js';
import { poolCard, type PoolPageRef } from './cards.js';
import { POOL_TEXT } from './text.js';

/** Rows on one pool card (the issue: 10 per card). */
export const POOL_PAGE_SIZE = 10;

const pageArgs = {
  f: z.string().max(50).default(''),
  from: z.string().max(40).default(''),
  p: z.coerce.number().int().positive().max(10_000).default(1),
};

/** The pool card for a page, drawn from the database as it is now. */
export async function drawPoolPage(deps: BotDeps, actor: ActorContext, ref: PoolPageRef, notice?: string) {
  const filter = readPoolFilter(ref.f);
  const page = await deps.pool.list({ workspaceId: actor.workspaceId, filter, after: readPoolCursor(ref.from), limit: POOL_PAGE_SIZE });
  return poolCard(page, { filter, ref, ...(notice ? { notice } : {}) }, actor);
}

/** 下一页: the card becomes the next page. */
const page = defineAction({
  name: 'pool.page',
  args: z.object(pageArgs),
  run: async (deps, actor, args) => ({ card: await drawPoolPage(deps, actor, args) }),
});

/**
 * 领取: `ownership.claim` decides (locked, limited per day, cooldown after a release); the card is
 * drawn again as the pool now is, and the winner gets the customer's card.
 */
const claim = defineAction({
  name: 'pool.claim',
  args: z.object({ id: z.coerce.number().int().positive(), ...pageArgs }),
  async run(deps, actor, args, event) {
    // Read before the claim: the customer's card is enqueued in the claim's own transaction.
    const overview = await deps.followUps.customerOverview(actor.workspaceId, args.id);
    const result = await deps.ownership.claim({
      actor: actor.user,
      customerId: args.id,
      source: 'card',
      outbound: (moved) => (overview ? [customerCardFor(actor, { ...overview, customer: moved.customer }, event)] : []),
    });
    return answerClaim(deps, actor, args, event, result);
  },
});

async function answerClaim(
  deps: BotDeps,
  actor: ActorContext,
  ref: PoolPageRef,
  event: CardActionEvent,
  result: MoveResult,
): Promise<CardActionResult> {
  const t = POOL_TEXT[actor.locale];
  const redraw = (notice?: string) => drawPoolPage(deps, actor, ref, notice);
  switch (result.kind) {
    case 'moved': {
      const notice = t.claimedLine(result.customer.name, formatDateTime(actor.locale, result.at, actor.timeZone));
      return { toast: { kind: 'success', text: t.claimed(result.customer.name) }, card: await redraw(notice) };
    }
    case 'stale': {
      if (result.owner?.id === actor.user.id) {
        // A repeated click (or this click run again): the card is sent once, under the click's key.
        await resendCustomerCard(deps, actor, result.customer.id, event);
        return { toast: { kind: 'info', text: t.alreadyYours(result.customer.name) }, card: await redraw() };
      }
      const owner = result.owner?.name ?? result.owner?.platformUserId ?? t.someone;
      return { toast: { kind: 'warning', text: t.takenBy(result.customer.name, owner) }, card: await redraw() };
    }
    case 'limit_reached':
      return { toast: { kind: 'warning', text: t.limitReached(result.limit) } };
    case 'cooldown':
      return { toast: { kind: 'warning', text: t.cooldown(formatDateTime(actor.locale, result.until, actor.timeZone)) } };
    case 'forbidden':
      return { toast: { kind: 'error', text: t.cannotClaim } };
    case 'not_found':
    case 'invalid_target':
      return { toast: { kind: 'error', text: t.customerGone }, card: await redraw() };
    default: {
      const never: never = result;
      return never;
    }
  }
}

type Overview = NonNullable<Awaited<ReturnType<BotDeps['followUps']['customerOverview']>>>;

/**
 * The claimed customer's card, to the rep directly (a pool list in a group shows no details); one
 * per click. The same card a new owner gets after a reassignment: the customer is theirs now.
 */
function customerCardFor(actor: ActorContext, overview: Overview, event: CardActionEvent): OutboundEnvelope {
  const to = userAddress(actor.platform, actor.user.platformUserId);
  const owned = { ...overview.customer, ownerUserId: actor.user.id };
  const card = fullCustomerCard(toCustomerView(owned, actor.user.name ?? actor.user.platformUserId, overview.followUps), actor);
  return {
    target: addressKey(to),
    workspaceId: actor.workspaceId,
    dedupeKey: `pool-claim:${event.platform}:${event.eventId}`.slice(0, 191),
    payload: { kind: 'send', to, message: { kind: 'card', card } },
  };
}

/** Sent again under the click's key: a click run again after its claim committed gets the card once. */
async function resendCustomerCard(deps: BotDeps, actor: ActorContext, customerId: number, event: CardActionEvent): Promise<void> {
  const overview = await deps.followUps.customerOverview(actor.workspaceId, customerId);
  if (overview) await deps.outbox.enqueue(customerCardFor(actor, overview, event));
}

/** The pool card's buttons: claim a customer, turn to the next page. */
export const poolActions: CardActionDef[] = [claim, page];

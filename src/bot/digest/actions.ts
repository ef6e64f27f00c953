import { z } from 'zod';
import { adaptCard } from '../../messaging/adapt-card.js';
import type { CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { reassignCustomer } from '../ownership/actions.js';
import { OWN_TEXT } from '../ownership/text.js';
import { DIGEST_REASSIGN, digestCard } from './card.js';
import { DIGEST_TEXT } from './text.js';

const id = z.coerce.number().int().positive();
const toast = (kind: 'success' | 'info' | 'warning' | 'error', text: string): CardActionResult => ({ toast: { kind, text } });

/**
 * 转派 on a digest's at-risk row: only a manager of the digest's team or an admin, only to an
 * active member of that team, through the ownership service's reassignment (which checks again
 * and refuses a stale card). After a move the card is redrawn from the stored figures with the
 * customers' current owners.
 */
const reassignFromDigest = defineAction({
  name: DIGEST_REASSIGN,
  args: z.object({ d: id, c: id, f: id, to: z.string().min(1).max(128).optional() }),
  async run(deps, actor, args) {
    const t = DIGEST_TEXT[actor.locale];
    const digest = await deps.digest.stored(actor.workspaceId, args.d);
    if (!digest) return toast('error', t.digestGone);
    const user = actor.user;
    const allowed = user.role === 'admin' || (user.role === 'manager' && digest.teamId !== null && user.teamId === digest.teamId);
    if (!allowed) return toast('error', t.notAllowed);
    if (!args.to) return toast('warning', OWN_TEXT[actor.locale].pickFirst);
    if (!digest.figures.atRisk.some((r) => r.customerId === args.c)) return toast('error', t.notInDigest);
    if (!digest.figures.people.some((p) => p.platformUserId === args.to)) return toast('error', t.notInTeam);
    const { result, answer } = await reassignCustomer(deps, actor, {
      customerId: args.c,
      to: { platformUserId: args.to },
      expectedOwnerId: args.f,
      source: 'digest',
    });
    if (result.kind !== 'moved') return answer;
    const owners = await deps.digest.owners(
      actor.workspaceId,
      digest.figures.atRisk.map((r) => r.customerId),
    );
    const card = digestCard(digest.figures, {
      locale: actor.locale,
      timeZone: actor.timeZone,
      scope: 'weekly',
      digestId: args.d,
      owners,
    });
    // Where the digest spans several cards (WeCom: one picker per card), the clicked card is one
    // customer's picker: it becomes that customer's moved card instead of the whole digest again.
    const caps = deps.capabilities?.(actor.platform);
    if (caps && adaptCard(card, caps).length > 1) return answer;
    return { toast: answer.toast, card };
  },
});

export const digestActions: CardActionDef[] = [reassignFromDigest];

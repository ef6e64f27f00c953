import { z } from 'zod';
import type { CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { handoverRunningCard } from './cards.js';
import { HANDOVER_TEXT } from './text.js';

const fail = (text: string): CardActionResult => ({ toast: { kind: 'error', text } });

/**
 * `确认交接` / `确认交接并停用`: the manager who asked confirms once; the handover job then moves
 * the customers in batches and sends the final card. The operator is the platform's, never the card's.
 */
const confirm = defineAction({
  name: 'ho.confirm',
  args: z.object({ id: z.coerce.number().int().positive(), deactivate: z.enum(['0', '1']).default('0') }),
  async run(deps, actor, args) {
    const h = HANDOVER_TEXT[actor.locale];
    const result = await deps.handover.confirm({
      actor: actor.user,
      handoverId: args.id,
      deactivate: args.deactivate === '1',
      source: 'card',
    });
    switch (result.kind) {
      case 'confirmed':
        return { toast: { kind: 'success', text: h.confirmedToast }, card: handoverRunningCard(result, actor.user, actor.locale) };
      case 'already': {
        const status = result.status === 'done' ? h.statusDone : result.status === 'cancelled' ? h.statusCancelled : h.statusRunning;
        return { toast: { kind: 'info', text: h.alreadyToast(status) } };
      }
      case 'not_requester':
        return fail(h.notRequester(result.requestedBy ? (result.requestedBy.name ?? result.requestedBy.platformUserId) : h.someone));
      case 'not_found':
        return fail(h.notFound);
      case 'forbidden':
        return fail(h.forbidden);
      case 'invalid_target': {
        const name = result.to ? (result.to.name ?? result.to.platformUserId) : '?';
        return fail(result.why === 'same_owner' ? h.sameOwner : result.why === 'inactive' ? h.inactive(name) : h.outOfScope(name));
      }
      case 'no_recipients':
        return fail(h.noRecipients);
      case 'busy':
        return fail(h.busy);
      default: {
        const never: never = result;
        return never;
      }
    }
  },
});

/** The handover card's buttons. */
export const handoverActions: CardActionDef[] = [confirm];

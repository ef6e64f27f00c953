import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { reminders, users } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { lockCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import { changeOwner } from '../ownership/change-owner.js';
import type { UserBrief } from '../ownership/ownership-service.js';
import { mayReassign } from '../ownership/scope.js';
import type { UserRecord } from '../users/users-service.js';

export type PoolReleaseResult =
  | { kind: 'released'; customer: CustomerRecord; at: Date }
  /** Something was already done from this warning: what, by whom, when. */
  | { kind: 'already'; action: string; by: UserBrief | null; at: Date }
  /** The customer is no longer this owner's (in the pool already, or moved). */
  | { kind: 'stale'; customer: CustomerRecord }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/**
 * 释放 on a pool warning: the owner (or someone who manages them) puts the customer back in the
 * pool now. The warning row is locked and marked in the same transaction as the move, so a second
 * click (or a click on a warning whose customer was followed up, moved or recycled) changes nothing.
 */
export function createPoolWarningActs(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async release(input: {
      actor: UserRecord;
      reminderId: number;
      outbound?: (r: { customer: CustomerRecord; at: Date }) => OutboundEnvelope[];
    }): Promise<PoolReleaseResult> {
      return runTransaction(db, async (tx): Promise<PoolReleaseResult> => {
        const { actor } = input;
        const [row] = await tx
          .select()
          .from(reminders)
          .where(and(eq(reminders.workspaceId, actor.workspaceId), eq(reminders.id, input.reminderId), eq(reminders.kind, 'pool_warning')))
          .for('update')
          .limit(1);
        if (!row) return { kind: 'not_found' };
        const customer = await lockCustomer(tx, actor.workspaceId, row.customerId);
        if (!customer) return { kind: 'not_found' };
        // What was done from this card first: whoever clicks a spent card hears it.
        if (row.action && row.actedAt) {
          const [by] = row.actedByUserId === null ? [] : await tx.select().from(users).where(eq(users.id, row.actedByUserId)).limit(1);
          return {
            kind: 'already',
            action: row.action,
            by: by ? { id: by.id, platformUserId: by.platformUserId, name: by.name } : null,
            at: row.actedAt,
          };
        }
        if (customer.ownerUserId === null) return { kind: 'stale', customer };
        const [owner] = await tx.select().from(users).where(eq(users.id, customer.ownerUserId)).limit(1);
        if (customer.ownerUserId !== actor.id && !mayReassign(actor, customer, owner ?? null)) return { kind: 'forbidden' };
        const now = clock.now();
        const moved = await changeOwner(tx, {
          customer,
          to: null,
          reason: 'release',
          actorUserId: actor.id,
          actorRef: actor.ref,
          source: 'card: pool warning',
          now,
        });
        await tx
          .update(reminders)
          .set({ action: 'release', actedByUserId: actor.id, actedAt: now, status: 'done', updatedAt: now })
          .where(eq(reminders.id, row.id));
        for (const message of input.outbound?.({ customer: moved, at: now }) ?? []) await enqueue(tx, message, now);
        return { kind: 'released', customer: moved, at: now };
      });
    },
  };
}

export type PoolWarningActs = ReturnType<typeof createPoolWarningActs>;

import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { assignments, auditLog, customers, reminders, type ASSIGNMENT_REASONS } from '../../db/schema/index.js';
import type { CustomerRecord } from '../customers/customers-repo.js';
import { writeAuditEntry } from '../audit/write-audit.js';

export type OwnerChange = {
  customer: CustomerRecord;
  /** The new owner (null: the public pool) and their team. */
  to: { id: number; teamId: number | null } | null;
  reason: (typeof ASSIGNMENT_REASONS)[number];
  /** The acting user's id (null for jobs) and ref for the audit log (`feishu:ou_x`, `cli`, `system:pool`). */
  actorUserId: number | null;
  actorRef: string;
  source: string;
  now: Date;
};

/**
 * The owner's own reminders that are still open. An escalation belongs to the manager it went to
 * and keeps its recipient and state when the customer moves (its buttons say what became of it).
 */
const OPEN_OWNER_REMINDER = and(
  inArray(reminders.kind, ['due', 'quiet', 'pool_warning']),
  inArray(reminders.status, ['pending', 'sent', 'snoozed']),
);

/**
 * The writes of one change of owner, inside the caller's transaction, on a customer row the caller
 * has locked and checked: the owner (and its team), the customer's open reminders (moved to the new
 * owner, or cancelled when it goes to the pool), an `assignments` row and an `audit_log` row.
 * Every path that moves a customer (reassign, request approval, claim, release, handover, pool
 * recycling) goes through here, so none forgets a step.
 */
export async function changeOwner(tx: Tx, change: OwnerChange): Promise<CustomerRecord> {
  const { customer, to, now } = change;
  const next = {
    ownerUserId: to?.id ?? null,
    teamId: to ? (to.teamId ?? customer.teamId) : customer.teamId,
    pooledAt: to ? null : now,
    // The name cache reads what changed by updated_at: an owner change must show there.
    updatedAt: now,
  };
  await tx.update(customers).set(next).where(eq(customers.id, customer.id));
  const open = and(eq(reminders.customerId, customer.id), OPEN_OWNER_REMINDER);
  if (to) await tx.update(reminders).set({ userId: to.id, updatedAt: now }).where(open);
  else await tx.update(reminders).set({ status: 'cancelled', updatedAt: now }).where(open);
  await tx.insert(assignments).values({
    workspaceId: customer.workspaceId,
    customerId: customer.id,
    fromUserId: customer.ownerUserId,
    toUserId: next.ownerUserId,
    reason: change.reason,
    actorUserId: change.actorUserId,
    createdAt: now,
  });
  await writeAuditEntry(tx, {
    workspaceId: customer.workspaceId,
    actor: change.actorRef,
    action: `customer.${change.reason}`,
    subjectType: 'customer',
    subjectId: customer.id,
    before: { ownerUserId: customer.ownerUserId, teamId: customer.teamId },
    after: { ownerUserId: next.ownerUserId, teamId: next.teamId },
    source: change.source,
    now,
  });
  return { ...customer, ...next };
}

/**
 * `changeOwner` to the pool for many customers at once (the pool job's recycling): the same rows
 * (owner null and `pooled_at`, open reminders cancelled, one `assignments` and one `audit_log` row
 * each) in a few statements, inside the caller's transaction, on rows the caller has locked and
 * checked. The team is kept, as a single release keeps it.
 */
export async function moveToPool(
  tx: Tx,
  moved: Pick<CustomerRecord, 'id' | 'workspaceId' | 'ownerUserId' | 'teamId'>[],
  change: Omit<OwnerChange, 'customer' | 'to'>,
): Promise<void> {
  if (moved.length === 0) return;
  const { now } = change;
  const ids = moved.map((c) => c.id);
  await tx.update(customers).set({ ownerUserId: null, pooledAt: now, updatedAt: now }).where(inArray(customers.id, ids));
  await tx
    .update(reminders)
    .set({ status: 'cancelled', updatedAt: now })
    .where(and(inArray(reminders.customerId, ids), OPEN_OWNER_REMINDER));
  await tx.insert(assignments).values(
    moved.map((c) => ({
      workspaceId: c.workspaceId,
      customerId: c.id,
      fromUserId: c.ownerUserId,
      toUserId: null,
      reason: change.reason,
      actorUserId: change.actorUserId,
      createdAt: now,
    })),
  );
  // The rows writeAuditEntry writes, one statement for the batch.
  await tx.insert(auditLog).values(
    moved.map((c) => ({
      workspaceId: c.workspaceId,
      actor: change.actorRef.slice(0, 160),
      action: `customer.${change.reason}`,
      subjectType: 'customer',
      subjectId: String(c.id),
      before: { ownerUserId: c.ownerUserId, teamId: c.teamId },
      after: { ownerUserId: null, teamId: c.teamId },
      source: change.source.slice(0, 160),
      createdAt: now,
    })),
  );
}

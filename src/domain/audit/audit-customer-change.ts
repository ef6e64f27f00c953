import type { Tx } from '../../db/client.js';
import type { CustomerRecord } from '../customers/customers-repo.js';
import { writeAuditEntry, type AuditEntry } from './write-audit.js';

type Audited = Pick<CustomerRecord, 'stage' | 'amount' | 'currency'>;

/**
 * The audited fields (stage, amount with its currency) that differ between two states of a
 * customer, as `{ before, after }` holding only those fields; null when none changed. Pure.
 */
export function customerFieldChanges(before: Audited, after: Audited): { before: Partial<Audited>; after: Partial<Audited> } | null {
  const changed: { before: Partial<Audited>; after: Partial<Audited> } = { before: {}, after: {} };
  if (before.stage !== after.stage) {
    changed.before.stage = before.stage;
    changed.after.stage = after.stage;
  }
  if (before.amount !== after.amount || (before.amount !== null && before.currency !== after.currency)) {
    changed.before.amount = before.amount;
    changed.after.amount = after.amount;
    if (before.currency !== after.currency) {
      changed.before.currency = before.currency;
      changed.after.currency = after.currency;
    }
  }
  return Object.keys(changed.after).length > 0 ? changed : null;
}

/**
 * Records, in the caller's transaction, what a note, an edit or an undo did to a customer's stage
 * and amount: one `customer.update` row with the changed fields before and after, or a
 * `customer.delete` row when an undo removed the customer its note had created. Nothing when
 * neither changed. Owner changes are audited by `changeOwner`.
 */
export async function auditCustomerChange(
  tx: Tx,
  change: { before: CustomerRecord; after: CustomerRecord | null; actor: string; source: string; now: Date },
): Promise<void> {
  const entry = customerChangeEntry(change);
  if (entry) await writeAuditEntry(tx, entry);
}

/** The audit row `auditCustomerChange` writes, or null when it writes none; pure, to batch with other rows. */
export function customerChangeEntry(change: {
  before: CustomerRecord;
  after: CustomerRecord | null;
  actor: string;
  source: string;
  now: Date;
}): AuditEntry | null {
  const { before, after } = change;
  const base = { workspaceId: before.workspaceId, actor: change.actor, subjectType: 'customer' as const, subjectId: before.id };
  if (!after) {
    return {
      ...base,
      action: 'customer.delete',
      before: { name: before.name, stage: before.stage, amount: before.amount, currency: before.currency },
      after: null,
      source: change.source,
      now: change.now,
    };
  }
  const changed = customerFieldChanges(before, after);
  if (!changed) return null;
  return { ...base, action: 'customer.update', ...changed, source: change.source, now: change.now };
}

import type { Tx } from '../../db/client.js';
import { assignments, customers } from '../../db/schema/index.js';
import type { UserRecord } from '../users/users-service.js';
import { findCustomerByName, lockCustomer, lockCustomerByNormalizedName, type CustomerRecord } from './customers-repo.js';
import { normalizeCustomerName } from './normalize-name.js';

/**
 * Finds or creates the customer a note names and returns it locked (`FOR UPDATE`) for the rest
 * of the transaction; null when the name normalizes to nothing. A new customer is returned bare
 * (no tier, no tags), as the undo snapshot of the note that created it holds it; the note's own
 * changes are applied by the caller, or written with the INSERT (`changes`, returned as
 * `applied`). A customer created here is not read back.
 *
 * Must run in a READ COMMITTED transaction (see `runTransaction`): under REPEATABLE READ a plain
 * read after the INSERT IGNORE could not see the row a concurrent transaction committed. When
 * several transactions create one name at once, the losers hold shared locks from the duplicate
 * check and InnoDB may end all but one with a deadlock; `runTransaction` retries those, and on
 * the retry the row exists and is simply locked.
 */
export async function ensureCustomer(
  tx: Tx,
  input: {
    workspaceId: number;
    author: UserRecord;
    name: string;
    now: Date;
    /**
     * What the note changes on the customer, given the bare row: written with the INSERT of a new
     * customer (then returned as `applied`) instead of an UPDATE after it. Not used for a customer
     * that exists already.
     */
    changes?: (bare: CustomerRecord) => Partial<CustomerRecord>;
  },
): Promise<{ customer: CustomerRecord; created: boolean; applied?: CustomerRecord } | null> {
  const { workspaceId, author, now } = input;
  const normalizedName = normalizeCustomerName(input.name);
  if (!normalizedName) return null;
  const known = await findCustomerByName(tx, workspaceId, input.name);
  const locked = known && (await lockCustomer(tx, workspaceId, known.id));
  if (locked) return { customer: locked, created: false };
  const values = {
    workspaceId,
    name: input.name.slice(0, 200),
    normalizedName,
    tags: [],
    ownerUserId: author.id,
    teamId: author.teamId,
    createdAt: now,
    updatedAt: now,
  };
  // The row as inserted bare (the schema's defaults for the rest); the id comes with the INSERT.
  const bare: CustomerRecord = {
    ...values,
    id: 0,
    tier: null,
    stage: 'lead',
    amount: null,
    currency: 'CNY',
    lastFollowUpAt: null,
    nextFollowUpAt: null,
    pooledAt: null,
    phone: null,
    email: null,
  };
  const changes = input.changes?.(bare) ?? {};
  const [result] = await tx
    .insert(customers)
    .ignore()
    .values({ ...values, ...changes });
  if (result.affectedRows !== 1) {
    // Created by another transaction since the lookup above: take theirs, locked.
    const customer = await lockCustomerByNormalizedName(tx, workspaceId, normalizedName);
    if (!customer) throw new Error('customer vanished after insert');
    return { customer, created: false };
  }
  await tx.insert(assignments).values({
    workspaceId,
    customerId: result.insertId,
    fromUserId: null,
    toUserId: author.id,
    reason: 'create',
    actorUserId: author.id,
    createdAt: now,
  });
  // Not read back: the insert locked the row, and it holds what was written.
  const customer = { ...bare, id: result.insertId };
  return input.changes ? { customer, created: true, applied: { ...customer, ...changes } } : { customer, created: true };
}

import type { Tx } from '../../db/client.js';
import { assignments, customers } from '../../db/schema/index.js';
import type { UserRecord } from '../users/users-service.js';
import { findCustomerByName, lockCustomer, lockCustomerByNormalizedName, type CustomerRecord } from './customers-repo.js';
import { normalizeCustomerName } from './normalize-name.js';

/**
 * Finds or creates the customer a note names and returns it locked (`FOR UPDATE`) for the rest
 * of the transaction; null when the name normalizes to nothing. The row is created bare (no tier,
 * no tags): the follow-up's own changes are applied by `confirm`, so its undo snapshot holds them.
 * A customer created here is returned as inserted, not read back.
 *
 * Must run in a READ COMMITTED transaction (see `runTransaction`): under REPEATABLE READ a plain
 * read after the INSERT IGNORE could not see the row a concurrent transaction committed. When
 * several transactions create one name at once, the losers hold shared locks from the duplicate
 * check and InnoDB may end all but one with a deadlock; `runTransaction` retries those, and on
 * the retry the row exists and is simply locked.
 */
export async function ensureCustomer(
  tx: Tx,
  input: { workspaceId: number; author: UserRecord; name: string; now: Date },
): Promise<{ customer: CustomerRecord; created: boolean } | null> {
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
  const [result] = await tx.insert(customers).ignore().values(values);
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
  // The row as inserted (the schema's defaults for the rest), not read back: the insert locked it.
  const customer: CustomerRecord = {
    ...values,
    id: result.insertId,
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
  return { customer, created: true };
}

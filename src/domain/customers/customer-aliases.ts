import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customerAliases, customers } from '../../db/schema/index.js';
import { getCustomer } from './customers-repo.js';
import { normalizeCustomerName } from './normalize-name.js';

export type AddAliasResult =
  | { kind: 'added' }
  /** The customer already goes by this name (its own name or an alias). */
  | { kind: 'exists' }
  /** Another customer of the workspace has this name or alias. */
  | { kind: 'taken'; customerId: number }
  | { kind: 'not_found' }
  /** The alias normalizes to nothing (punctuation only). */
  | { kind: 'invalid' };

/**
 * Records another name a customer goes by (`ICBC` for 中国工商银行), unique per workspace by its
 * normalized form, and sets the customer's `updated_at` so every replica's name cache picks the
 * alias up with its next delta. Pass a transaction to make both writes one change.
 */
export async function addCustomerAlias(
  db: DbOrTx,
  input: { workspaceId: number; customerId: number; alias: string; now: Date },
): Promise<AddAliasResult> {
  const { workspaceId, customerId, now } = input;
  const alias = input.alias.trim().slice(0, 200);
  const normalizedAlias = normalizeCustomerName(alias);
  if (!normalizedAlias) return { kind: 'invalid' };
  const customer = await getCustomer(db, workspaceId, customerId);
  if (!customer) return { kind: 'not_found' };
  if (customer.normalizedName === normalizedAlias) return { kind: 'exists' };
  const [named] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.normalizedName, normalizedAlias)))
    .limit(1);
  if (named) return { kind: 'taken', customerId: named.id };
  const [inserted] = await db.insert(customerAliases).ignore().values({ workspaceId, customerId, alias, normalizedAlias, createdAt: now });
  if (inserted.affectedRows === 0) {
    const [holder] = await db
      .select({ customerId: customerAliases.customerId })
      .from(customerAliases)
      .where(and(eq(customerAliases.workspaceId, workspaceId), eq(customerAliases.normalizedAlias, normalizedAlias)))
      .limit(1);
    return holder && holder.customerId !== customerId ? { kind: 'taken', customerId: holder.customerId } : { kind: 'exists' };
  }
  await db.update(customers).set({ updatedAt: now }).where(eq(customers.id, customerId));
  return { kind: 'added' };
}

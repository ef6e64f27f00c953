import { and, desc, eq, like, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customerAliases, customers } from '../../db/schema/index.js';
import { normalizeCustomerName } from './normalize-name.js';

export type CustomerRecord = typeof customers.$inferSelect;

export async function getCustomer(db: DbOrTx, workspaceId: number, id: number): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, id)))
    .limit(1);
  return row ?? null;
}

/**
 * The customer row, locked until the transaction ends (`SELECT … FOR UPDATE`). A locking read
 * returns the latest committed row, so what a transition decides on cannot change under it.
 */
export async function lockCustomer(db: DbOrTx, workspaceId: number, id: number): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, id)))
    .limit(1)
    .for('update');
  return row ?? null;
}

/** The customer with this normalized name, locked like `lockCustomer`. */
export async function lockCustomerByNormalizedName(
  db: DbOrTx,
  workspaceId: number,
  normalizedName: string,
): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.normalizedName, normalizedName)))
    .limit(1)
    .for('update');
  return row ?? null;
}

/** By normalized name, then by alias (`customer_aliases`); each an indexed lookup. */
export async function findCustomerByName(db: DbOrTx, workspaceId: number, name: string): Promise<CustomerRecord | null> {
  const normalized = normalizeCustomerName(name);
  if (!normalized) return null;
  const [exact] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.normalizedName, normalized)))
    .limit(1);
  if (exact) return exact;
  const [alias] = await db
    .select({ customer: customers })
    .from(customerAliases)
    .innerJoin(customers, eq(customers.id, customerAliases.customerId))
    .where(and(eq(customerAliases.workspaceId, workspaceId), eq(customerAliases.normalizedAlias, normalized)))
    .limit(1);
  return alias?.customer ?? null;
}

/** `/查 云帆`: exact normalized name first, then names containing the query. */
export async function searchCustomers(db: DbOrTx, workspaceId: number, query: string, limit = 6): Promise<CustomerRecord[]> {
  // A query of punctuation only (`%`, `_`, `*`) normalizes to '': `LIKE '%%'` would match every
  // customer, so it matches none. Both patterns below are escaped: the query is never a pattern.
  const normalized = normalizeCustomerName(query);
  if (!normalized) return [];
  const exact = await findCustomerByName(db, workspaceId, query);
  if (exact) return [exact];
  const escape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        or(like(customers.name, `%${escape(query.trim())}%`), like(customers.normalizedName, `%${escape(normalized)}%`)),
      ),
    )
    .orderBy(desc(customers.lastFollowUpAt))
    .limit(limit);
}

import { and, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers, type TIERS } from '../../db/schema/index.js';
import type { CustomerRecord } from '../customers/customers-repo.js';

/** A tier (A/B/C) or a tag the pool list is narrowed to. */
export type PoolFilter = { tier: (typeof TIERS)[number] } | { tag: string };

/**
 * Where a page starts: after the customer with this activity time (0 for never followed up) and
 * id, in the list's order. Written into the next-page button as `<ms>.<id>`.
 */
export type PoolCursor = { activeAt: number; id: number };

export type PoolPage = { customers: CustomerRecord[]; next: PoolCursor | null };

/** Customers never followed up sort last; this stands for their activity time. */
const NEVER = new Date(Date.UTC(1970, 0, 1));

/** `A`, `a`, `A类`, `A级`, `A类客户` name a tier; anything else is a tag. Null for an empty filter. */
export function readPoolFilter(text: string): PoolFilter | null {
  const value = text.trim();
  if (!value) return null;
  const tier = /^([ABCabc])\s*(类|级|档)?(客户)?$/.exec(value)?.[1]?.toUpperCase();
  return tier === 'A' || tier === 'B' || tier === 'C' ? { tier } : { tag: value.slice(0, 50) };
}

export const writePoolCursor = (c: PoolCursor) => `${c.activeAt}.${c.id}`;

/** Null for anything but what `writePoolCursor` wrote (a tampered cursor starts from the top). */
export function readPoolCursor(text: string | undefined): PoolCursor | null {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(text ?? '');
  return m ? { activeAt: Number(m[1]), id: Number(m[2]) } : null;
}

/**
 * One page of the public pool (公海: customers with no owner) of a workspace, most recently
 * active first (the last follow-up, then the newest customer), optionally narrowed to a tier or
 * a tag. Keyset paging: a page starts after the cursor, so claims between pages skip nobody.
 */
export async function listPool(
  db: DbOrTx,
  input: { workspaceId: number; filter: PoolFilter | null; after: PoolCursor | null; limit: number },
): Promise<PoolPage> {
  const activeAt = sql<Date>`coalesce(${customers.lastFollowUpAt}, ${NEVER})`;
  const where: (SQL | undefined)[] = [eq(customers.workspaceId, input.workspaceId), isNull(customers.ownerUserId)];
  if (input.filter && 'tier' in input.filter) where.push(eq(customers.tier, input.filter.tier));
  if (input.filter && 'tag' in input.filter) where.push(sql`json_contains(${customers.tags}, json_quote(${input.filter.tag}))`);
  if (input.after) {
    const at = new Date(input.after.activeAt);
    where.push(or(sql`${activeAt} < ${at}`, and(sql`${activeAt} = ${at}`, sql`${customers.id} < ${input.after.id}`)));
  }
  const rows = await db
    .select()
    .from(customers)
    .where(and(...where))
    .orderBy(desc(activeAt), desc(customers.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const next = rows.length > input.limit && last ? { activeAt: (last.lastFollowUpAt ?? NEVER).getTime(), id: last.id } : null;
  return { customers: page, next };
}

import { and, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { assignments, customers, reminders } from '../../db/schema/index.js';
import type { Tier } from './pool-rules.js';

/** A customer the pool job looks at, with what its baseline and episode are made of. */
export type PoolCandidate = {
  id: number;
  workspaceId: number;
  name: string;
  tier: Tier | null;
  teamId: number | null;
  ownerUserId: number;
  lastFollowUpAt: Date | null;
  nextFollowUpAt: Date | null;
  createdAt: Date;
  ownerSince: Date | null;
};

/** Statements take at most this many ids (IN lists, multi-row inserts). */
export const CHUNK = 500;

export function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Owned customers whose last follow-up (or creation, when never followed up) lies before their
 * tier's bound: a superset of those to warn or recycle, since the baseline is never earlier. One
 * range on (workspace_id, last_follow_up_at) (NULLs sort first, so `IS NULL OR < bound` is one
 * range), the tier's bound checked on each row.
 */
export async function scanPoolCandidates(
  db: DbOrTx,
  workspaceId: number,
  bounds: Record<Tier, Date>,
): Promise<Omit<PoolCandidate, 'ownerSince'>[]> {
  const loosest = new Date(Math.max(bounds.A.getTime(), bounds.B.getTime(), bounds.C.getTime()));
  const since = sql`coalesce(${customers.lastFollowUpAt}, ${customers.createdAt})`;
  const byTier = sql`case coalesce(${customers.tier}, 'C') when 'A' then ${since} < ${bounds.A} when 'B' then ${since} < ${bounds.B} else ${since} < ${bounds.C} end`;
  const rows = await db
    .select({
      id: customers.id,
      workspaceId: customers.workspaceId,
      name: customers.name,
      tier: customers.tier,
      teamId: customers.teamId,
      ownerUserId: customers.ownerUserId,
      lastFollowUpAt: customers.lastFollowUpAt,
      nextFollowUpAt: customers.nextFollowUpAt,
      createdAt: customers.createdAt,
    })
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        or(isNull(customers.lastFollowUpAt), lt(customers.lastFollowUpAt, loosest)),
        isNotNull(customers.ownerUserId),
        byTier as SQL,
      ),
    );
  return rows.map((r) => ({ ...r, ownerUserId: r.ownerUserId! }));
}

/** When each customer's current owner got it: the latest `assignments` row to that owner. */
export async function ownerSince(db: DbOrTx, workspaceId: number, list: { id: number; ownerUserId: number }[]): Promise<Map<number, Date>> {
  const out = new Map<number, Date>();
  for (const part of chunks(list)) {
    const rows = await db
      .select({
        customerId: assignments.customerId,
        toUserId: assignments.toUserId,
        at: sql<Date>`max(${assignments.createdAt})`.mapWith(assignments.createdAt),
      })
      .from(assignments)
      .where(
        and(
          eq(assignments.workspaceId, workspaceId),
          inArray(
            assignments.customerId,
            part.map((c) => c.id),
          ),
        ),
      )
      .groupBy(assignments.customerId, assignments.toUserId);
    const owners = new Map(part.map((c) => [c.id, c.ownerUserId]));
    for (const r of rows) if (r.toUserId !== null && owners.get(r.customerId) === r.toUserId) out.set(r.customerId, r.at);
  }
  return out;
}

/** The pool warnings already sent for these customers, by customer: episode (subject_at) → sent time. */
export async function poolWarnings(db: DbOrTx, ids: number[]): Promise<Map<number, Map<number, Date>>> {
  const out = new Map<number, Map<number, Date>>();
  for (const part of chunks(ids)) {
    const rows = await db
      .select({ customerId: reminders.customerId, subjectAt: reminders.subjectAt, sentAt: reminders.sentAt, dueAt: reminders.dueAt })
      .from(reminders)
      .where(and(inArray(reminders.customerId, part), eq(reminders.kind, 'pool_warning')));
    for (const r of rows) {
      if (!r.subjectAt) continue;
      const episodes = out.get(r.customerId) ?? new Map<number, Date>();
      episodes.set(r.subjectAt.getTime(), r.sentAt ?? r.dueAt);
      out.set(r.customerId, episodes);
    }
  }
  return out;
}

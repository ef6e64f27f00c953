import { and, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers } from '../../db/schema/index.js';
import type { Tier } from './pool-rules.js';
import { chunks } from '../../lib/batches.js';

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
  /** When the current owner got it: the latest `assignments` row to that owner. */
  ownerSince: Date | null;
  /** The latest pool warning (by episode): only it can be the current episode's, as baselines only move forward. */
  lastWarning: { subjectAt: Date; sentAt: Date } | null;
};

// Written out: drizzle leaves the outer table's columns unqualified inside a select's subquery.
// Each is one lookup on an index that starts with the customer.
const ownerSince = sql<Date | null>`(select max(a.created_at) from assignments a where a.workspace_id = customers.workspace_id and a.customer_id = customers.id and a.to_user_id = customers.owner_user_id)`;
// The latest warning's episode and send time in one probe, as the stored UTC texts
// (`2026-09-28 02:00:00.000|2026-11-25 02:00:00.000`): no session time zone involved.
const lastWarning = sql<
  string | null
>`(select concat(r.subject_at, '|', coalesce(r.sent_at, r.due_at)) from reminders r where r.customer_id = customers.id and r.kind = 'pool_warning' order by r.subject_at desc limit 1)`;

const utc = (text: string | undefined) => (text ? new Date(`${text.replace(' ', 'T')}Z`) : null);

function readWarning(text: string | null): PoolCandidate['lastWarning'] {
  const [subject, sent] = (text ?? '').split('|');
  const subjectAt = utc(subject);
  const sentAt = utc(sent);
  return subjectAt && sentAt && !Number.isNaN(subjectAt.getTime()) && !Number.isNaN(sentAt.getTime()) ? { subjectAt, sentAt } : null;
}

async function select(db: DbOrTx, where: SQL | undefined): Promise<PoolCandidate[]> {
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
      ownerSince: ownerSince.mapWith(customers.createdAt),
      lastWarning,
    })
    .from(customers)
    .where(where);
  return rows.flatMap((r) =>
    r.ownerUserId === null ? [] : [{ ...r, ownerUserId: r.ownerUserId, lastWarning: readWarning(r.lastWarning) }],
  );
}

/**
 * Owned customers whose last follow-up (or creation, when never followed up) lies before their
 * tier's bound: a superset of those to warn or recycle, since the baseline is never earlier. One
 * range on (workspace_id, last_follow_up_at) (NULLs sort first, so `IS NULL OR < bound` is one
 * range), the tier's bound checked on each row.
 */
export function scanPoolCandidates(db: DbOrTx, workspaceId: number, bounds: Record<Tier, Date>): Promise<PoolCandidate[]> {
  const loosest = new Date(Math.max(bounds.A.getTime(), bounds.B.getTime(), bounds.C.getTime()));
  const since = sql`coalesce(${customers.lastFollowUpAt}, ${customers.createdAt})`;
  const byTier = sql`case coalesce(${customers.tier}, 'C') when 'A' then ${since} < ${bounds.A} when 'B' then ${since} < ${bounds.B} else ${since} < ${bounds.C} end`;
  return select(
    db,
    and(
      eq(customers.workspaceId, workspaceId),
      or(isNull(customers.lastFollowUpAt), lt(customers.lastFollowUpAt, loosest)),
      isNotNull(customers.ownerUserId),
      byTier,
    ),
  );
}

/** The same facts for given customers (read again after locking them). */
export async function poolCandidatesById(db: DbOrTx, workspaceId: number, ids: number[]): Promise<PoolCandidate[]> {
  const out: PoolCandidate[] = [];
  for (const part of chunks(ids)) out.push(...(await select(db, and(eq(customers.workspaceId, workspaceId), inArray(customers.id, part)))));
  return out;
}

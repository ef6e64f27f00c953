import { and, eq, gte, inArray, isNotNull, isNull, lt, lte, notExists, notInArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers, reminders, users } from '../../db/schema/index.js';

export type TierDays = { A: number; B: number; C: number };

/** A customer a run may remind its owner of; `subjectAt` is the episode (see reminders.subject_at). */
export type Candidate = {
  customerId: number;
  ownerUserId: number;
  kind: 'due' | 'quiet';
  nextAt: Date | null;
  lastAt: Date | null;
  /** Read for quiet customers only (their baseline when never followed up); null for due ones. */
  createdAt: Date | null;
  subjectAt: Date;
  /**
   * Due and already reminded in this episode on an earlier day: reminded again only by the rep's
   * daily round (see rep-rounds.ts), and without a row of its own when it only goes in the summary.
   */
  repeat: boolean;
};

const DAY_MS = 24 * 60 * 60 * 1000;
const dueFields = {
  customerId: customers.id,
  ownerUserId: customers.ownerUserId,
  nextAt: customers.nextFollowUpAt,
  lastAt: customers.lastFollowUpAt,
};
const quietFields = { ...dueFields, createdAt: customers.createdAt };

/**
 * Due: owned, `next_follow_up_at <= now`, not handled since (`last` null or before `next`), and not
 * yet reminded on `day`; of the reps in `roundDone` (their round of the day is done), only
 * customers not reminded in this episode before (see rep-rounds.ts). A range on `customers_workspace_next_idx` (workspace, next, last), whose
 * `last` part filters handled rows inside the index.
 */
export async function scanDue(db: DbOrTx, workspaceId: number, now: Date, day: string, roundDone: readonly number[]): Promise<Candidate[]> {
  return selectDue(db, workspaceId, now, { notRemindedOn: day, roundDone });
}

/**
 * Due (not handled) by `until` (inclusive), of one owner or of all, optionally leaving out those
 * already reminded on a day. One owner's reads `customers_owner_next_idx`.
 */
export async function selectDue(
  db: DbOrTx,
  workspaceId: number,
  until: Date,
  opts: { ownerUserId?: number; notRemindedOn?: string; roundDone?: readonly number[] },
): Promise<Candidate[]> {
  const day = opts.notRemindedOn;
  // Any row of the episode left after the anti-join is an earlier day's: one probe of
  // reminders_customer_kind_subject_idx per customer, index only. A scalar subquery with LIMIT
  // (1 or NULL), not EXISTS: in the WHERE, MariaDB planned EXISTS as a materialisation of the
  // whole index, which grows every day.
  const seen =
    day === undefined
      ? sql<number | null>`null`
      : sql<
          number | null
        >`(select 1 from reminders seen where seen.customer_id = ${customers.id} and seen.kind = 'due' and seen.subject_at = ${customers.nextFollowUpAt} limit 1)`;
  // An anti-join on the unique key (one eq_ref probe per customer): NOT EXISTS was planned as a
  // materialisation of the whole reminders index, which grows every day.
  const query = db
    .select({ ...dueFields, seen: seen.as('seen') })
    // Across a workspace: the range on next time (about half the rows), index only; left alone the
    // optimizer reads the whole workspace through the wider last-time index instead.
    .from(customers, opts.ownerUserId === undefined ? { useIndex: 'customers_workspace_next_idx' } : {})
    .leftJoin(
      reminders,
      day === undefined ? sql`false` : and(eq(reminders.customerId, customers.id), eq(reminders.kind, 'due'), eq(reminders.dueDate, day)),
    )
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        opts.ownerUserId !== undefined ? eq(customers.ownerUserId, opts.ownerUserId) : isNotNull(customers.ownerUserId),
        lte(customers.nextFollowUpAt, until),
        or(isNull(customers.lastFollowUpAt), lt(customers.lastFollowUpAt, customers.nextFollowUpAt)),
        day === undefined ? undefined : isNull(reminders.id),
        opts.roundDone?.length ? sql`not (${inArray(customers.ownerUserId, [...opts.roundDone])} and ${seen} is not null)` : undefined,
      ),
    );
  // Read raw and mapped here: a morning's scan returns about 19,000 rows, and the query builder's
  // row mapping cost about twice the CPU of this loop (bench:reminders). Times arrive as the
  // driver's UTC strings (the session reads DATETIME as text).
  const [rows] = (await db.execute(query.getSQL())) as unknown as [DueRow[]];
  return rows.map((r) => {
    const nextAt = utcTime(r.next_follow_up_at);
    return {
      customerId: Number(r.id),
      ownerUserId: Number(r.owner_user_id ?? 0),
      kind: 'due' as const,
      nextAt,
      lastAt: utcTime(r.last_follow_up_at),
      createdAt: null,
      subjectAt: nextAt ?? until,
      repeat: r.seen !== null && Number(r.seen) === 1,
    };
  });
}

type DueRow = {
  id: number;
  owner_user_id: number | null;
  next_follow_up_at: string | null;
  last_follow_up_at: string | null;
  seen: number | null;
};
/** `2026-11-26 01:00:00.000` (UTC, as stored) to a Date, as the schema's datetime columns read it. */
const utcTime = (s: string | null) => (s === null ? null : new Date(`${s.replace(' ', 'T')}Z`));

/**
 * Quiet: owned, not won or lost, nothing planned ahead and not due (`next` null, or passed and
 * handled), and no follow-up for the tier's quiet days (untiered: C) since the baseline (`last`, or
 * `created_at` when never followed up); once per episode (no quiet reminder with this baseline).
 * A range on `customers_workspace_last_idx` (workspace, last) up to the shortest quiet cut-off.
 */
export async function scanQuiet(
  db: DbOrTx,
  workspaceId: number,
  now: Date,
  quietDays: TierDays,
  opts: { ownerUserId?: number; allEpisodes?: boolean } = {},
): Promise<Candidate[]> {
  const cut = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const shortest = cut(Math.min(quietDays.A, quietDays.B, quietDays.C));
  const baseline = sql<Date>`coalesce(${customers.lastFollowUpAt}, ${customers.createdAt})`;
  const quietFor = (tiers: ('A' | 'B' | 'C')[], days: number, orUntiered = false) =>
    and(
      orUntiered ? or(inArray(customers.tier, tiers), isNull(customers.tier)) : inArray(customers.tier, tiers),
      sql`${baseline} <= ${cut(days)}`,
    );
  const rows = await db
    .select(quietFields)
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        or(isNull(customers.lastFollowUpAt), lte(customers.lastFollowUpAt, shortest)),
        opts.ownerUserId !== undefined ? eq(customers.ownerUserId, opts.ownerUserId) : isNotNull(customers.ownerUserId),
        notInArray(customers.stage, ['won', 'lost']),
        or(
          isNull(customers.nextFollowUpAt),
          and(lte(customers.nextFollowUpAt, now), gte(customers.lastFollowUpAt, customers.nextFollowUpAt)),
        ),
        or(quietFor(['A'], quietDays.A), quietFor(['B'], quietDays.B), quietFor(['C'], quietDays.C, true)),
        opts.allEpisodes
          ? undefined
          : notExists(
              db
                .select({ one: sql`1` })
                .from(reminders)
                .where(and(eq(reminders.customerId, customers.id), eq(reminders.kind, 'quiet'), sql`${reminders.subjectAt} = ${baseline}`)),
            ),
      ),
    );
  return rows.map((r) => ({
    ...r,
    ownerUserId: r.ownerUserId ?? 0,
    kind: 'quiet' as const,
    subjectAt: r.lastAt ?? r.createdAt,
    // Once per episode: the scan leaves out what was reminded in it.
    repeat: false,
  }));
}

/**
 * Customer names by id. The scans leave names out so that they read only their index
 * (migration 0010); names are read for the few customers a message names.
 */
export async function customerNames(db: DbOrTx, workspaceId: number, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, [...ids])));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export type Recipient = {
  userId: number;
  platformUserId: string;
  name: string | null;
  locale: 'zh-CN' | 'en' | null;
};

/** The active users among `ids` (deactivated owners get no reminders). */
export async function activeRecipients(db: DbOrTx, workspaceId: number, ids: readonly number[]): Promise<Map<number, Recipient>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ userId: users.id, platformUserId: users.platformUserId, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), inArray(users.id, [...ids]), eq(users.active, true)));
  return new Map(rows.map((r) => [r.userId, r]));
}

import { randomUUID } from 'node:crypto';
import { and, asc, eq, exists, gt, gte, inArray, lt, lte, ne, notExists, or, sql, type Placeholder } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { Db, DbOrTx } from '../db/client.js';
import { reusableQuery, slot } from '../db/reusable-query.js';
import { outbox, type OutboxPayload } from '../db/schema/index.js';
import { chunks } from '../lib/batches.js';
import { insertOutboxRows } from './insert-outbox-rows.js';
import { replyClaimsFor, type ReplyClaims } from './reply-claims.js';

export type OutboxRow = typeof outbox.$inferSelect;

export type OutboundEnvelope = {
  /** `<platform>:<recipient>`; per-recipient order and rate limits apply to it. */
  target: string;
  payload: OutboxPayload;
  workspaceId?: number;
  /** Enqueueing the same key twice keeps one row: use it for reminders, digests, replies to a message. */
  dedupeKey?: string;
  notBefore?: Date;
};

/** A message whose delivery keeps failing is retried (with capped backoff) for this long. */
export const RETRY_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * Adds a message to the outbox. Call it with the transaction that made the change the message
 * reports, so the message exists if and only if the change was committed.
 */
export async function enqueue(tx: DbOrTx, message: OutboundEnvelope, now: Date): Promise<void> {
  const claims = replyClaimsFor(message.target, message.payload);
  if (claims && (message.notBefore ?? now) <= now && claims.reserve()) {
    const id = await insertClaimed(tx, outboxRow(message, now), claims, now);
    if (id !== null) {
      claims.ids.push(id);
      return;
    }
    claims.release();
  }
  await tx.insert(outbox).ignore().values(outboxRow(message, now));
  if (claims) claims.pending = true;
}

/**
 * Inserts the row already claimed (`sending`, one attempt, leased under the claims' token) when no
 * row of its recipient is pending or sending: for a new row, whose id is the highest, that is what
 * `holdingBack` would find, so the row is one `claimDue` could have taken now. One statement, the
 * check and the insert together. Returns the new id, or null when nothing was inserted (an unsent
 * row of the recipient exists, or the dedupe key is taken); the caller then inserts it pending.
 * The check reads committed rows only: a concurrent writer's row of the recipient that commits
 * before this transaction does is caught by the read-back before the send (`readClaimed`).
 */
async function insertClaimed(tx: DbOrTx, row: ReturnType<typeof outboxRow>, claims: ReplyClaims, now: Date): Promise<number | null> {
  const [result] = await tx.execute(
    sql`insert ignore into ${outbox} (workspace_id, target, payload, dedupe_key, status, attempts, lease_owner, lease_until, give_up_at, next_attempt_at, created_at, updated_at)
      select ${row.workspaceId ?? null}, ${row.target}, ${JSON.stringify(row.payload)}, ${row.dedupeKey ?? null}, 'sending', 1, ${claims.token}, ${dbTime(new Date(now.getTime() + claims.leaseMs))}, ${dbTime(row.giveUpAt)}, ${dbTime(row.nextAttemptAt)}, ${dbTime(now)}, ${dbTime(now)}
      from dual where not exists (select 1 from ${outbox} where ${outbox.target} = ${row.target} and ${outbox.status} in ('pending', 'sending'))`,
  );
  return result.affectedRows === 1 ? result.insertId : null;
}

/** A DATETIME(3) literal in UTC, as the columns store them. */
export const dbTime = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');

/**
 * `enqueue` for many messages in one statement (a job's cards), with the same rows and the same
 * dedupe rule, written out by `insertOutboxRows`; same transaction rule as `enqueue`.
 */
export async function enqueueMany(tx: DbOrTx, messages: OutboundEnvelope[], now: Date): Promise<void> {
  for (const part of chunks(messages))
    await insertOutboxRows(
      tx,
      part.map((message) => outboxRow(message, now)),
    );
}

function outboxRow(message: OutboundEnvelope, now: Date) {
  const due = message.notBefore ?? now;
  return {
    target: message.target,
    payload: message.payload,
    workspaceId: message.workspaceId,
    dedupeKey: message.dedupeKey,
    // Counted from the first due time, so a message scheduled for later still gets its full day.
    giveUpAt: new Date(Math.max(now.getTime(), due.getTime()) + RETRY_FOR_MS),
    nextAttemptAt: due,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The rule that keeps order per recipient and at most one row per recipient in flight: a row of
 * `row.target` must wait while another row of the same target is older and still pending or
 * sending, or is being sent right now under a live lease (whatever its id).
 */
function holdingBack(db: DbOrTx, now: Date | Placeholder) {
  const other = alias(outbox, 'other');
  return db
    .select({ one: sql`1` })
    .from(other)
    .where(
      and(
        eq(other.target, outbox.target),
        ne(other.id, outbox.id),
        or(
          and(lt(other.id, outbox.id), inArray(other.status, ['pending', 'sending'])),
          and(eq(other.status, 'sending'), gte(other.leaseUntil, now)),
        ),
      ),
    );
}

/**
 * Due to send: pending and due, or sending under a lease that ran out (its worker died or hung)
 * while still inside its retry period (past it, `failAbandoned` fails it instead).
 */
const claimable = (now: Date) =>
  or(
    and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
    and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, now), gt(outbox.giveUpAt, now)),
  );

/**
 * Claims up to `limit` due rows, at most one per recipient, for `leaseMs`, counting an attempt.
 * No SKIP LOCKED (TiDB takes no lock) and no UPDATE reading its own table (MySQL error 1093):
 * 1. select candidates, the oldest unsent row of each recipient that is due;
 * 2. claim them with an UPDATE that re-checks status and lease and stamps a fresh token;
 * 3. read back the rows carrying the token, and give back any that another replica's claim made
 *    out of order in between (both replicas may give back; the next round sorts it out).
 */
export async function claimDue(
  db: Db,
  opts: { now: Date; leaseMs: number; limit: number; countSentWithinMs?: number },
): Promise<ClaimedRow[]> {
  const { now } = opts;
  if (opts.limit <= 0) return [];
  const candidates = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(claimable(now), notExists(holdingBack(db, now))))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(opts.limit);
  if (candidates.length === 0) return [];
  const token = randomUUID();
  await db
    .update(outbox)
    .set({
      status: 'sending',
      leaseOwner: token,
      leaseUntil: new Date(now.getTime() + opts.leaseMs),
      attempts: sql`${outbox.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      and(
        inArray(
          outbox.id,
          candidates.map((c) => c.id),
        ),
        claimable(now),
      ),
    );
  const { ready, late } = await readClaimed(db, {
    ids: candidates.map((c) => c.id),
    token,
    now,
    countSentWithinMs: opts.countSentWithinMs,
  });
  for (const row of late) await settle(db, row, { status: 'pending', attempts: row.attempts - 1 }, now);
  return ready;
}

/**
 * Reads back the rows among `ids` that carry `token` (claimed by `claimDue`, or inserted claimed by
 * `enqueue`: a row of a transaction that rolled back is simply not found), each with whether another
 * row of its recipient holds it back (`late`: claimed out of order by a race between replicas, to
 * be given back) and, when asked, its recipient's recent sends for the rate limiter.
 */
export async function readClaimed(
  db: Db,
  opts: { ids: number[]; token: string; now: Date; countSentWithinMs?: number },
): Promise<{ ready: ClaimedRow[]; late: OutboxRow[] }> {
  if (opts.ids.length === 0) return { ready: [], late: [] };
  const values = { ids: opts.ids, token: opts.token, now: opts.now, since: new Date(opts.now.getTime() - (opts.countSentWithinMs ?? 0)) };
  const claimed = await (opts.countSentWithinMs === undefined ? readClaimedRows.plain : readClaimedRows.withRecentSends)(db, values);
  return {
    ready: claimed.filter((c) => !c.blocked).map((c) => ({ ...c.row, recentSends: c.recentSends })),
    late: claimed.filter((c) => c.blocked).map((c) => c.row),
  };
}

type ReadClaimedValues = { ids: number[]; token: string; now: Date; since: Date };

/** `readClaimed`'s statement, built once (it runs for every reply), with and without the recent sends' count. */
function readClaimedStatement(withRecentSends: boolean) {
  return reusableQuery<{ row: OutboxRow; blocked: number; recentSends: number | null }[], ReadClaimedValues>((db) =>
    db
      .select({
        row: outbox,
        blocked: sql<number>`${exists(holdingBack(db, slot('now')))}`.mapWith(Number),
        recentSends: withRecentSends ? sql<number>`(${sentSince(db, slot('since'))})`.mapWith(Number) : sql<null>`NULL`,
      })
      .from(outbox)
      // The ids let the primary key find the rows (lease_owner has no index: alone, it scans the table).
      .where(and(sql`${outbox.id} in (${slot('ids')})`, eq(outbox.leaseOwner, slot('token')))),
  );
}
const readClaimedRows = { plain: readClaimedStatement(false), withRecentSends: readClaimedStatement(true) };

/**
 * Gives claimed rows back (pending, the claim's attempt uncounted) without reading them: rows inserted
 * claimed that this process will not send after all (its outbox stopped). Rows not found (rolled
 * back, or no longer under `token`) are left alone. Returns how many were given back.
 */
export async function giveBack(db: Db, ids: number[], token: string, now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const [result] = await db
    .update(outbox)
    .set({ status: 'pending', attempts: sql`${outbox.attempts} - 1`, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(and(inArray(outbox.id, ids), eq(outbox.leaseOwner, token)));
  return result.affectedRows;
}

/** A claimed row, with its target's rows sent since the window asked for (null when none was asked). */
export type ClaimedRow = OutboxRow & { recentSends: number | null };

/** How many rows of the outer row's target were sent after `since` (on `outbox_target_sent_idx`). */
function sentSince(db: DbOrTx, since: Date | Placeholder) {
  const sent = alias(outbox, 'sent');
  return db
    .select({ n: sql`count(*)` })
    .from(sent)
    .where(and(eq(sent.target, outbox.target), gt(sent.sentAt, since)));
}

/**
 * Ends a claim. Conditional on still holding the lease, so a worker whose lease ran out cannot
 * undo what the next holder did; returns whether it applied.
 */
export async function settle(
  db: Db,
  row: Pick<OutboxRow, 'id' | 'leaseOwner'>,
  values: Partial<typeof outbox.$inferInsert>,
  now: Date,
): Promise<boolean> {
  const [result] = await db
    .update(outbox)
    .set({ ...values, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(and(eq(outbox.id, row.id), eq(outbox.leaseOwner, row.leaseOwner ?? '')));
  return result.affectedRows > 0;
}

/**
 * Lease-expiry guard: a row whose lease ran out after its `give_up_at` is failed instead of claimed
 * again, so a message whose send keeps killing or hanging its worker cannot loop forever. Whether
 * the platform showed it is unknown, hence the wording. Returns how many rows it failed.
 */
export async function failAbandoned(db: Db, now: Date): Promise<number> {
  const [result] = await db
    .update(outbox)
    .set({
      status: 'failed',
      leaseOwner: null,
      leaseUntil: null,
      lastError: sql`concat('lease_expired: the worker sending this row stopped before finishing it and give_up_at has passed; not known to be delivered; before that: ', coalesce(${outbox.lastError}, 'no error'))`,
      updatedAt: now,
    })
    .where(and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, now), lte(outbox.giveUpAt, now)));
  return result.affectedRows;
}

/**
 * Operator re-drive (`genjin outbox retry`): failed rows created at or after `since` become pending,
 * due now, with a fresh day of retries. Returns how many.
 */
export async function requeueFailed(db: Db, opts: { now: Date; since?: Date }): Promise<number> {
  const [result] = await db
    .update(outbox)
    .set({
      status: 'pending',
      nextAttemptAt: opts.now,
      giveUpAt: new Date(opts.now.getTime() + RETRY_FOR_MS),
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: opts.now,
    })
    .where(and(eq(outbox.status, 'failed'), opts.since ? gte(outbox.createdAt, opts.since) : undefined));
  return result.affectedRows;
}

/** Statuses still owed a delivery or an operator's look; `sent` rows are history, not depth. */
const UNFINISHED = ['pending', 'sending', 'failed'] as const;

/**
 * Unfinished row counts by status, for the outbox depth gauge. The `status IN (…)` range reads
 * only those rows' entries of an index on `status`, never the delivered history.
 */
export async function outboxDepth(db: Db): Promise<Record<(typeof UNFINISHED)[number], number>> {
  const rows = await db
    .select({ status: outbox.status, count: sql<number>`count(*)`.mapWith(Number) })
    .from(outbox)
    .where(inArray(outbox.status, [...UNFINISHED]))
    .groupBy(outbox.status);
  const depth = { pending: 0, sending: 0, failed: 0 };
  for (const row of rows) if (row.status !== 'sent') depth[row.status] = row.count;
  return depth;
}

/** Delivered rows are kept a week to answer "did it go out?"; failed ones a month for `outbox retry`. */
export const KEEP_SENT_MS = 7 * 24 * 60 * 60 * 1000;
export const KEEP_FAILED_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Deletes sent rows older than `KEEP_SENT_MS` (by `sent_at`, on `outbox_status_sent_idx`) and failed
 * rows untouched for `KEEP_FAILED_MS` (by `updated_at`, after the `status` prefix of the same
 * index), `batchSize` rows per statement so no delete holds its locks for long.
 */
export async function pruneOutbox(db: Db, now: Date, batchSize = 5000): Promise<{ sent: number; failed: number }> {
  const deleteAll = async (where: ReturnType<typeof and>) => {
    let deleted = 0;
    for (;;) {
      const [result] = await db.delete(outbox).where(where).limit(batchSize);
      deleted += result.affectedRows;
      if (result.affectedRows < batchSize) return deleted;
    }
  };
  const sent = await deleteAll(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, new Date(now.getTime() - KEEP_SENT_MS))));
  const failed = await deleteAll(and(eq(outbox.status, 'failed'), lt(outbox.updatedAt, new Date(now.getTime() - KEEP_FAILED_MS))));
  return { sent, failed };
}

import { randomUUID } from 'node:crypto';
import { and, asc, eq, gte, inArray, isNull, lt, lte, notExists, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { Db } from '../db/client.js';
import { inboundEvents } from '../db/schema/index.js';
import { AppError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';

export type Inbox = ReturnType<typeof createInbox>;
export type InboxRow = Pick<
  typeof inboundEvents.$inferSelect,
  'id' | 'platform' | 'eventId' | 'conversation' | 'payload' | 'attempts' | 'status' | 'result'
>;

/**
 * Rows must outlive the longest redelivery window: Feishu retries for about 7.1 h (15 s, 5 min,
 * 1 h, 6 h), WeCom for seconds. 24 h leaves room for clock skew and a late manual replay.
 */
export const INBOX_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Event ids longer than the column would be truncated by INSERT IGNORE into false duplicates. */
export const MAX_EVENT_ID_LENGTH = 191;
/**
 * Deliveries that arrive together are recorded with one multi-row insert: one commit (one log
 * flush) for many events is what lets the webhook keep up with a burst. A few batches may be in
 * flight at once; a lone delivery is written on the next tick, without waiting.
 */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * Deliveries waiting for a batch at most: past it (the database is not keeping up) a delivery is
 * answered 503 at once, so a burst against a slow database cannot grow the web process's memory.
 */
const MAX_WAITING = 20 * MAX_BATCH;
/**
 * A database that accepts connections but does not answer must not hold the webhook past the
 * platform's deadline (Feishu 3 s): the caller gets `db_unavailable` (503) after this long. The
 * insert may still land later; the platform's retry is then a duplicate and the stored row is run
 * by the sweeper.
 */
const RECORD_TIMEOUT_MS = 1500;
/** Finished rows deleted per statement when pruning, so a prune never holds a long lock. */
const PRUNE_BATCH = 1000;

export type InboundEntry = {
  platform: string;
  eventId: string;
  eventType?: string;
  workspaceId?: number;
  /** Rows of one conversation run one at a time, in order. */
  conversation: string;
  /** The normalized event (see messaging/stored-event.ts). */
  payload: Record<string, unknown>;
};

export type Recorded = { outcome: 'new'; row: InboxRow } | { outcome: 'duplicate'; row: InboxRow | null };

type Pending = { entry: InboundEntry; queuedAt: number; resolve: (r: Recorded) => void; reject: (err: unknown) => void };

const UNFINISHED = ['received', 'failed'] as const;

export function createInbox(deps: { db: Db; clock: Clock; recordTimeoutMs?: number }) {
  const { db, clock } = deps;
  const recordTimeoutMs = deps.recordTimeoutMs ?? RECORD_TIMEOUT_MS;
  const pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  /**
   * Inserts the batch with INSERT IGNORE on the unique (platform, event_id) key, every row stamped
   * with this batch's claim id, then reads the rows back: those carrying our claim id are new, the
   * others were recorded before (or by a concurrent batch). An event twice in one batch is new once.
   */
  async function writeBatch(batch: Pending[]): Promise<void> {
    const claimId = randomUUID();
    const key = (p: string, id: string) => `${p}\u0000${id}`;
    const first = new Map<string, Pending>();
    for (const item of batch)
      if (!first.has(key(item.entry.platform, item.entry.eventId))) first.set(key(item.entry.platform, item.entry.eventId), item);
    const unique = [...first.values()].map((p) => p.entry);
    const now = clock.now();
    const write = async () => {
      const [inserted] = await db
        .insert(inboundEvents)
        .ignore()
        .values(
          unique.map((e) => ({
            platform: e.platform,
            eventId: e.eventId,
            eventType: e.eventType?.slice(0, 64),
            workspaceId: e.workspaceId,
            conversation: e.conversation.slice(0, 191),
            payload: e.payload,
            claimId,
            receivedAt: now,
          })),
        );
      // Every row new (the usual case): nothing to read back. One statement gets consecutive ids
      // from `insertId` (InnoDB allocates a simple insert's ids at once, in every lock mode);
      // were they ever not, the ids would only mislead a hint: the worker claims rows from the table.
      if (inserted.affectedRows === unique.length)
        return unique.map((e, i) => ({
          id: inserted.insertId + i,
          platform: e.platform,
          eventId: e.eventId,
          conversation: e.conversation.slice(0, 191),
          payload: e.payload,
          attempts: 0,
          status: 'received' as const,
          result: null,
          claimId,
        }));
      return db
        .select({ ...ROW_COLUMNS, claimId: inboundEvents.claimId })
        .from(inboundEvents)
        .where(
          or(
            ...[...new Set(unique.map((e) => e.platform))].map((p) =>
              and(
                eq(inboundEvents.platform, p),
                inArray(
                  inboundEvents.eventId,
                  unique.filter((e) => e.platform === p).map((e) => e.eventId),
                ),
              ),
            ),
          ),
        );
    };
    try {
      // Each delivery is answered within the record timeout of its arrival, time waiting for a batch included.
      const waited = Date.now() - Math.min(...batch.map((p) => p.queuedAt));
      const rows = await withTimeout(write(), Math.max(1, recordTimeoutMs - waited));
      const byKey = new Map(rows.map((r) => [key(r.platform, r.eventId), r]));
      for (const item of batch) {
        const k = key(item.entry.platform, item.entry.eventId);
        const row = byKey.get(k) ?? null;
        if (row && row.claimId === claimId && first.get(k) === item) item.resolve({ outcome: 'new', row: stripClaim(row) });
        else item.resolve({ outcome: 'duplicate', row: row && stripClaim(row) });
      }
    } catch (err) {
      const failure = unavailable(err);
      for (const item of batch) item.reject(failure);
    }
  }

  function flush(): void {
    scheduled = false;
    // Deliveries that waited out the record timeout for a batch are answered 503, never written late.
    const late = Date.now() - recordTimeoutMs;
    while (pending.length > 0 && (pending[0]?.queuedAt ?? Infinity) <= late) pending.shift()?.reject(unavailable(null));
    while (pending.length > 0 && inFlight < MAX_BATCHES_IN_FLIGHT) {
      inFlight++;
      void writeBatch(pending.splice(0, MAX_BATCH)).finally(() => {
        inFlight--;
        if (pending.length > 0 && !scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    }
  }

  const byId = (id: number, token: string) => and(eq(inboundEvents.id, id), eq(inboundEvents.leaseOwner, token));

  /**
   * One conditional UPDATE: takes `row` for `leaseMs` under `token`, counting an attempt, when
   * `takeable` holds and no older row of its conversation is unfinished. True when taken.
   */
  async function take(
    row: Pick<InboxRow, 'id' | 'conversation'>,
    token: string,
    leaseMs: number,
    takeable: (now: Date) => SQL | undefined,
  ): Promise<boolean> {
    const now = clock.now();
    const [result] = await db
      .update(inboundEvents)
      .set({ leaseOwner: token, leaseUntil: new Date(now.getTime() + leaseMs), attempts: sql`${inboundEvents.attempts} + 1` })
      .where(and(eq(inboundEvents.id, row.id), takeable(now), olderUnfinished(row)));
    return result.affectedRows === 1;
  }

  return {
    /**
     * Records the delivery with its normalized event, or recognises it as a redelivery, on the
     * unique (platform, event_id) key. A database error or a database that does not answer within
     * the record timeout is thrown as `db_unavailable`, so the webhook answers 503 and the platform
     * retries; an impossible event id is `malformed` (400).
     */
    record(entry: InboundEntry): Promise<Recorded> {
      if (entry.eventId.length === 0 || entry.eventId.length > MAX_EVENT_ID_LENGTH) {
        return Promise.reject(new AppError('malformed', `event id must be 1-${MAX_EVENT_ID_LENGTH} characters`));
      }
      if (pending.length >= MAX_WAITING) return Promise.reject(unavailable(null));
      return new Promise((resolve, reject) => {
        pending.push({ entry, queuedAt: Date.now(), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },

    /**
     * Takes the row for `leaseMs` under `token`, counting an attempt, if it is due and nobody holds
     * it, and no older row of its conversation is unfinished (so a conversation's rows run one at a
     * time, oldest first, whichever replica runs them). One conditional UPDATE; true when taken.
     */
    async claim(row: Pick<InboxRow, 'id' | 'conversation'>, token: string, leaseMs: number): Promise<boolean> {
      return take(row, token, leaseMs, (now) =>
        or(
          and(eq(inboundEvents.status, 'received'), or(isNull(inboundEvents.leaseUntil), lt(inboundEvents.leaseUntil, now))),
          and(
            eq(inboundEvents.status, 'failed'),
            lte(inboundEvents.nextAttemptAt, now),
            or(isNull(inboundEvents.leaseUntil), lt(inboundEvents.leaseUntil, now)),
          ),
        ),
      );
    },

    /**
     * Takes a row the caller already holds as it was recorded (the web process's hint carries it),
     * so nothing needs reading back: one UPDATE by id, under the rule `claimBatch` applies (no older
     * row of its conversation unfinished), and only while the row was never claimed (`received`,
     * no attempt yet), so the caller's copy is the row as stored. True when taken.
     */
    async claimStored(row: Pick<InboxRow, 'id' | 'conversation'>, token: string, leaseMs: number): Promise<boolean> {
      return take(row, token, leaseMs, () =>
        and(eq(inboundEvents.status, 'received'), eq(inboundEvents.attempts, 0), isNull(inboundEvents.leaseOwner)),
      );
    },

    /**
     * Takes up to `limit` runnable rows for `leaseMs` under one fresh token, oldest first, at most
     * one per conversation: a row is a candidate only when no older row of its conversation is
     * unfinished, the rule `claim` applies. Two statements when every candidate is taken (the
     * common case), three when another runner took some in between:
     * 1. select the candidates (their payloads too, so nothing is read twice);
     * 2. claim them with an UPDATE that re-checks status and lease (so one runner wins each row);
     * 3. only when fewer rows changed than were selected: read back which ones carry the token.
     * The order check need not be repeated in step 2: an unfinished older row cannot appear once a
     * row was seen without one (statuses only move forward, and new rows get higher ids).
     * Returned rows carry `attempts` as before this claim.
     */
    async claimBatch(limit: number, leaseMs: number): Promise<{ token: string; rows: InboxRow[] }> {
      const token = randomUUID();
      if (limit <= 0) return { token, rows: [] };
      const now = clock.now();
      const candidates = await db
        .select(ROW_COLUMNS)
        .from(inboundEvents)
        .where(
          and(
            gte(inboundEvents.id, FIRST_UNFINISHED),
            runnable(now),
            notExists(olderRow(db, 'received')),
            notExists(olderRow(db, 'failed')),
          ),
        )
        .orderBy(asc(inboundEvents.id))
        .limit(limit);
      if (candidates.length === 0) return { token, rows: [] };
      const ids = candidates.map((c) => c.id);
      const [result] = await db
        .update(inboundEvents)
        .set({ leaseOwner: token, leaseUntil: new Date(now.getTime() + leaseMs), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(and(inArray(inboundEvents.id, ids), runnable(now)));
      if (result.affectedRows === candidates.length) return { token, rows: candidates };
      if (result.affectedRows === 0) return { token, rows: [] };
      const taken = new Set(
        (
          await db
            .select({ id: inboundEvents.id })
            .from(inboundEvents)
            // By primary key: lease_owner has no index.
            .where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.leaseOwner, token)))
        ).map((r) => r.id),
      );
      return { token, rows: candidates.filter((c) => taken.has(c.id)) };
    },

    /**
     * `finish(…, 'done')` for many rows at once, each under the token it was claimed with: one
     * UPDATE for a batch of finished notes. A row whose lease was lost is left alone (its
     * (id, token) pair no longer matches); returns how many were finished.
     */
    async finishMany(rows: { id: number; token: string }[]): Promise<number> {
      if (rows.length === 0) return 0;
      const [res] = await db
        .update(inboundEvents)
        .set({ status: 'done', processedAt: clock.now(), leaseOwner: null, leaseUntil: null, lastError: null })
        .where(
          and(
            inArray(
              inboundEvents.id,
              rows.map((r) => r.id),
            ),
            // The pairs make it exact; the id list above lets the primary key find the rows.
            sql`(${inboundEvents.id}, ${inboundEvents.leaseOwner}) IN (${sql.join(
              rows.map((r) => sql`(${r.id}, ${r.token})`),
              sql`, `,
            )})`,
          ),
        );
      return res.affectedRows;
    },

    /** Extends a lease still held; false when it was lost (expired and taken by another runner). */
    async renew(id: number, token: string, leaseMs: number): Promise<boolean> {
      const [result] = await db
        .update(inboundEvents)
        .set({ leaseUntil: new Date(clock.now().getTime() + leaseMs) })
        .where(byId(id, token));
      return result.affectedRows === 1;
    },

    /** Finishes a row this runner holds; false when the lease was lost meanwhile. */
    async finish(id: number, token: string, status: 'done' | 'ignored', result?: Record<string, unknown>): Promise<boolean> {
      const [res] = await db
        .update(inboundEvents)
        .set({ status, processedAt: clock.now(), leaseOwner: null, leaseUntil: null, lastError: null, ...(result ? { result } : {}) })
        .where(byId(id, token));
      return res.affectedRows === 1;
    },

    /** An attempt failed: run again at `retryAt`, or give up (`dead`, kept for inspection) when null. */
    async fail(id: number, token: string, code: string, retryAt: Date | null): Promise<boolean> {
      const [res] = await db
        .update(inboundEvents)
        .set({
          status: retryAt ? 'failed' : 'dead',
          nextAttemptAt: retryAt,
          processedAt: retryAt ? null : clock.now(),
          leaseOwner: null,
          leaseUntil: null,
          lastError: code.slice(0, 200),
        })
        .where(byId(id, token));
      return res.affectedRows === 1;
    },

    /**
     * Rows a sweeper should run, oldest first: `received` rows nobody holds (recorded at least
     * `graceMs` ago, so the process that acknowledged them has had its turn) or whose lease ran out,
     * and `failed` rows whose backoff has passed.
     */
    async listRunnable(opts: { limit: number; graceMs: number; exceptIds?: number[] }): Promise<InboxRow[]> {
      const now = clock.now();
      const leaseFree = or(isNull(inboundEvents.leaseUntil), lt(inboundEvents.leaseUntil, now));
      return db
        .select(ROW_COLUMNS)
        .from(inboundEvents)
        .where(
          and(
            or(
              and(
                eq(inboundEvents.status, 'received'),
                leaseFree,
                or(lt(inboundEvents.receivedAt, new Date(now.getTime() - opts.graceMs)), lt(inboundEvents.leaseUntil, now)),
              ),
              and(eq(inboundEvents.status, 'failed'), lte(inboundEvents.nextAttemptAt, now), leaseFree),
            ),
            opts.exceptIds?.length ? notInArray(inboundEvents.id, opts.exceptIds) : undefined,
          ),
        )
        .orderBy(asc(inboundEvents.id))
        .limit(opts.limit);
    },

    /** Deletes finished rows past the retention window, a batch at a time; returns how many. */
    async prune(retentionMs = INBOX_RETENTION_MS): Promise<number> {
      const before = new Date(clock.now().getTime() - retentionMs);
      let deleted = 0;
      for (;;) {
        const [result] = await db
          .delete(inboundEvents)
          .where(and(lt(inboundEvents.receivedAt, before), notInArray(inboundEvents.status, [...UNFINISHED])))
          .limit(PRUNE_BATCH);
        deleted += result.affectedRows;
        if (result.affectedRows < PRUNE_BATCH) return deleted;
      }
    },
  };
}

/**
 * The oldest unfinished row's id, from index lookups: the claim then scans the primary key from
 * there, not from the first row the table still keeps (a day of finished rows). A `received` row
 * has no `next_attempt_at` (only a failure sets it), so the first lookup reads one index entry;
 * the second covers a row that would break that rule, so none is ever skipped.
 */
const NO_ROW = sql.raw('18446744073709551615');
const FIRST_UNFINISHED = sql`LEAST(
  COALESCE((SELECT MIN(id) FROM inbound_events WHERE status = 'received' AND next_attempt_at IS NULL), ${NO_ROW}),
  COALESCE((SELECT MIN(id) FROM inbound_events WHERE status = 'received' AND next_attempt_at IS NOT NULL), ${NO_ROW}),
  COALESCE((SELECT MIN(id) FROM inbound_events WHERE status = 'failed'), ${NO_ROW}))`;

/**
 * For an UPDATE of `row`: no older row of its conversation is unfinished. The derived table (with
 * LIMIT, so MySQL cannot merge it) lets the UPDATE read its own table.
 */
function olderUnfinished(row: Pick<InboxRow, 'id' | 'conversation'>) {
  return row.conversation
    ? sql`NOT EXISTS (SELECT 1 FROM (SELECT ${inboundEvents.id} FROM ${inboundEvents} WHERE ${inboundEvents.conversation} = ${row.conversation} AND ${inboundEvents.id} < ${row.id} AND ${inboundEvents.status} IN ('received', 'failed') LIMIT 1) AS older)`
    : sql`TRUE`;
}

/**
 * An older row of the outer row's conversation in `status`: one subquery per status, so each is a
 * lookup on (conversation, status, id) instead of a read of every row the conversation ever had.
 */
function olderRow(db: Db, status: 'received' | 'failed') {
  const older = alias(inboundEvents, 'older');
  return db
    .select({ one: sql`1` })
    .from(older)
    .where(and(eq(older.conversation, inboundEvents.conversation), eq(older.status, status), lt(older.id, inboundEvents.id)));
}

/**
 * Runnable now: `received` and held by nobody (or its holder's lease ran out), or `failed` with its
 * backoff over and nobody holding it.
 */
function runnable(now: Date) {
  const leaseFree = or(isNull(inboundEvents.leaseUntil), lt(inboundEvents.leaseUntil, now));
  return or(
    and(eq(inboundEvents.status, 'received'), leaseFree),
    and(eq(inboundEvents.status, 'failed'), lte(inboundEvents.nextAttemptAt, now), leaseFree),
  );
}

const ROW_COLUMNS = {
  id: inboundEvents.id,
  platform: inboundEvents.platform,
  eventId: inboundEvents.eventId,
  conversation: inboundEvents.conversation,
  payload: inboundEvents.payload,
  attempts: inboundEvents.attempts,
  status: inboundEvents.status,
  result: inboundEvents.result,
};

function stripClaim<T extends { claimId: string | null }>(row: T): Omit<T, 'claimId'> {
  const { claimId: _claimId, ...rest } = row;
  return rest;
}

function unavailable(cause: unknown): AppError {
  return new AppError('db_unavailable', 'could not record the inbound event', { retryable: true, ...(cause ? { cause } : {}) });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  // The write may still settle after the timeout; nothing waits for it then.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

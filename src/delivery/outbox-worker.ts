import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { isAppError } from '../lib/errors.js';
import type { CardLink } from '../messaging/types.js';
import { backoffMs } from './backoff.js';
import { settleSentWithLink } from './card-links.js';
import { claimDue, failAbandoned, giveBack, readClaimed, settle, type ClaimedRow, type OutboxRow } from './outbox.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ReplyClaims } from './reply-claims.js';

export type { OutboxRow } from './outbox.js';
/**
 * Sends one row to its platform; throws AppError (retryable or not) on failure. Returns the
 * platform's ref, and the row a sent card shows (`link`), which gets the ref in the same statement
 * that marks the outbox row sent.
 */
export type Deliver = (row: OutboxRow) => Promise<{ ref?: string; link?: CardLink }>;
export type Outcome = 'sent' | 'retry' | 'failed' | 'deferred';
/** How often a claim also fails rows abandoned past their give_up_at. */
const ABANDONED_CHECK_MS = 1000;
export type RunReport = { claimed: number; sent: number; retried: number; failed: number; deferred: number };

type WorkerDeps = {
  db: Db;
  clock: Clock;
  log: Logger;
  deliver: Deliver;
  limiter: RateLimiter;
  /** A claim older than this may be taken by another replica: keep it well above the clients' request timeout. */
  leaseMs?: number;
  /** Sends in flight at once in this process; a hung send holds one slot, not the worker. */
  maxInFlight?: number;
  /** Rows claimed per query (at most `maxInFlight`). */
  batchSize?: number;
  random?: () => number;
  onOutcome?: (row: OutboxRow, outcome: Outcome) => void;
};

/** What `last_error` and the logs keep: a code and the platform's message, never a request body or SQL parameters. */
function describeFailure(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`.slice(0, 2000);
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.name}: ${err.code}` : err.name;
  return 'unknown error';
}

/**
 * Delivers outbox rows. Every row is retried by age until its `give_up_at` with capped backoff;
 * rows of one recipient go one at a time, oldest first, across replicas (see `claimDue`); a
 * recipient's rate limit is checked against its sent rows. `start()` runs continuously with up
 * to `maxInFlight` sends at once; `runOnce()` delivers everything due and returns when done.
 */
export function createOutboxWorker(deps: WorkerDeps) {
  const { db, clock, log, deliver, limiter } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxInFlight = deps.maxInFlight ?? 16;
  const batchSize = Math.min(deps.batchSize ?? maxInFlight, maxInFlight);
  const inFlight = new Set<Promise<void>>();
  let loop: Promise<void> | undefined;
  let stopped = true;
  let nudged = false;
  let wake: (() => void) | undefined;
  let abandonedCheckedAt = -Infinity;
  /** Send slots promised to rows inserted claimed (`openReplies`) and not yet sending. */
  let reserved = 0;
  /** The last claim filled every free slot: a send that ends should wake the loop. */
  let slotsFull = false;
  /** Hand-overs of claimed replies under way (`stop` waits for them). */
  const handing = new Set<Promise<void>>();
  /** Counts of the continuous loop's and the hand-overs' sends (nothing reads them yet). */
  const liveReport: RunReport = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };

  async function claim(room: number): Promise<ClaimedRow[]> {
    const now = clock.now();
    // Once a second at most: a nudged worker claims many times a second, and a lease runs out in minutes.
    if (now.getTime() - abandonedCheckedAt >= ABANDONED_CHECK_MS || now.getTime() < abandonedCheckedAt) {
      abandonedCheckedAt = now.getTime();
      const abandoned = await failAbandoned(db, now);
      if (abandoned > 0) log.error({ rows: abandoned }, 'outbox rows failed: their lease ran out after give_up_at');
    }
    return claimDue(db, { now, leaseMs, limit: Math.min(room, batchSize), countSentWithinMs: limiter.countWindowMs });
  }

  /**
   * Sends the replies a run inserted claimed (`ReplyClaims`): one read-back by id and token finds
   * those committed, whether another row of the recipient came first (given back, then claimed in
   * order by the next round) and the recipient's recent sends; the rest starts at once, like a
   * claimed row. Stopped meanwhile: the rows are given back for any replica to claim.
   */
  async function sendClaimed(claims: ReplyClaims): Promise<void> {
    let rows: ClaimedRow[] = [];
    try {
      const now = clock.now();
      if (stopped) {
        await giveBack(db, claims.ids, claims.token, now);
        return;
      }
      const { ready, late } = await readClaimed(db, {
        ids: claims.ids,
        token: claims.token,
        now,
        countSentWithinMs: limiter.countWindowMs,
      });
      for (const row of late) await settle(db, row, { status: 'pending', attempts: row.attempts - 1 }, now);
      if (late.length > 0) nudge();
      rows = ready;
    } catch (err) {
      log.warn(
        { rows: claims.ids.length, lastError: describeFailure(err) },
        'claimed replies could not be read back; their lease runs out and a claim takes them',
      );
    } finally {
      reserved -= claims.ids.length;
    }
    liveReport.claimed += rows.length;
    // A row of the same run that had to wait (pending) may be next: claim after this send, as after any.
    for (const row of rows) launch(row, liveReport, { wakeAfter: claims.pending });
  }

  function nudge(): void {
    nudged = true;
    wake?.();
  }

  async function finish(
    row: OutboxRow,
    report: RunReport,
    outcome: Outcome,
    values: Parameters<typeof settle>[2],
    linked?: { link: CardLink; ref: string; sentAt: Date },
  ): Promise<void> {
    const held = linked
      ? await settleSentWithLink(db, row, { ref: linked.ref, sentAt: linked.sentAt }, linked.link, clock.now())
      : await settle(db, row, values, clock.now());
    if (!held) log.warn({ outboxId: row.id, outcome }, 'outbox lease lost before the result was saved; the next holder decides');
    report[outcome === 'retry' ? 'retried' : outcome]++;
    deps.onOutcome?.(row, outcome);
  }

  async function handle(row: ClaimedRow, report: RunReport): Promise<void> {
    const rowLog = log.child({ outboxId: row.id, target: row.target, attempt: row.attempts });
    const waitMs = await limiter.waitMs(row.target, clock.now(), row.recentSends);
    if (waitMs > 0) {
      // Not an attempt: give the claim back and try when the recipient's window has room.
      await finish(row, report, 'deferred', {
        status: 'pending',
        attempts: row.attempts - 1,
        nextAttemptAt: new Date(clock.now().getTime() + waitMs),
      });
      return;
    }
    try {
      const { ref, link } = await deliver(row);
      const sentAt = clock.now();
      await finish(
        row,
        report,
        'sent',
        { status: 'sent', sentRef: ref ?? null, sentAt, lastError: null },
        link && ref ? { link, ref, sentAt } : undefined,
      );
    } catch (err) {
      const failure = describeFailure(err);
      const retryable = isAppError(err) ? err.retryable : true;
      const now = clock.now().getTime();
      if (retryable && now < row.giveUpAt.getTime()) {
        const delay = Math.max(isAppError(err) ? (err.retryAfterMs ?? 0) : 0, backoffMs(row.attempts, deps.random));
        // The last attempt happens at give_up_at, not after it.
        const next = Math.min(now + delay, row.giveUpAt.getTime());
        await finish(row, report, 'retry', { status: 'pending', nextAttemptAt: new Date(next), lastError: failure });
        rowLog.warn({ lastError: failure, delayMs: next - now }, 'outbox delivery failed; will retry');
      } else {
        const lastError = retryable ? `${failure} (still failing at give_up_at; gave up)` : failure;
        await finish(row, report, 'failed', { status: 'failed', lastError });
        rowLog.error({ lastError, retryable }, 'outbox delivery failed for good');
      }
    }
  }

  /**
   * Runs `handle` in the background, holding a slot until it settles; wakes the loop when it does
   * (a claimed row's successor may be due), or, for a reply sent without a claim, only when the loop
   * may be waiting for the slot.
   */
  function launch(row: ClaimedRow, report: RunReport, opts: { wakeAfter: boolean } = { wakeAfter: true }): void {
    const task = handle(row, report)
      .catch((err: unknown) =>
        log.error({ outboxId: row.id, lastError: describeFailure(err) }, 'outbox row could not be settled; its lease will run out'),
      )
      .finally(() => {
        inFlight.delete(task);
        if (opts.wakeAfter || slotsFull) nudge();
      });
    inFlight.add(task);
  }

  function pause(ms: number): Promise<void> {
    if (nudged || stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(intervalMs: number): Promise<void> {
    const report = liveReport;
    while (!stopped) {
      nudged = false;
      let delay = intervalMs;
      try {
        const room = maxInFlight - inFlight.size - reserved;
        slotsFull = room <= 0;
        if (room > 0) {
          const rows = await claim(room);
          for (const row of rows) launch(row, report);
          slotsFull = rows.length === room;
          // A full claim with room to spare: more rows are probably due.
          if (rows.length === Math.min(room, batchSize) && inFlight.size + reserved < maxInFlight) delay = 0;
        }
      } catch (err) {
        log.warn({ lastError: describeFailure(err) }, 'outbox poll failed; retrying');
        delay = intervalMs * 5;
      }
      if (delay > 0) await pause(delay);
    }
  }

  return {
    /** Claims and delivers everything due, awaiting every send, until nothing due is left. */
    async runOnce(): Promise<RunReport> {
      const report: RunReport = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
      for (;;) {
        const rows = await claim(maxInFlight);
        if (rows.length === 0) return report;
        report.claimed += rows.length;
        await Promise.all(rows.map((row) => handle(row, report)));
      }
    },
    /** Runs continuously: claims whenever a slot is free and a row is due, polling every `intervalMs` when idle. */
    start(intervalMs = 1000) {
      if (loop) return;
      stopped = false;
      loop = run(intervalMs);
    },
    /**
     * Claims for the replies a run is about to enqueue: they are inserted already claimed while send
     * slots are free (see `ReplyClaims`), and handed back through `nudge` when the run ends. Null
     * when stopped (replies are then enqueued pending).
     */
    openReplies(): ReplyClaims | null {
      if (stopped) return null;
      return {
        token: randomUUID(),
        leaseMs,
        ids: [],
        pending: false,
        reserve() {
          if (stopped || inFlight.size + reserved >= maxInFlight) return false;
          reserved++;
          return true;
        },
        release() {
          reserved--;
        },
      };
    },
    /**
     * A reply was just committed in this process. Without `claims`, or when a reply was enqueued
     * pending: claims now instead of at the next poll (nudges while a claim runs are folded into one
     * more claim after it). With claims: sends the rows inserted claimed, without a claim round.
     */
    nudge(claims?: ReplyClaims | null): void {
      if (claims && claims.ids.length > 0) {
        const task = sendClaimed(claims).finally(() => handing.delete(task));
        handing.add(task);
      }
      if (!claims || claims.pending) nudge();
    },
    /** Stops claiming and waits for the sends in flight. */
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      loop = undefined;
      await Promise.all(handing);
      await Promise.all(inFlight);
    },
  };
}

import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { isAppError } from '../lib/errors.js';
import { backoffMs } from './backoff.js';
import { claimDue, failAbandoned, settle, type ClaimedRow, type OutboxRow } from './outbox.js';
import type { RateLimiter } from './rate-limiter.js';

export type { OutboxRow } from './outbox.js';
/** Sends one row to its platform; throws AppError (retryable or not) on failure. */
export type Deliver = (row: OutboxRow) => Promise<{ ref?: string }>;
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

  async function finish(row: OutboxRow, report: RunReport, outcome: Outcome, values: Parameters<typeof settle>[2]): Promise<void> {
    const held = await settle(db, row, values, clock.now());
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
      const { ref } = await deliver(row);
      await finish(row, report, 'sent', { status: 'sent', sentRef: ref ?? null, sentAt: clock.now(), lastError: null });
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

  /** Runs `handle` in the background, holding a slot until it settles; wakes the loop when it does. */
  function launch(row: ClaimedRow, report: RunReport): void {
    const task = handle(row, report)
      .catch((err: unknown) =>
        log.error({ outboxId: row.id, lastError: describeFailure(err) }, 'outbox row could not be settled; its lease will run out'),
      )
      .finally(() => {
        inFlight.delete(task);
        nudged = true;
        wake?.();
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
    const report: RunReport = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
    while (!stopped) {
      nudged = false;
      let delay = intervalMs;
      try {
        const room = maxInFlight - inFlight.size;
        if (room > 0) {
          const rows = await claim(room);
          for (const row of rows) launch(row, report);
          // A full claim with room to spare: more rows are probably due.
          if (rows.length === Math.min(room, batchSize) && inFlight.size < maxInFlight) delay = 0;
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
     * Claims now instead of at the next poll: called when a reply was just committed in this
     * process. Nudges while a claim runs are folded into one more claim after it.
     */
    nudge(): void {
      nudged = true;
      wake?.();
    },
    /** Stops claiming and waits for the sends in flight. */
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      loop = undefined;
      await Promise.all(inFlight);
    },
  };
}

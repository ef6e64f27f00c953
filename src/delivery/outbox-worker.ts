import { randomUUID } from 'node:crypto';
import { and, asc, eq, lt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import { isAppError } from '../lib/errors.js';
import { backoffMs } from './backoff.js';
import type { RateLimiter } from './rate-limiter.js';

export type OutboxRow = typeof outbox.$inferSelect;
/** Sends one row to its platform; throws AppError (retryable or not) on failure. */
export type Deliver = (row: OutboxRow) => Promise<{ ref?: string }>;
export type RunReport = { claimed: number; sent: number; retried: number; failed: number; deferred: number };

type WorkerDeps = {
  db: Db;
  clock: Clock;
  log: Logger;
  deliver: Deliver;
  limiter: RateLimiter;
  /** A send taking longer than this may be picked up again by another replica. */
  leaseMs?: number;
  batchSize?: number;
  random?: () => number;
  onOutcome?: (row: OutboxRow, outcome: 'sent' | 'retry' | 'failed' | 'deferred') => void;
};

/**
 * Delivers outbox rows with retries. Rows are claimed with one conditional UPDATE that stamps a
 * fresh lease token, so concurrent replicas never hold the same row; a row whose lease ran out
 * (its worker crashed) is claimed again. No SKIP LOCKED: it does not lock on TiDB.
 */
export function createOutboxWorker(deps: WorkerDeps) {
  const { db, clock, log, deliver, limiter } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const batchSize = deps.batchSize ?? 25;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RunReport> | undefined;
  let stopped = false;

  async function claim(now: Date): Promise<OutboxRow[]> {
    const token = randomUUID();
    await db
      .update(outbox)
      .set({
        status: 'sending',
        leaseOwner: token,
        leaseUntil: new Date(now.getTime() + leaseMs),
        attempts: sql`${outbox.attempts} + 1`,
        updatedAt: now,
      })
      .where(
        or(
          and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
          and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, now)),
        ),
      )
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(batchSize);
    return db.select().from(outbox).where(and(eq(outbox.leaseOwner, token), eq(outbox.status, 'sending')));
  }

  /** Every settle is conditional on still holding the lease, so a late worker cannot undo another's result. */
  async function settle(row: OutboxRow, values: Partial<typeof outbox.$inferInsert>): Promise<void> {
    await db
      .update(outbox)
      .set({ ...values, leaseOwner: null, leaseUntil: null, updatedAt: clock.now() })
      .where(and(eq(outbox.id, row.id), eq(outbox.leaseOwner, row.leaseOwner ?? '')));
  }

  async function handle(row: OutboxRow, report: RunReport): Promise<void> {
    const now = clock.now();
    const rowLog = log.child({ outboxId: row.id, target: row.target, attempt: row.attempts });
    if (row.giveUpAt <= now) {
      // Only reachable through expired leases: workers kept dying while sending this row.
      await settle(row, { status: 'failed', lastError: 'lease expired on every attempt' });
      report.failed++;
      deps.onOutcome?.(row, 'failed');
      rowLog.error('outbox row abandoned after repeated lease expiry');
      return;
    }
    const waitMs = limiter.acquire(row.target, now.getTime());
    if (waitMs > 0) {
      // Not an attempt: give the claim back and try when the recipient's window has room.
      await settle(row, { status: 'pending', attempts: row.attempts - 1, nextAttemptAt: new Date(now.getTime() + waitMs) });
      report.deferred++;
      deps.onOutcome?.(row, 'deferred');
      return;
    }
    try {
      const { ref } = await deliver(row);
      await settle(row, { status: 'sent', sentRef: ref ?? null, sentAt: clock.now(), lastError: null });
      report.sent++;
      deps.onOutcome?.(row, 'sent');
    } catch (err) {
      const retryable = isAppError(err) ? err.retryable : true;
      const message = err instanceof Error ? `${isAppError(err) ? err.code : err.name}: ${err.message}` : String(err);
      if (retryable && row.giveUpAt > clock.now()) {
        const hinted = isAppError(err) ? err.retryAfterMs : undefined;
        const delay = Math.max(hinted ?? 0, backoffMs(row.attempts, deps.random));
        await settle(row, { status: 'pending', nextAttemptAt: new Date(clock.now().getTime() + delay), lastError: message.slice(0, 2000) });
        report.retried++;
        deps.onOutcome?.(row, 'retry');
        rowLog.warn({ err: message, delayMs: delay }, 'outbox delivery failed; will retry');
      } else {
        await settle(row, { status: 'failed', lastError: message.slice(0, 2000) });
        report.failed++;
        deps.onOutcome?.(row, 'failed');
        rowLog.error({ err: message, retryable }, 'outbox delivery failed for good');
      }
    }
  }

  async function runOnce(): Promise<RunReport> {
    const report: RunReport = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
    const rows = await claim(clock.now());
    report.claimed = rows.length;
    // Rows of one recipient go in order; different recipients in parallel.
    const byTarget = new Map<string, OutboxRow[]>();
    for (const row of rows) byTarget.set(row.target, [...(byTarget.get(row.target) ?? []), row]);
    await Promise.all(
      [...byTarget.values()].map(async (list) => {
        for (const row of list) await handle(row, report);
      }),
    );
    return report;
  }

  return {
    runOnce,
    /** Polls every `intervalMs`; runs back to back while there is a full batch. */
    start(intervalMs = 1000) {
      stopped = false;
      const tick = async () => {
        if (stopped) return;
        try {
          running = runOnce();
          const report = await running;
          if (!stopped) timer = setTimeout(tick, report.claimed >= batchSize ? 0 : intervalMs);
        } catch (err) {
          log.warn({ err: { message: (err as Error).message } }, 'outbox poll failed; retrying');
          if (!stopped) timer = setTimeout(tick, intervalMs * 5);
        }
      };
      timer = setTimeout(tick, 0);
    },
    /** Stops polling and waits for the batch in flight. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

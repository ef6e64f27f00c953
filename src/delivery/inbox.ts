import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { inboundEvents, PLATFORMS, type Platform } from '../db/schema/index.js';
import { AppError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';

export type Inbox = ReturnType<typeof createInbox>;

/**
 * Rows must outlive the longest redelivery window: Feishu retries for about 7.1 h (15 s, 5 min,
 * 1 h, 6 h), WeCom for seconds. 24 h leaves room for clock skew and a late manual replay.
 */
export const INBOX_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Event ids longer than the column would be truncated by INSERT IGNORE into false duplicates. */
const MAX_EVENT_ID_LENGTH = 191;
/**
 * Deliveries that arrive together are recorded with one multi-row insert: one commit (one log
 * flush) for many events is what lets the webhook keep up with a burst. A few batches may be in
 * flight at once; a lone delivery is written on the next tick, without waiting.
 */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 4;

type Pending = {
  platform: Platform;
  eventId: string;
  meta: { eventType?: string; workspaceId?: number };
  resolve: (outcome: 'new' | 'duplicate') => void;
  reject: (err: unknown) => void;
};

export function createInbox(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const where = (platform: Platform, eventId: string) => and(eq(inboundEvents.platform, platform), eq(inboundEvents.eventId, eventId));
  const pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  /**
   * Inserts the batch with INSERT IGNORE on the unique (platform, event_id) key, every row stamped
   * with this batch's claim id, then reads the claim ids back: rows carrying ours are new, the
   * others were recorded before (or by a concurrent batch). An event twice in one batch is new once.
   */
  async function writeBatch(batch: Pending[]): Promise<void> {
    const claimId = randomUUID();
    const key = (p: Platform, id: string) => `${p}\u0000${id}`;
    const first = new Map<string, Pending>();
    for (const item of batch) if (!first.has(key(item.platform, item.eventId))) first.set(key(item.platform, item.eventId), item);
    try {
      const now = clock.now();
      const unique = [...first.values()];
      const [inserted] = await db
        .insert(inboundEvents)
        .ignore()
        .values(unique.map((i) => ({ platform: i.platform, eventId: i.eventId, eventType: i.meta.eventType?.slice(0, 64), workspaceId: i.meta.workspaceId, claimId, receivedAt: now })));
      // Every row went in (the usual case): no need to read the claims back.
      if (inserted.affectedRows === unique.length) {
        for (const item of batch) item.resolve(first.get(key(item.platform, item.eventId)) === item ? 'new' : 'duplicate');
        return;
      }
      const rows = await db
        .select({ platform: inboundEvents.platform, eventId: inboundEvents.eventId, claimId: inboundEvents.claimId })
        .from(inboundEvents)
        .where(or(...PLATFORMS.filter((p) => unique.some((i) => i.platform === p)).map((p) => and(eq(inboundEvents.platform, p), inArray(inboundEvents.eventId, unique.filter((i) => i.platform === p).map((i) => i.eventId))))));
      const ours = new Set(rows.filter((r) => r.claimId === claimId).map((r) => key(r.platform, r.eventId)));
      for (const item of batch) {
        const k = key(item.platform, item.eventId);
        item.resolve(first.get(k) === item && ours.has(k) ? 'new' : 'duplicate');
      }
    } catch (err) {
      const failure = new AppError('db_unavailable', 'could not record the inbound event', { retryable: true, cause: err });
      for (const item of batch) item.reject(failure);
    }
  }

  const processed: { platform: Platform; eventId: string; status: 'done' | 'ignored'; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let processedScheduled = false;

  /** One UPDATE per (platform, status) group for everything marked since the last tick. */
  async function flushProcessed(): Promise<void> {
    processedScheduled = false;
    const batch = processed.splice(0, processed.length);
    const groups = new Map<string, typeof batch>();
    for (const item of batch) groups.set(`${item.platform}|${item.status}`, [...(groups.get(`${item.platform}|${item.status}`) ?? []), item]);
    for (const items of groups.values()) {
      const [head] = items;
      if (!head) continue;
      try {
        await db
          .update(inboundEvents)
          .set({ status: head.status, processedAt: clock.now(), attempts: sql`${inboundEvents.attempts} + 1` })
          .where(and(eq(inboundEvents.platform, head.platform), inArray(inboundEvents.eventId, items.map((i) => i.eventId))));
        for (const item of items) item.resolve();
      } catch (err) {
        for (const item of items) item.reject(err);
      }
    }
  }

  function flush(): void {
    scheduled = false;
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

  return {
    /**
     * Records the delivery, or recognises it as a redelivery, on the unique (platform, event_id)
     * key. A database error is thrown as `db_unavailable` so the webhook answers 503 and the
     * platform retries.
     */
    recordInbound(platform: Platform, eventId: string, meta: { eventType?: string; workspaceId?: number } = {}): Promise<'new' | 'duplicate'> {
      if (eventId.length === 0 || eventId.length > MAX_EVENT_ID_LENGTH) {
        return Promise.reject(new AppError('malformed', `event id must be 1-${MAX_EVENT_ID_LENGTH} characters`));
      }
      return new Promise((resolve, reject) => {
        pending.push({ platform, eventId, meta, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },

    /** Marks a handled event; batched like inserts, since every accepted event ends here. */
    markProcessed(platform: Platform, eventId: string, status: 'done' | 'ignored' = 'done'): Promise<void> {
      return new Promise((resolve, reject) => {
        processed.push({ platform, eventId, status, resolve, reject });
        if (!processedScheduled) {
          processedScheduled = true;
          setImmediate(flushProcessed);
        }
      });
    },

    async markFailed(platform: Platform, eventId: string, error: unknown): Promise<void> {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await db
        .update(inboundEvents)
        .set({ status: 'failed', processedAt: clock.now(), lastError: message.slice(0, 2000), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(where(platform, eventId));
    },

    /** Deletes rows older than the retention window; returns how many. */
    async prune(retentionMs = INBOX_RETENTION_MS): Promise<number> {
      const [result] = await db.delete(inboundEvents).where(lt(inboundEvents.receivedAt, new Date(clock.now().getTime() - retentionMs)));
      return result.affectedRows;
    },
  };
}

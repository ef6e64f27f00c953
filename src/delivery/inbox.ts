import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { inboundEvents, type Platform } from '../db/schema/index.js';
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

export function createInbox(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const where = (platform: Platform, eventId: string) => and(eq(inboundEvents.platform, platform), eq(inboundEvents.eventId, eventId));

  return {
    /**
     * Inserts the delivery or ignores it on the unique (platform, event_id) key. A database error
     * is thrown as `db_unavailable` so the webhook answers 503 and the platform retries.
     */
    async recordInbound(
      platform: Platform,
      eventId: string,
      meta: { eventType?: string; workspaceId?: number } = {},
    ): Promise<'new' | 'duplicate'> {
      if (eventId.length === 0 || eventId.length > MAX_EVENT_ID_LENGTH) {
        throw new AppError('malformed', `event id must be 1-${MAX_EVENT_ID_LENGTH} characters`);
      }
      try {
        const [result] = await db
          .insert(inboundEvents)
          .ignore()
          .values({ platform, eventId, eventType: meta.eventType?.slice(0, 64), workspaceId: meta.workspaceId, receivedAt: clock.now() });
        return result.affectedRows === 1 ? 'new' : 'duplicate';
      } catch (err) {
        throw new AppError('db_unavailable', 'could not record the inbound event', { retryable: true, cause: err });
      }
    },

    async markProcessed(platform: Platform, eventId: string, status: 'done' | 'ignored' = 'done'): Promise<void> {
      await db
        .update(inboundEvents)
        .set({ status, processedAt: clock.now(), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(where(platform, eventId));
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

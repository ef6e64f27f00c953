import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { outbox, type OutboxPayload } from '../db/schema/index.js';

export type OutboundEnvelope = {
  /** `<platform>:<recipient>`; per-recipient rate limits apply to it. */
  target: string;
  payload: OutboxPayload;
  workspaceId?: number;
  /** Enqueueing the same key twice keeps one row: use it for reminders, digests, replies to a message. */
  dedupeKey?: string;
  notBefore?: Date;
};

/**
 * Adds a message to the outbox. Call it with the transaction that made the change the message
 * reports, so the message exists if and only if the change was committed.
 */
export async function enqueue(tx: DbOrTx, message: OutboundEnvelope, now: Date): Promise<void> {
  await tx
    .insert(outbox)
    .ignore()
    .values({
      target: message.target,
      payload: message.payload,
      workspaceId: message.workspaceId,
      dedupeKey: message.dedupeKey,
      giveUpAt: new Date(now.getTime() + RETRY_FOR_MS),
      nextAttemptAt: message.notBefore ?? now,
      createdAt: now,
      updatedAt: now,
    });
}

/** A message whose delivery keeps failing is retried (with capped backoff) for this long. */
export const RETRY_FOR_MS = 24 * 60 * 60 * 1000;

/** Row counts by status, for the outbox depth gauge. */
export async function outboxDepth(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: outbox.status, count: sql<number>`count(*)`.mapWith(Number) })
    .from(outbox)
    .groupBy(outbox.status);
  const depth: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const row of rows) depth[row.status] = row.count;
  return depth;
}

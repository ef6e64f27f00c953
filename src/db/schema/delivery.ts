import { index, int, mysqlEnum, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, PLATFORMS, timestamps, utcDatetime } from './columns.js';

export const INBOUND_STATUSES = ['received', 'done', 'failed', 'ignored'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

/**
 * Inbox: one row per platform delivery, unique on (platform, event_id), so a redelivery is seen as
 * such. Not workspace-scoped by key: the event id is checked before the workspace is resolved.
 */
export const inboundEvents = mysqlTable(
  'inbound_events',
  {
    id: idColumn(),
    platform: mysqlEnum('platform', PLATFORMS).notNull(),
    eventId: varchar('event_id', { length: 191 }).notNull(),
    workspaceId: idRef('workspace_id'),
    eventType: varchar('event_type', { length: 64 }),
    /** The insert batch that recorded the row: the batch whose id it carries saw it first. */
    claimId: varchar('claim_id', { length: 36 }),
    status: mysqlEnum('status', INBOUND_STATUSES).notNull().default('received'),
    attempts: int('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: utcDatetime('received_at').notNull(),
    processedAt: utcDatetime('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_events_platform_event_uq').on(t.platform, t.eventId),
    index('inbound_events_received_idx').on(t.receivedAt),
  ],
);

/** A message to deliver to a platform, written in the same transaction as the change behind it. */
export type OutboxPayload = { kind: string } & Record<string, unknown>;

export const outbox = mysqlTable(
  'outbox',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id'),
    /** `<platform>:<recipient>`, the unit of per-recipient rate limiting. */
    target: varchar('target', { length: 191 }).notNull(),
    payload: jsonColumn<OutboxPayload>('payload').notNull(),
    /** Optional idempotency key: enqueueing the same key twice keeps one row. */
    dedupeKey: varchar('dedupe_key', { length: 191 }),
    status: mysqlEnum('status', OUTBOX_STATUSES).notNull().default('pending'),
    attempts: int('attempts').notNull().default(0),
    maxAttempts: int('max_attempts').notNull().default(8),
    nextAttemptAt: utcDatetime('next_attempt_at').notNull(),
    leaseOwner: varchar('lease_owner', { length: 64 }),
    leaseUntil: utcDatetime('lease_until'),
    lastError: text('last_error'),
    /** What the platform returned (message id), so later updates can address it. */
    sentRef: varchar('sent_ref', { length: 191 }),
    sentAt: utcDatetime('sent_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('outbox_dedupe_uq').on(t.dedupeKey),
    index('outbox_status_next_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** One row per scheduled run; the replica that inserts the (job, slot) row runs it. */
export const jobRuns = mysqlTable(
  'job_runs',
  {
    id: idColumn(),
    job: varchar('job', { length: 64 }).notNull(),
    slot: varchar('slot', { length: 64 }).notNull(),
    status: mysqlEnum('status', ['running', 'done', 'failed']).notNull().default('running'),
    owner: varchar('owner', { length: 64 }).notNull(),
    report: jsonColumn<Record<string, unknown>>('report'),
    error: text('error'),
    startedAt: utcDatetime('started_at').notNull(),
    finishedAt: utcDatetime('finished_at'),
  },
  (t) => [uniqueIndex('job_runs_job_slot_uq').on(t.job, t.slot)],
);

import { index, int, mysqlEnum, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, platformColumn, timestamps, utcDatetime } from './columns.js';

/**
 * `received`: to run (or running, while `lease_until` is in the future); `failed`: an attempt
 * failed and the row runs again at `next_attempt_at`; `dead`: every attempt failed, the user was
 * told, and the row stays for inspection; `done` / `ignored`: finished.
 */
export const INBOUND_STATUSES = ['received', 'done', 'failed', 'ignored', 'dead'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

/**
 * Inbox: one row per platform delivery, unique on (platform, event_id), so a redelivery is seen as
 * such. Not workspace-scoped by key: the event id is checked before the workspace is resolved.
 */
export const inboundEvents = mysqlTable(
  'inbound_events',
  {
    id: idColumn(),
    platform: platformColumn('platform').notNull(),
    eventId: varchar('event_id', { length: 191 }).notNull(),
    workspaceId: idRef('workspace_id'),
    eventType: varchar('event_type', { length: 64 }),
    /** The insert batch that recorded the row: the batch whose id it carries saw it first. */
    claimId: varchar('claim_id', { length: 36 }),
    /** Rows of one conversation run one at a time, oldest first, across every replica. */
    conversation: varchar('conversation', { length: 191 }),
    /** The normalized event: the work runs from this, never only from memory. */
    payload: jsonColumn<Record<string, unknown>>('payload'),
    status: mysqlEnum('status', INBOUND_STATUSES).notNull().default('received'),
    attempts: int('attempts').notNull().default(0),
    /** Whoever runs the row holds a short lease and renews it while the work runs. */
    leaseOwner: varchar('lease_owner', { length: 64 }),
    leaseUntil: utcDatetime('lease_until'),
    /** When a `failed` row runs again (backoff). */
    nextAttemptAt: utcDatetime('next_attempt_at'),
    /** An error code, never a message: database errors carry the note's text in their parameters. */
    lastError: text('last_error'),
    /** What a finished card click answered, so a repeated delivery can answer the same. */
    result: jsonColumn<Record<string, unknown>>('result'),
    receivedAt: utcDatetime('received_at').notNull(),
    processedAt: utcDatetime('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_events_platform_event_uq').on(t.platform, t.eventId),
    index('inbound_events_received_idx').on(t.receivedAt),
    index('inbound_events_status_next_idx').on(t.status, t.nextAttemptAt),
    index('inbound_events_conversation_idx').on(t.conversation, t.status),
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
    /** Retryable failures are retried until this time (by age, not by count); `outbox retry` moves it. */
    giveUpAt: utcDatetime('give_up_at').notNull(),
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
    // Order per recipient (an older unsent row holds back newer ones) and its rate limit.
    index('outbox_target_status_idx').on(t.target, t.status),
    index('outbox_target_sent_idx').on(t.target, t.sentAt),
    // Pruning delivered rows.
    index('outbox_status_sent_idx').on(t.status, t.sentAt),
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

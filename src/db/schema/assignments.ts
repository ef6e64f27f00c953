import { boolean, index, int, mysqlEnum, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, utcDatetime } from './columns.js';

/** `recycle`: the pool job took a quiet customer back (actor null, audit actor `system:pool`). */
export const ASSIGNMENT_REASONS = ['create', 'reassign', 'handover', 'claim', 'release', 'recycle'] as const;

/** Ownership history: every change of a customer's owner, including to and from the pool (null). */
export const assignments = mysqlTable(
  'assignments',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    fromUserId: idRef('from_user_id'),
    toUserId: idRef('to_user_id'),
    reason: mysqlEnum('reason', ASSIGNMENT_REASONS).notNull(),
    actorUserId: idRef('actor_user_id'),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [
    index('assignments_customer_time_idx').on(t.workspaceId, t.customerId, t.createdAt),
    // A rep's claims today (the daily limit) and releases (the re-claim cooldown).
    index('assignments_to_reason_time_idx').on(t.workspaceId, t.toUserId, t.reason, t.createdAt),
    index('assignments_from_reason_time_idx').on(t.workspaceId, t.fromUserId, t.reason, t.createdAt),
  ],
);

export const TRANSFER_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;

/** A rep's request (申请转交) that a manager approves or rejects from a card. */
export const transferRequests = mysqlTable(
  'transfer_requests',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    /** The owner when the request was made: approving a customer that moved since changes nothing. */
    fromUserId: idRef('from_user_id'),
    toUserId: idRef('to_user_id').notNull(),
    requestedBy: idRef('requested_by').notNull(),
    status: mysqlEnum('status', TRANSFER_STATUSES).notNull().default('pending'),
    decidedBy: idRef('decided_by'),
    createdAt: utcDatetime('created_at').notNull(),
    decidedAt: utcDatetime('decided_at'),
  },
  (t) => [index('transfer_requests_customer_idx').on(t.workspaceId, t.customerId, t.status)],
);

export const HANDOVER_STATUSES = ['proposed', 'running', 'done', 'cancelled'] as const;

/**
 * 离职交接: all of a rep's customers to one colleague, or spread over the team. Moved in batches;
 * `moved` records progress, so a run that died resumes where it stopped and moves nothing twice.
 */
export const handovers = mysqlTable(
  'handovers',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    fromUserId: idRef('from_user_id').notNull(),
    /** Null when spread over the team's active members. */
    toUserId: idRef('to_user_id'),
    spread: boolean('spread').notNull().default(false),
    deactivate: boolean('deactivate').notNull().default(false),
    requestedBy: idRef('requested_by'),
    /** `<platform>:<id>` or `cli`, for the audit log. */
    actor: varchar('actor', { length: 160 }).notNull(),
    status: mysqlEnum('status', HANDOVER_STATUSES).notNull().default('proposed'),
    total: int('total').notNull().default(0),
    moved: int('moved').notNull().default(0),
    leaseUntil: utcDatetime('lease_until'),
    createdAt: utcDatetime('created_at').notNull(),
    updatedAt: utcDatetime('updated_at').notNull(),
    finishedAt: utcDatetime('finished_at'),
  },
  (t) => [index('handovers_status_idx').on(t.status, t.workspaceId)],
);

/** Who did what, from where, with the state before and after. Append-only. */
export const auditLog = mysqlTable(
  'audit_log',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    /** `<platform>:<id>` of the acting user, or `system:<job>` / `cli`. */
    actor: varchar('actor', { length: 160 }).notNull(),
    action: varchar('action', { length: 64 }).notNull(),
    subjectType: varchar('subject_type', { length: 32 }).notNull(),
    subjectId: varchar('subject_id', { length: 64 }).notNull(),
    before: jsonColumn<unknown>('before'),
    after: jsonColumn<unknown>('after'),
    /** card, command, note, cli, job…, with a reason where one was given (`command: 不再跟进`). */
    source: varchar('source', { length: 160 }).notNull(),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [
    index('audit_log_workspace_time_idx').on(t.workspaceId, t.createdAt),
    index('audit_log_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId),
  ],
);

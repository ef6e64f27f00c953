import { index, mysqlEnum, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, utcDatetime } from './columns.js';

export const ASSIGNMENT_REASONS = ['create', 'reassign', 'handover', 'claim', 'release'] as const;

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
  (t) => [index('assignments_customer_time_idx').on(t.workspaceId, t.customerId, t.createdAt)],
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
    /** card, command, cli, job… */
    source: varchar('source', { length: 32 }).notNull(),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [
    index('audit_log_workspace_time_idx').on(t.workspaceId, t.createdAt),
    index('audit_log_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId),
  ],
);

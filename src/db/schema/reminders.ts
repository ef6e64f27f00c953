import { date, index, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, timestamps, utcDatetime } from './columns.js';

export const REMINDER_KINDS = ['due', 'quiet', 'escalation'] as const;
export const REMINDER_STATUSES = ['pending', 'sent', 'done', 'snoozed', 'cancelled'] as const;

export const reminders = mysqlTable(
  'reminders',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    /** Who the reminder goes to (the owner, or the manager for escalations). */
    userId: idRef('user_id').notNull(),
    kind: mysqlEnum('kind', REMINDER_KINDS).notNull(),
    /** Local calendar day in the workspace zone; with kind it makes the reminder unique per day. */
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    dueAt: utcDatetime('due_at').notNull(),
    status: mysqlEnum('status', REMINDER_STATUSES).notNull().default('pending'),
    sentAt: utcDatetime('sent_at'),
    snoozedUntil: utcDatetime('snoozed_until'),
    messageRef: varchar('message_ref', { length: 191 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('reminders_customer_kind_day_uq').on(t.customerId, t.kind, t.dueDate),
    index('reminders_user_status_idx').on(t.workspaceId, t.userId, t.status, t.dueAt),
  ],
);

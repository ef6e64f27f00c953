import { boolean, date, index, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, timestamps, utcDatetime } from './columns.js';

/**
 * `due`: the customer's next follow-up time has come; `quiet`: no follow-up for the tier's quiet
 * days; `escalation`: a due reminder was not acted on, sent to the manager; `pool_warning`: the
 * customer returns to the public pool in a few days unless someone follows up.
 */
export const REMINDER_KINDS = ['due', 'quiet', 'escalation', 'pool_warning'] as const;
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
    /**
     * The episode the reminder is about, so "once per episode" rules can be checked: for `due` and
     * `escalation` the customer's next_follow_up_at it reminds of; for `quiet` and `pool_warning`
     * the customer's last_follow_up_at (or created_at when it never had one). A follow-up, a
     * postponement or a new owner starts a new episode.
     */
    subjectAt: utcDatetime('subject_at'),
    status: mysqlEnum('status', REMINDER_STATUSES).notNull().default('pending'),
    /** Listed in the run's summary card (`还有 12 个客户待跟进`) instead of a card of its own. */
    inSummary: boolean('in_summary').notNull().default(false),
    sentAt: utcDatetime('sent_at'),
    snoozedUntil: utcDatetime('snoozed_until'),
    messageRef: varchar('message_ref', { length: 191 }),
    /** What was done from the card (`done`, `postpone_1d`, `reschedule`, `transfer`, …), by whom and when. */
    action: varchar('action', { length: 32 }),
    actedByUserId: idRef('acted_by_user_id'),
    actedAt: utcDatetime('acted_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('reminders_customer_kind_day_uq').on(t.customerId, t.kind, t.dueDate),
    index('reminders_user_status_idx').on(t.workspaceId, t.userId, t.status, t.dueAt),
    index('reminders_customer_kind_subject_idx').on(t.customerId, t.kind, t.subjectAt),
  ],
);

/**
 * 已跟进 on a platform whose cards cannot carry a text input (WeCom): the rep's next message is the
 * note, logged against this customer without asking which one. One open prompt per user; a newer
 * prompt replaces an older one, and an expired one is ignored.
 */
export const notePrompts = mysqlTable(
  'note_prompts',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    userId: idRef('user_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    /** The reminder whose card asked, so logging the note can mark it done and redraw the card. */
    reminderId: idRef('reminder_id'),
    expiresAt: utcDatetime('expires_at').notNull(),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [uniqueIndex('note_prompts_workspace_user_uq').on(t.workspaceId, t.userId)],
);

/** One weekly digest per team and week: the unique key makes re-runs and concurrent runners send it once. */
export const teamDigests = mysqlTable(
  'team_digests',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    /** The team's id from the settings file. */
    teamId: varchar('team_id', { length: 64 }).notNull(),
    /** Local date of the Monday the reported week starts on. */
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    /** The figures the card was drawn from, kept so the card can be redrawn after a reassignment. */
    figures: jsonColumn<Record<string, unknown>>('figures'),
    messageRef: varchar('message_ref', { length: 191 }),
    sentAt: utcDatetime('sent_at'),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [uniqueIndex('team_digests_workspace_team_week_uq').on(t.workspaceId, t.teamId, t.weekStart)],
);

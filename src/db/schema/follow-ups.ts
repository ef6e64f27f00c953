import { boolean, char, decimal, index, mysqlEnum, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, timestamps, utcDatetime } from './columns.js';
import { STAGES } from './customers.js';

export const CHANNELS = ['call', 'wechat', 'visit', 'email', 'meeting', 'other'] as const;
export const FOLLOW_UP_STATUSES = ['draft', 'confirmed', 'undone'] as const;

/** What the customer row looked like before a follow-up changed it, so undo can restore it. */
export type CustomerSnapshot = {
  stage: (typeof STAGES)[number];
  amount: number | null;
  currency: string;
  lastFollowUpAt: string | null;
  nextFollowUpAt: string | null;
  tier: 'A' | 'B' | 'C' | null;
  tags: string[];
};

export const followUps = mysqlTable(
  'follow_ups',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    /** Null while the rep still has to pick which customer the note is about. */
    customerId: idRef('customer_id'),
    contactId: idRef('contact_id'),
    authorUserId: idRef('author_user_id').notNull(),
    rawText: text('raw_text').notNull(),
    /** The parser's full draft, kept for audit and re-parsing. */
    parsed: jsonColumn<Record<string, unknown>>('parsed').notNull(),
    channel: mysqlEnum('channel', CHANNELS),
    stage: mysqlEnum('stage', STAGES),
    amount: decimal('amount', { precision: 16, scale: 2, mode: 'number' }),
    currency: char('currency', { length: 3 }).notNull().default('CNY'),
    nextFollowUpAt: utcDatetime('next_follow_up_at'),
    nextStep: varchar('next_step', { length: 500 }),
    needs: varchar('needs', { length: 500 }),
    summary: varchar('summary', { length: 500 }).notNull(),
    /** The platform message this follow-up came from; unique so a redelivery cannot duplicate it. */
    sourceMessageId: varchar('source_message_id', { length: 128 }),
    status: mysqlEnum('status', FOLLOW_UP_STATUSES).notNull().default('draft'),
    /**
     * A note about a customer someone else owns, kept in its history (记为协作跟进) without changing
     * the customer: undo and edit leave the customer alone, and it never counts as setting a field.
     */
    collaboration: boolean('collaboration').notNull().default(false),
    customerBefore: jsonColumn<CustomerSnapshot>('customer_before'),
    /** Our reply card, so later actions can update it in place. */
    cardMessageId: varchar('card_message_id', { length: 128 }),
    occurredAt: utcDatetime('occurred_at').notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('follow_ups_workspace_source_uq').on(t.workspaceId, t.sourceMessageId),
    // A rep's follow-ups by time; status, customer and stage ride along so the weekly digest counts
    // a team's two weeks (about 5,000 rows) from the index alone, without a row lookup each.
    index('follow_ups_author_time_idx').on(t.workspaceId, t.authorUserId, t.occurredAt, t.status, t.customerId, t.stage),
    index('follow_ups_customer_time_idx').on(t.workspaceId, t.customerId, t.occurredAt),
    // The admin API's incremental sync: a workspace's follow-ups changed since a time.
    index('follow_ups_workspace_updated_idx').on(t.workspaceId, t.updatedAt),
  ],
);

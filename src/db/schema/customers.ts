import { sql } from 'drizzle-orm';
import { char, decimal, index, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, jsonColumn, timestamps, utcDatetime } from './columns.js';

export const STAGES = ['lead', 'qualified', 'proposal', 'quote', 'negotiation', 'won', 'lost'] as const;
export const TIERS = ['A', 'B', 'C'] as const;

export const customers = mysqlTable(
  'customers',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    /** Lower-cased, punctuation- and legal-suffix-free form; the duplicate check runs on it. */
    normalizedName: varchar('normalized_name', { length: 191 }).notNull(),
    tier: mysqlEnum('tier', TIERS),
    stage: mysqlEnum('stage', STAGES).notNull().default('lead'),
    tags: jsonColumn<string[]>('tags')
      .notNull()
      .default(sql`('[]')`),
    amount: decimal('amount', { precision: 16, scale: 2, mode: 'number' }),
    currency: char('currency', { length: 3 }).notNull().default('CNY'),
    /** Null means the customer is in the public pool (公海). */
    ownerUserId: idRef('owner_user_id'),
    teamId: idRef('team_id'),
    lastFollowUpAt: utcDatetime('last_follow_up_at'),
    nextFollowUpAt: utcDatetime('next_follow_up_at'),
    pooledAt: utcDatetime('pooled_at'),
    phone: varchar('phone', { length: 32 }),
    email: varchar('email', { length: 200 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('customers_workspace_name_uq').on(t.workspaceId, t.normalizedName),
    // Reminder scan: a rep's due follow-ups and quiet customers.
    index('customers_owner_next_idx').on(t.workspaceId, t.ownerUserId, t.nextFollowUpAt),
    index('customers_owner_last_idx').on(t.workspaceId, t.ownerUserId, t.lastFollowUpAt),
    // Reminder, escalation and pool scans across a workspace by time. The trailing columns let the
    // reminder scans (due: next, last, owner; quiet: last, owner, tier, stage, next, created) read
    // only the index; the prefixes serve every query they served before.
    index('customers_workspace_next_idx').on(t.workspaceId, t.nextFollowUpAt, t.lastFollowUpAt, t.ownerUserId),
    index('customers_workspace_last_idx').on(
      t.workspaceId,
      t.lastFollowUpAt,
      t.ownerUserId,
      t.tier,
      t.stage,
      t.nextFollowUpAt,
      t.createdAt,
    ),
    // Digest: a team's customers by activity time.
    index('customers_team_last_idx').on(t.workspaceId, t.teamId, t.lastFollowUpAt),
    // What changed since a cache of customer names was loaded.
    index('customers_workspace_updated_idx').on(t.workspaceId, t.updatedAt),
  ],
);

/** Other names a customer goes by (`ICBC` for 中国工商银行), unique per workspace by normalized form. */
export const customerAliases = mysqlTable(
  'customer_aliases',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    alias: varchar('alias', { length: 200 }).notNull(),
    normalizedAlias: varchar('normalized_alias', { length: 191 }).notNull(),
    createdAt: utcDatetime('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('customer_aliases_workspace_alias_uq').on(t.workspaceId, t.normalizedAlias),
    index('customer_aliases_customer_idx').on(t.customerId),
  ],
);

export const contacts = mysqlTable(
  'contacts',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    customerId: idRef('customer_id').notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    title: varchar('title', { length: 100 }),
    phone: varchar('phone', { length: 32 }),
    email: varchar('email', { length: 200 }),
    ...timestamps,
  },
  (t) => [uniqueIndex('contacts_customer_name_uq').on(t.customerId, t.name), index('contacts_workspace_idx').on(t.workspaceId)],
);

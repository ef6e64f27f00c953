import { boolean, index, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, idRef, timestamps } from './columns.js';

export const USER_ROLES = ['rep', 'manager', 'admin'] as const;

export const teams = mysqlTable(
  'teams',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    /** The team's `id` in the settings file. */
    key: varchar('team_key', { length: 64 }).notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    /** Platform chat id of the digest group, without the platform prefix. */
    digestChatId: varchar('digest_chat_id', { length: 128 }),
    ...timestamps,
  },
  (t) => [uniqueIndex('teams_workspace_key_uq').on(t.workspaceId, t.key)],
);

export const users = mysqlTable(
  'users',
  {
    id: idColumn(),
    workspaceId: idRef('workspace_id').notNull(),
    /** Feishu open_id or WeCom userid. */
    platformUserId: varchar('platform_user_id', { length: 128 }).notNull(),
    name: varchar('name', { length: 100 }),
    role: mysqlEnum('role', USER_ROLES).notNull().default('rep'),
    teamId: idRef('team_id'),
    /** Direct manager when no team config names one (e.g. Feishu leader_user_id). */
    managerUserId: idRef('manager_user_id'),
    active: boolean('active').notNull().default(true),
    locale: mysqlEnum('locale', ['zh-CN', 'en']),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_workspace_platform_uq').on(t.workspaceId, t.platformUserId),
    index('users_team_idx').on(t.workspaceId, t.teamId),
  ],
);

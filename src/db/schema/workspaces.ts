import { mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { idColumn, platformColumn, timestamps } from './columns.js';

/** One row per platform app installation: a Feishu tenant or a WeCom corp. */
export const workspaces = mysqlTable(
  'workspaces',
  {
    id: idColumn(),
    platform: platformColumn('platform').notNull(),
    /** Feishu tenant_key, WeCom corp id. */
    externalId: varchar('external_id', { length: 128 }).notNull(),
    name: varchar('name', { length: 200 }),
    /** Overrides of the global settings; null = use config. */
    locale: mysqlEnum('locale', ['zh-CN', 'en']),
    timeZone: varchar('time_zone', { length: 64 }),
    ...timestamps,
  },
  (t) => [uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId)],
);

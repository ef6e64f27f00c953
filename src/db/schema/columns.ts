import { bigint, customType, datetime, varchar } from 'drizzle-orm/mysql-core';

/**
 * All times are stored as UTC DATETIME(3) and always written from the injected clock, never by
 * the server's NOW(), so tests can pin time and replicas in other zones agree.
 */
export const utcDatetime = (name: string) => datetime(name, { mode: 'date', fsp: 3 });

export const timestamps = {
  createdAt: utcDatetime('created_at').notNull(),
  updatedAt: utcDatetime('updated_at').notNull(),
};

/** Foreign ids are BIGINT UNSIGNED like `serial`; mode number is safe below 2^53. */
export const idRef = (name: string) => bigint(name, { mode: 'number', unsigned: true });

/**
 * A messenger platform's name (`feishu`, `wecom`, `console`, …): a plain string, so adding a
 * platform needs no enum, regex or migration.
 */
export const platformColumn = (name: string) => varchar(name, { length: 32 });

/**
 * JSON column that reads back the same on MySQL 8 (mysql2 parses JSON) and MariaDB (where JSON is
 * LONGTEXT and arrives as a string); drizzle's own `json()` only handles the first.
 */
export const jsonColumn = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'json',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as T,
  })(name);

/** Primary key. Not drizzle's `serial`, which adds a second UNIQUE index on the same column. */
export const idColumn = () => bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey();

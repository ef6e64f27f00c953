import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors.js';
import { splitDatabaseUrl } from './client.js';

/** drizzle/ sits two levels above this file both in src/db (tsx) and dist/db (built). */
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** Serialises replicas that boot together; a named lock held by this one connection. */
const LOCK_NAME = 'genjin_migrate';
const LOCK_WAIT_SECONDS = 60;

/**
 * Creates the database when it is missing, then applies pending migrations from drizzle/ on a
 * single dedicated connection. Safe to run on every boot and from several replicas at once.
 */
export async function migrateDatabase(databaseUrl: string, log?: Pick<Logger, 'info'>): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(databaseUrl);
  const server = await mysql.createConnection({ uri: serverUrl, connectTimeout: 5000 }).catch((err: Error) => {
    const where = new URL(serverUrl).host;
    throw new AppError(
      'db_unavailable',
      `cannot reach the database server at ${where} (${err.message}); check DATABASE_URL and that MySQL/MariaDB is running`,
      { retryable: true, cause: err },
    );
  });
  try {
    // utf8mb4_unicode_ci exists on MySQL 8, MariaDB and TiDB alike (utf8mb4_0900_ai_ci does not).
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.end();
  }

  const connection = await mysql.createConnection({ uri: databaseUrl, connectTimeout: 5000, timezone: 'Z' });
  try {
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS locked', [LOCK_NAME, LOCK_WAIT_SECONDS]);
    if (!Array.isArray(rows) || (rows[0] as { locked?: number } | undefined)?.locked !== 1) {
      throw new Error(`another migration held the "${LOCK_NAME}" lock for over ${LOCK_WAIT_SECONDS} s; retry when it has finished`);
    }
    try {
      await migrate(drizzle(connection), { migrationsFolder: MIGRATIONS_FOLDER });
      log?.info({ database }, 'migrations applied');
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    await connection.end();
  }
}

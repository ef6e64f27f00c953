import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import type { PoolConnection as CorePoolConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import * as schema from './schema/index.js';

export type Db = MySql2Database<typeof schema>;
/** A transaction handle; repository functions accept `Db | Tx`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  /** Cheap round trip for /readyz; rejects when the server cannot be reached in time. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

/** The session's isolation level for every pooled connection, before its first statement. */
export const READ_COMMITTED = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/** Fail fast when the server is down instead of queueing requests behind a dead pool. */
const CONNECT_TIMEOUT_MS = 3000;

/** Compiled row parsers kept by mysql2 (process-wide; its default is 15,000). */
const PARSER_CACHE_MAX = 1000;

export function createDb(databaseUrl: string, poolSize = 10): DbHandle {
  // mysql2 keeps up to 15,000 compiled row parsers, one per distinct set of result columns; a
  // selected value (a column named by its literal) makes a new set per value, and a worker held
  // 15,000 of them (about 50 MB of heap) after 6,000 notes. The service's queries need far fewer.
  mysql.setMaxParserCache(PARSER_CACHE_MAX);
  const pool = mysql.createPool({
    uri: databaseUrl,
    connectionLimit: poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
    // Dates are written and read as UTC (drizzle maps DATETIME as UTC strings); keep the session consistent.
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    // mysql2 captures a stack trace for every statement so that a failed one points at its caller;
    // that was 1-3 % of the worker's busy CPU in bench:e2e's profile, and the service logs a failed
    // statement's error code, never its stack (lib/safe-error.ts).
    trace: false,
  });
  // Every transaction runs READ COMMITTED (see runTransaction): set once per connection rather
  // than by a SET TRANSACTION statement before each one. A connection that cannot be set is dropped.
  // mysql2's promise pool passes on its core pool's event, with the core (callback) connection.
  pool.on('connection', (connection) => {
    const core = connection as unknown as CorePoolConnection;
    core.query(READ_COMMITTED, (err) => {
      if (err) core.destroy();
    });
  });
  const db = drizzle(pool, { schema, mode: 'default' });
  return {
    db,
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([pool.query('SELECT 1'), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => pool.end(),
  };
}

/** Splits `mysql://user@host:3306/name?x=y` into the server URL and the database name. */
export function splitDatabaseUrl(databaseUrl: string): { serverUrl: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$-]+$/.test(database)) {
    throw new Error(`DATABASE_URL must name a database made of letters, digits, _ or - (got "${database}")`);
  }
  url.pathname = '/';
  return { serverUrl: url.toString(), database };
}

import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import { vi } from 'vitest';
import { READ_COMMITTED, type Db } from '../../../src/db/client.js';
import * as schema from '../../../src/db/schema/index.js';

/**
 * A database handle whose SQL statements can be counted: its own mysql2 pool, set up like
 * `createDb`'s, with spies on `query` and `execute` that call through (nothing is replaced).
 * Statements inside `db.transaction` run on a checked-out connection and are not seen; the code
 * measured with it runs none.
 */
export function createObservedDb(url: string) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 3, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
  // As `createDb` does: its transactions rely on it.
  pool.on('connection', (connection) => connection.query(READ_COMMITTED));
  const db: Db = drizzle(pool, { schema, mode: 'default' });
  const query = vi.spyOn(pool, 'query');
  const execute = vi.spyOn(pool, 'execute');
  const sqlOf = (arg: unknown): string =>
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && 'sql' in arg && typeof arg.sql === 'string'
        ? arg.sql
        : String(arg);
  const calls = () =>
    [...query.mock.calls, ...execute.mock.calls].map((call) => ({ sql: sqlOf(call[0]), params: Array.isArray(call[1]) ? call[1] : [] }));
  return {
    db,
    pool,
    /** The statements seen since the last `reset` (queries first, then prepared statements). */
    statements: (): string[] => calls().map((c) => c.sql),
    /** The same with their parameters, e.g. to EXPLAIN them. */
    calls,
    /** How many rows each statement seen returned (0 for writes), in the order of `statements`. */
    async rowCounts(): Promise<number[]> {
      const results = await Promise.all([...query.mock.results, ...execute.mock.results].map((r) => r.value));
      return results.map((result: unknown) => (Array.isArray(result) && Array.isArray(result[0]) ? result[0].length : 0));
    },
    reset() {
      query.mockClear();
      execute.mockClear();
    },
    async close() {
      query.mockRestore();
      execute.mockRestore();
      await pool.end();
    },
  };
}

export type ObservedDb = ReturnType<typeof createObservedDb>;

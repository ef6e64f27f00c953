import { vi } from 'vitest';
import type { Db } from '../../../src/db/client.js';

/**
 * Observes the SQL statements sent through a drizzle database's mysql2 pool (nothing is
 * replaced: the spies call through). Statements inside `db.transaction` run on a checked-out
 * connection and are not seen; the code measured here runs none.
 */
export function observeStatements(db: Db) {
  const pool = db.$client;
  const query = vi.spyOn(pool, 'query');
  const execute = vi.spyOn(pool, 'execute');
  const sqlOf = (arg: unknown): string => (typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'sql' in arg && typeof arg.sql === 'string' ? arg.sql : String(arg));
  return {
    /** The statements seen since the last `reset`, in order. */
    statements: (): string[] => [...query.mock.calls, ...execute.mock.calls].map((call) => sqlOf(call[0])),
    reset() {
      query.mockClear();
      execute.mockClear();
    },
    restore() {
      query.mockRestore();
      execute.mockRestore();
    },
  };
}

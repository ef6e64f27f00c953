import { sql, type Placeholder } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/** What a drizzle query builder's `prepare()` returns, as far as this module uses it. */
type Prepared<R> = { execute(values?: Record<string, unknown>): Promise<R> };

/** The mysql2 pool or connection a drizzle database or transaction sends its statements to. */
const clientOf = (db: DbOrTx): unknown => (db as unknown as { session: { client: unknown } }).session.client;

/** `sql.placeholder` under a shorter name, for the builders given to `reusableQuery`. */
export const slot = (name: string): Placeholder => sql.placeholder(name);

/**
 * A statement whose SQL text drizzle builds once, then runs on any database or transaction with
 * fresh values. Building a statement costs drizzle about 0.1–0.5 ms of CPU (more than MariaDB takes
 * to run a keyed lookup on loopback), and the hot path of a note runs the same few shapes thousands
 * of times. `build` receives the first caller's handle and must use `slot(name)` for every value
 * that varies between calls, so that the statement's shape never does. Each later call runs a copy
 * of the prepared statement bound to its own handle's connection: inside a transaction, the
 * transaction's connection (test/integration/db/reusable-query.test.ts).
 *
 * This relies on two internals of drizzle's mysql2 driver (a database's `session.client` and a
 * prepared query's `client`), pinned by package-lock.json and covered by that test.
 */
export function reusableQuery<R, V extends Record<string, unknown>>(
  build: (db: DbOrTx) => { prepare(): Prepared<R> },
): (db: DbOrTx, values: V) => Promise<R> {
  let template: (Prepared<R> & { client: unknown }) | null = null;
  return (db, values) => {
    template ??= build(db).prepare() as Prepared<R> & { client: unknown };
    const client = clientOf(db);
    if (template.client === client) return template.execute(values);
    const bound = Object.create(template) as Prepared<R> & { client: unknown };
    bound.client = client;
    return bound.execute(values);
  };
}

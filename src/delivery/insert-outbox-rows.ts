import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { OutboxPayload } from '../db/schema/index.js';

/** One outbox row as `enqueue` builds it; the other columns keep their defaults. */
export type OutboxRowValues = {
  target: string;
  payload: OutboxPayload;
  workspaceId: number | undefined;
  dedupeKey: string | undefined;
  giveUpAt: Date;
  nextAttemptAt: Date;
  createdAt: Date;
  updatedAt: Date;
};

const id = (n: number | undefined) => {
  if (n === undefined) return 'null';
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('outbox row: workspace_id is not a whole number');
  return String(n);
};
const time = (d: Date) => `'${d.toISOString().slice(0, 23).replace('T', ' ')}'`;
/**
 * A single-quoted string literal: `'` doubled and `\` escaped. A quote cannot end the literal
 * early whether or not the server treats backslashes as escapes (NO_BACKSLASH_ESCAPES): at worst
 * that mode would keep a backslash doubled, as it would with the driver's own escaping.
 */
const text = (s: string | undefined) => (s === undefined ? 'null' : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);

/**
 * `INSERT IGNORE` of outbox rows as one statement written out here instead of through the query
 * builder: a morning's reminder run enqueues about 1,200 cards (some 2 MB of JSON) at once, and
 * passing each value through the builder and the driver's placeholder formatting cost several
 * times what writing them out does (bench:reminders). Every text, customer data included, goes
 * through `text`; numbers are checked whole; times are ISO strings of Dates.
 */
export async function insertOutboxRows(tx: DbOrTx, rows: readonly OutboxRowValues[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(
    (r) =>
      `(${id(r.workspaceId)},${text(r.target)},${text(JSON.stringify(r.payload))},${text(r.dedupeKey)},${time(r.giveUpAt)},${time(r.nextAttemptAt)},${time(r.createdAt)},${time(r.updatedAt)})`,
  );
  await tx.execute(
    sql.raw(
      `insert ignore into outbox (workspace_id, target, payload, dedupe_key, give_up_at, next_attempt_at, created_at, updated_at) values ${values.join(',')}`,
    ),
  );
}

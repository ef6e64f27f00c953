import { sql } from 'drizzle-orm';
import type { ResultSetHeader } from 'mysql2';
import type { Tx } from '../../db/client.js';

/** One `reminders` row of a run: every value a number, a time, a date or a fixed word. */
export type ReminderRowValues = {
  workspaceId: number;
  customerId: number;
  userId: number;
  kind: 'due' | 'quiet';
  dueDate: string;
  dueAt: Date;
  subjectAt: Date;
  inSummary: boolean;
  sentAt: Date;
};

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const id = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('reminder row: an id is not a whole number');
  return String(n);
};
const time = (d: Date) => `'${d.toISOString().slice(0, 23).replace('T', ' ')}'`;

/**
 * `INSERT IGNORE` of the rows as `sent`, as one statement written out here instead of through the
 * query builder: a morning run inserts about 19,000 rows, and building them parameter by parameter
 * cost more CPU than the database spent storing them (bench:reminders). Safe to inline: no value
 * comes from a person (ids are checked whole numbers, times are ISO strings of Dates, the day is
 * checked, the kind is one of two words). Returns how many rows went in.
 */
export async function insertReminderRows(tx: Tx, rows: readonly ReminderRowValues[]): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((r) => {
    if (!DAY_RE.test(r.dueDate)) throw new TypeError('reminder row: due_date is not YYYY-MM-DD');
    const kind = r.kind === 'due' ? `'due'` : `'quiet'`;
    const now = time(r.sentAt);
    return `(${id(r.workspaceId)},${id(r.customerId)},${id(r.userId)},${kind},'${r.dueDate}',${time(r.dueAt)},${time(r.subjectAt)},'sent',${r.inSummary ? 1 : 0},${now},${now},${now})`;
  });
  const [result] = (await tx.execute(
    sql.raw(
      `insert ignore into reminders (workspace_id, customer_id, user_id, kind, due_date, due_at, subject_at, status, in_summary, sent_at, created_at, updated_at) values ${values.join(',')}`,
    ),
  )) as unknown as [ResultSetHeader];
  return result.affectedRows;
}

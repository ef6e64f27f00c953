// Statements the service sent, two ways: the server-wide `Questions` and `Com_*` counters (anything
// else talking to this MariaDB counts too, our own readings included), and the service account's
// row of information_schema.USER_STATISTICS (only the service's statements; needs userstat=ON,
// which this benchmark switches on for its run and restores afterwards).
import type mysql from 'mysql2/promise';
import { SERVICE_USER } from './seed.js';

const COM = ['Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_begin', 'Com_commit', 'Com_rollback', 'Com_set_option'];

export type SqlCounters = {
  questions: number;
  com: Record<string, number>;
  user: Record<string, number> | null;
  /**
   * Rows read in the current database (the root connection's, i.e. the service's own), by table
   * (`inbound_events`) and by index (`inbound_events.PRIMARY`), from TABLE_STATISTICS and
   * INDEX_STATISTICS (userstat): a table's rows read beyond its indexes' were read by scans.
   */
  rowsRead: Record<string, number>;
};

export async function readSqlCounters(root: mysql.Connection): Promise<SqlCounters> {
  const [status] = await root.query<mysql.RowDataPacket[]>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', ${COM.map((c) => `'${c}'`).join(', ')})`,
  );
  const value = (name: string) => Number(status.find((r) => r.Variable_name === name)?.Value ?? NaN);
  const [users] = await root.query<mysql.RowDataPacket[]>(
    'SELECT SELECT_COMMANDS AS selects, UPDATE_COMMANDS AS updates, OTHER_COMMANDS AS other, COMMIT_TRANSACTIONS AS commits, ROLLBACK_TRANSACTIONS AS rollbacks, ROWS_READ AS rowsRead, ROWS_SENT AS rowsSent, ROWS_INSERTED AS rowsInserted, ROWS_UPDATED AS rowsUpdated, ROWS_DELETED AS rowsDeleted, CPU_TIME AS cpuTime, BUSY_TIME AS busyTime FROM information_schema.USER_STATISTICS WHERE USER = ?',
    [SERVICE_USER],
  );
  const u = users[0];
  const [tables] = await root.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS name, ROWS_READ AS n FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = DATABASE()',
  );
  const [indexes] = await root.query<mysql.RowDataPacket[]>(
    "SELECT CONCAT(TABLE_NAME, '.', INDEX_NAME) AS name, ROWS_READ AS n FROM information_schema.INDEX_STATISTICS WHERE TABLE_SCHEMA = DATABASE()",
  );
  return {
    questions: value('Questions'),
    com: Object.fromEntries(COM.map((c) => [c, value(c)])),
    user: u ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, Number(v)])) : null,
    rowsRead: Object.fromEntries([...tables, ...indexes].map((r) => [String(r.name), Number(r.n)])),
  };
}

/** b − a; each SHOW or SELECT of ours between them is one Question (four per reading). */
export function sqlDelta(a: SqlCounters, b: SqlCounters) {
  const user = a.user && b.user ? Object.fromEntries(Object.keys(b.user).map((k) => [k, (b.user?.[k] ?? 0) - (a.user?.[k] ?? 0)])) : null;
  return {
    questions: b.questions - a.questions - 4,
    rowsRead: Object.fromEntries(Object.keys(b.rowsRead).map((k) => [k, (b.rowsRead[k] ?? 0) - (a.rowsRead[k] ?? 0)])),
    com: Object.fromEntries(Object.keys(b.com).map((k) => [k, (b.com[k] ?? 0) - (a.com[k] ?? 0)])),
    user,
    /** The service's statements by its account: SELECT + writes (INSERT/UPDATE/DELETE, MariaDB's UPDATE_COMMANDS) + the rest (BEGIN, COMMIT, SET, …). */
    userStatements: user ? (user.selects ?? 0) + (user.updates ?? 0) + (user.other ?? 0) : null,
  };
}

export async function enableUserStats(root: mysql.Connection): Promise<() => Promise<void>> {
  const [[row]] = await root.query<mysql.RowDataPacket[]>("SHOW GLOBAL VARIABLES LIKE 'userstat'");
  const was = String(row?.Value ?? 'OFF');
  if (was !== 'ON') await root.query('SET GLOBAL userstat = ON');
  return async () => {
    if (was !== 'ON') await root.query('SET GLOBAL userstat = OFF');
  };
}

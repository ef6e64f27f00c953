import { createDb } from '../../src/db/client.js';

/** The part of mysql2's core connection we watch: every query and prepared statement passes `addCommand`. */
type CoreConnection = { addCommand(cmd: { sql?: unknown }): unknown };
type CorePool = { on(event: 'connection', listener: (connection: CoreConnection) => void): void };

/**
 * `createDb`'s handle, whose connections record every SQL statement they send, transactions
 * included (`BEGIN`, `COMMIT` are statements too): each new pool connection's `addCommand`, which
 * mysql2 runs for every query and `execute`, is wrapped and calls through. Only commands carrying
 * SQL are recorded (not the handshake or `QUIT`). What `createDb` sends once per new connection
 * (its session setup) is sent before the wrapper is in place and is not counted: it is no
 * statement of any one note.
 */
export function createStatementLog(url: string, poolSize = 5) {
  const handle = createDb(url, poolSize);
  const seen: string[] = [];
  // drizzle keeps the mysql2 pool as `$client` (not in the `Db` type); its core pool emits `connection`.
  const corePool = (handle.db as unknown as { $client: { pool: CorePool } }).$client.pool;
  corePool.on('connection', (connection) => {
    const addCommand = connection.addCommand.bind(connection);
    connection.addCommand = (cmd) => {
      if (typeof cmd.sql === 'string') seen.push(cmd.sql);
      return addCommand(cmd);
    };
  });
  return {
    handle,
    /** The statements sent since the last `reset`, in the order they were sent. */
    statements: (): string[] => [...seen],
    reset() {
      seen.length = 0;
    },
  };
}

/**
 * `insert into \`follow_ups\` (…) values (…)` → `insert follow_ups`: a short name for listing what
 * a path costs. Subqueries are left out of the name (`select customers for update`), a UNION names
 * each part (`select customers union select customer_aliases`).
 */
export function statementKind(statement: string): string {
  let text = statement.trim().replace(/\s+/g, ' ');
  const parts = text.split(/\) union all \(/i);
  if (parts.length > 1) return parts.map((part) => statementKind(part.replace(/^\(|\)[^)]*$/g, ''))).join(' union ');
  // Drop everything in parentheses (subqueries, column and value lists), innermost first.
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, '');
  }
  const verb = (text.split(' ', 1)[0] ?? '').toLowerCase();
  if (!['insert', 'update', 'delete', 'select'].includes(verb)) return text.toLowerCase();
  const table = verb === 'update' ? /^update\s+`?(\w+)`?/i.exec(text)?.[1] : /(?:from|into)\s+`?(\w+)`?/i.exec(text)?.[1];
  return `${verb} ${table ?? '?'}${/ for update$/i.test(text) ? ' for update' : ''}`;
}

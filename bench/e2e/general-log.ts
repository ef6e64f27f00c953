// The service's statements by kind (SELECT, INSERT, UPDATE, DELETE, BEGIN, COMMIT, …) and by shape,
// from MariaDB's general query log written to the mysql.general_log table for a short window.
// MariaDB's per-account counters (USER_STATISTICS) only tell SELECT / "update" (any write) / other
// apart, and performance_schema is off on this server (it needs a restart to switch on).
//
// The general log is server-wide: while it is on, every session's statements are written to the
// table, other engineers' tests included. So the window is kept to the statement-count phase,
// only the service's account's rows are read, shapes keep no literal (no note text leaves the
// table), and the table is emptied and the previous settings restored as soon as the window ends.
import type mysql from 'mysql2/promise';
import { SERVICE_USER } from './seed.js';

export const KINDS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'set', 'other'] as const;
export type Kind = (typeof KINDS)[number];

/** The statement kind of one SQL text (`START TRANSACTION` is a begin). */
export function statementKind(sql: string): Kind {
  const verb = /^\s*(?:\/\*.*?\*\/\s*)*\(?\s*(\w+)(?:\s+(\w+))?/s.exec(sql);
  const first = (verb?.[1] ?? '').toLowerCase();
  if (first === 'start' && (verb?.[2] ?? '').toLowerCase() === 'transaction') return 'begin';
  if (first === 'replace') return 'insert';
  return (KINDS as readonly string[]).includes(first) ? (first as Kind) : first === 'with' ? 'select' : 'other';
}

/**
 * A statement with its literals and value lists replaced, so that the same statement with other
 * values has the same shape: strings and numbers → ?, `IN (?, ?)` → `IN (…)`, `VALUES (…), (…)` →
 * `VALUES (…)`; for readability identifiers lose their backquotes and long column lists of a
 * SELECT or an INSERT become `…`; cut to `max` characters.
 */
export function statementShape(sql: string, max = 200): string {
  const shape = sql
    .replace(/'(?:[^'\\]|\\.|'')*'/gs, '?')
    .replace(/"(?:[^"\\]|\\.)*"/gs, '?')
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/(?<![\w`])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\s+/g, ' ')
    .replace(/\bin \((?:\?\s*,\s*)*\?\)/gi, 'in (…)')
    .replace(/\bvalues\s*\(.*?\)(?:\s*,\s*\(.*?\))*(?=\s*(?:on duplicate|$))/gi, 'values (…)')
    .replace(/`/g, '')
    .replace(/^(\(?\s*select\s+(?:distinct\s+)?)([^()]*?,[^()]*?,[^()]*?,.*?)(\s+from\s)/i, '$1…$3')
    .replace(/^(insert\s+(?:ignore\s+)?into\s+\w+\s*)\([^()]*\)/i, '$1(…)')
    .trim();
  return shape.length > max ? `${shape.slice(0, max - 1)}…` : shape;
}

/** Restores the settings of the window in progress, if any (for a run interrupted by a signal). */
let restoreOpenWindow: (() => Promise<void>) | null = null;
export const closeOpenGeneralLog = async (): Promise<void> => {
  await restoreOpenWindow?.();
};

export type GeneralLogWindow = {
  /** Ends the window: reads the service's statements, empties the table, restores the settings. */
  stop(): Promise<{ statements: number; byKind: Record<Kind, number>; byShape: Record<string, number>; prepares: number }>;
};

/**
 * Turns the general log on into mysql.general_log (TABLE) and returns the window; null, with the
 * reason, when it was already on (someone else's log: not touched) or cannot be switched.
 */
export async function startGeneralLog(root: mysql.Connection): Promise<GeneralLogWindow | { skipped: string }> {
  const [[on]] = await root.query<mysql.RowDataPacket[]>("SHOW GLOBAL VARIABLES LIKE 'general_log'");
  const [[output]] = await root.query<mysql.RowDataPacket[]>("SHOW GLOBAL VARIABLES LIKE 'log_output'");
  if (String(on?.Value) === 'ON') return { skipped: 'the general log was already on (left as it was)' };
  const wasOutput = String(output?.Value ?? 'FILE');
  try {
    await root.query("SET GLOBAL log_output = 'TABLE'");
    await root.query('TRUNCATE TABLE mysql.general_log');
    await root.query('SET GLOBAL general_log = ON');
  } catch (err) {
    await root.query(`SET GLOBAL log_output = '${wasOutput}'`).catch(() => undefined);
    return { skipped: `could not switch the general log on: ${(err as Error).message}` };
  }
  let stopped = false;
  const restore = async () => {
    restoreOpenWindow = null;
    await root.query('SET GLOBAL general_log = OFF').catch(() => undefined);
    await root.query('TRUNCATE TABLE mysql.general_log').catch(() => undefined);
    await root.query(`SET GLOBAL log_output = '${wasOutput}'`).catch(() => undefined);
  };
  restoreOpenWindow = restore;
  return {
    async stop() {
      if (stopped) throw new Error('general log window already stopped');
      stopped = true;
      try {
        await root.query('SET GLOBAL general_log = OFF');
        // user_host reads "genjin_e2e[genjin_e2e] @ localhost [127.0.0.1]".
        const [rows] = await root.query<mysql.RowDataPacket[]>(
          "SELECT command_type AS type, CONVERT(argument USING utf8mb4) AS sql_text FROM mysql.general_log WHERE user_host LIKE ? AND command_type IN ('Query', 'Execute', 'Prepare')",
          [`${SERVICE_USER}[%`],
        );
        const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
        const byShape: Record<string, number> = {};
        let prepares = 0;
        let statements = 0;
        for (const r of rows) {
          if (r.type === 'Prepare') {
            prepares++;
            continue;
          }
          const text = String(r.sql_text ?? '');
          statements++;
          byKind[statementKind(text)]++;
          const shape = statementShape(text);
          byShape[shape] = (byShape[shape] ?? 0) + 1;
        }
        return { statements, byKind, byShape, prepares };
      } finally {
        await restore();
      }
    },
  };
}

import { isAppError } from './errors.js';

/**
 * Errors as they may be logged or stored. A database error's message carries the query's
 * parameters (drizzle: "Failed query: … params: <note text, phone>"; MySQL: "Duplicate entry
 * '<customer name>'"), and notes are personal data: such errors are reduced to their codes.
 */
type DbErrorLike = { errno?: unknown; code?: unknown; sqlState?: unknown };

function isDbError(err: unknown): err is Error & DbErrorLike {
  if (!(err instanceof Error)) return false;
  const e = err as Error & DbErrorLike & { query?: unknown; params?: unknown };
  return e.sqlState !== undefined || typeof e.errno === 'number' || e.query !== undefined || e.params !== undefined;
}

/** The innermost database error in a cause chain, if any. */
function dbErrorIn(err: unknown, depth = 0): (Error & DbErrorLike) | null {
  if (depth > 5 || !(err instanceof Error)) return null;
  const inner = dbErrorIn((err as { cause?: unknown }).cause, depth + 1);
  if (inner && typeof inner.errno === 'number') return inner;
  return isDbError(err) ? err : inner;
}

/** A short, stable code for `last_error` columns and metrics: `db:ER_NO_SUCH_TABLE`, `platform_error`, `TypeError`. */
export function errorCode(err: unknown): string {
  const db = dbErrorIn(err);
  if (db) return `db:${typeof db.code === 'string' ? db.code : typeof db.errno === 'number' ? db.errno : 'query_failed'}`;
  if (isAppError(err)) return err.code;
  if (err instanceof Error) return err.name;
  return 'unknown';
}

/**
 * pino's `err` serializer: database errors become `{ type, code, errno, sqlState }` with no message
 * or stack (both hold the parameters); other errors keep their message and stack.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  const db = dbErrorIn(err);
  if (db) {
    return {
      type: err instanceof Error ? err.name : 'Error',
      code: typeof db.code === 'string' ? db.code : undefined,
      errno: typeof db.errno === 'number' ? db.errno : undefined,
      sqlState: typeof db.sqlState === 'string' ? db.sqlState : undefined,
      message: 'database query failed (parameters withheld)',
    };
  }
  if (err instanceof Error) {
    return {
      type: err.name,
      message: err.message,
      stack: err.stack,
      ...(isAppError(err) ? { code: err.code, retryable: err.retryable } : {}),
    };
  }
  return { type: typeof err, message: String(err) };
}

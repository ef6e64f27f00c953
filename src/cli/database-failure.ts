/** Network-level codes: the server was not reached, as opposed to a statement that failed. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
]);

/** The error's code only: a database error's message can hold a query's parameters. */
export function codeOf(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return err instanceof Error ? err.name : 'unknown';
}

/** What an operator reads when a command's database work fails: how to fix an unreachable server, else the code. */
export function describeDatabaseFailure(err: unknown, what: string): string {
  const code = codeOf(err);
  return UNREACHABLE.has(code) ? `cannot reach the database (${code}); check DATABASE_URL and that the server is up` : `${what} (${code})`;
}

/** Stable error codes: logs, metrics and tests match on these, never on messages. */
export type AppErrorCode = 'config_invalid' | 'db_unavailable' | 'malformed' | 'platform_error' | 'rate_limited' | 'token_expired';

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Whether doing the same thing again later may succeed (network, rate limit, outage). */
  readonly retryable: boolean;
  /** For rate limits: how long the other side asked us to wait. */
  readonly retryAfterMs: number | undefined;
  readonly context: Record<string, unknown> | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { retryable?: boolean; retryAfterMs?: number; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.context = opts.context;
  }
}

export function isAppError(err: unknown, code?: AppErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

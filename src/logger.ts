import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './lib/safe-error.js';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: credentials, tokens and personal data. Note text is
 * customer data too; code logs its length, never the text, and `text`/`content` are redacted as a net.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-lark-signature"]',
  '*.appSecret',
  '*.secret',
  '*.encryptKey',
  '*.encodingAesKey',
  '*.verificationToken',
  '*.token',
  '*.apiKey',
  '*.accessToken',
  '*.access_token',
  '*.tenant_access_token',
  '*.phone',
  '*.mobile',
  '*.email',
  '*.text',
  '*.content',
];

/** Database errors are logged by code only: their messages hold the query's parameters. */
export const LOG_SERIALIZERS = { err: serializeError, error: serializeError };

export function createLogger(opts: { level: string; destination?: DestinationStream; pretty?: boolean }): Logger {
  const options = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: LOG_SERIALIZERS,
    base: { service: 'genjin' },
  };
  if (opts.destination) return pino(options, opts.destination);
  // Pretty output only for a person at a terminal; containers and CI get JSON lines.
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  return pino(options);
}

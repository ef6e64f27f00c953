import type { Logger } from 'pino';

/**
 * The logger interface the Feishu and WeCom SDKs accept, on top of pino. SDKs log whole errors
 * (request configs, headers with tokens), so only messages are kept; debug and trace are dropped.
 */
/** An error's or error-like object's message (the SDKs log `[{ message, config, … }]`); never the object. */
function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  if (Array.isArray(part)) return part.map(describe).join('; ');
  if (part && typeof part === 'object') {
    const m = (part as { message?: unknown; msg?: unknown }).message ?? (part as { msg?: unknown }).msg;
    return typeof m === 'string' ? m : '[object]';
  }
  return String(part);
}

export function sdkLogger(log: Logger, message: string) {
  const line =
    (level: 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) =>
      log[level]({ sdk: parts.map(describe) }, message);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: () => undefined, trace: () => undefined };
}

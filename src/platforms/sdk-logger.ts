import type { Logger } from 'pino';

/**
 * The logger interface the Feishu and WeCom SDKs accept, on top of pino. SDKs log whole errors
 * (request configs, headers with tokens), so only messages are kept; debug and trace are dropped.
 */
export function sdkLogger(log: Logger, message: string) {
  const line = (level: 'info' | 'warn' | 'error') => (...parts: unknown[]) =>
    log[level]({ sdk: parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : '[object]')) }, message);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: () => undefined, trace: () => undefined };
}

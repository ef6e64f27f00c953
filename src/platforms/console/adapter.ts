import type { Logger } from 'pino';
import { CONSOLE_PLATFORM, CONSOLE_TENANT } from '../../config/console-demo.js';
import type { TeamSettings } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AcceptDeps } from '../../messaging/accept-inbound.js';
import type { PlatformAdapter } from '../../messaging/adapter.js';
import type { Capabilities } from '../../messaging/types.js';
import { consoleDirectory, consoleProfileName } from './directory.js';
import { consoleRoutes } from './routes.js';
import { chatKeyOf, createConsoleStore } from './store.js';

/** Everything the card model has: forms, native person and date pickers, rows with their own controls, mentions, updates by id. */
export const CONSOLE_CAPABILITIES: Capabilities = {
  inputs: true,
  controls: 20,
  maxOptions: 200,
  // A select sends its choice with its own button: choosing with the arrow keys must not submit.
  controlsCallBack: false,
  personPicker: true,
  datePicker: true,
  maxButtons: 60,
  maxLabel: 60,
  sections: true,
  mentions: true,
  charts: true,
  updateById: true,
};

/** What the console offers beside chatting, handed in by the composition root (the adapter imports no job or domain code). */
export type ConsoleHooks = {
  jobs(): { name: string; cron: string }[];
  /** Runs a job once through the claimed-job runner, at `now` when given (its slot), else at the clock's now. */
  runJob(name: string, now: Date | null): Promise<{ outcome: string; report?: Record<string, unknown> }>;
  workspaceEmpty(): Promise<boolean>;
  seedDemo(): Promise<Record<string, number>>;
};

export type ConsoleConfig = { token: string | null; teams: TeamSettings[] };

/**
 * The local console behind the one port: a page at /console where anyone on this machine (or with
 * the token) acts as any user of its own workspace (platform `console`, tenant `local`). Typed
 * messages and clicks enter through the inbox like any platform's; the outbox delivers to `send`
 * and `update`, which keep the conversation and push it to the open pages.
 */
export function createConsoleAdapter(
  config: ConsoleConfig,
  deps: { log: Logger; clock: Clock; accept: AcceptDeps; hooks: ConsoleHooks },
): PlatformAdapter {
  const store = createConsoleStore(() => deps.clock.now());
  // A retried outbox row carries the same key: the page shows it once, as Feishu does with `uuid`.
  const sentByKey = new Map<string, string>();
  const routes = consoleRoutes({
    ...deps,
    store,
    token: config.token,
    platform: CONSOLE_PLATFORM,
    tenant: CONSOLE_TENANT,
    directory: consoleDirectory(config.teams),
    capabilities: CONSOLE_CAPABILITIES,
  });
  return {
    platform: CONSOLE_PLATFORM,
    capabilities: CONSOLE_CAPABILITIES,
    routes: [routes],
    async send(to, message, opts) {
      const known = opts?.idempotencyKey ? sentByKey.get(opts.idempotencyKey) : undefined;
      if (known) return known;
      const sent = store.add(chatKeyOf(to), 'bot', message, { replyTo: opts?.replyTo });
      if (opts?.idempotencyKey) sentByKey.set(opts.idempotencyKey, sent.id);
      if (sentByKey.size > 5000) sentByKey.delete(sentByKey.keys().next().value ?? '');
      return sent.id;
    },
    async update(ref, message) {
      if (!store.replace(ref, message))
        throw new AppError('platform_error', `console message ${ref} is no longer shown (the console keeps messages in memory)`, {
          retryable: false,
        });
    },
    async profile(userId) {
      const name = consoleProfileName(userId);
      return name ? { name } : null;
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/client.js';
import { createInbox } from './delivery/inbox.js';
import { outboxDepth } from './delivery/outbox.js';
import { createUsersService, type UsersService } from './domain/users/users-service.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import type { Clock } from './lib/clock.js';
import type { AcceptDeps } from './messaging/accept-inbound.js';
import type { PlatformAdapter } from './messaging/adapter.js';
import { createClickWaiters } from './messaging/click-waiters.js';
import type { InboxWake } from './messaging/inbox-worker.js';
import { createAdapters } from './platforms/index.js';
import type { SmartBotSocket } from './platforms/wecom/smart-bot.js';

/**
 * The web process of `npm start` (or `GENJIN_WORKER=off`): what main.ts needs of it, a subset of
 * `Genjin` (compose.ts) under the same names.
 */
export type GenjinWeb = {
  app: FastifyInstance;
  services: { users: UsersService };
  adapters: ReadonlyMap<string, PlatformAdapter>;
  metrics: Metrics;
  eventDeps: AcceptDeps;
  role: 'web';
  /** Starts the long connections, which receive events. */
  start(): void;
  stop(): Promise<void>;
};

/**
 * The web role alone: verify, decrypt, store and acknowledge the platforms' events (webhooks and
 * long connections), hint the worker, hand a click's answer back while its callback waits, and
 * serve /healthz, /readyz, /metrics and the admin API. It imports none of the worker's modules
 * (the bot, the note parser and its segmenter, the outbox, the jobs, the platforms' sending
 * clients): test/integration/reliability/web-modules.test.ts checks what `npm start` loads here.
 * The console needs the whole service in its process: compose it with composeGenjin.
 */
export async function composeWeb(
  config: Config,
  deps: {
    log: Logger;
    clock: Clock;
    database: DbHandle;
    defaultMetrics?: boolean;
    /** How the worker hears of a stored row; without it, the worker polls. */
    wake?: InboxWake;
    wecomBotSocket?: SmartBotSocket;
    inbox?: { recordTimeoutMs?: number };
  },
): Promise<GenjinWeb> {
  if (config.console) throw new Error('the console runs the whole service in one process: compose it with composeGenjin');
  const { log, clock, database } = deps;
  const db = database.db;
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(db), defaultMetrics: deps.defaultMetrics });
  const inbox = createInbox({ db, clock, recordTimeoutMs: deps.inbox?.recordTimeoutMs });
  const eventDeps: AcceptDeps = { inbox, worker: deps.wake ?? { submit: () => false }, waiters: createClickWaiters(), metrics, log };
  const adapters = await createAdapters(config, { log, clock, accept: eventDeps, sends: false, wecomBotSocket: deps.wecomBotSocket });
  const adminApi = config.adminApi ? (await import('./api/routes.js')).adminApiRoutes({ db, clock, ...config.adminApi }) : undefined;
  const app = await buildApp({
    log,
    metrics,
    ping: () => database.ping(),
    webhooks: [...adapters.values()].flatMap((a) => a.routes ?? []),
    adminApi,
  });
  const background = [...adapters.values()].flatMap((a) => a.background ?? []);
  return {
    app,
    services: { users: createUsersService({ db, clock, teams: config.teams, admins: config.admins }) },
    adapters,
    metrics,
    eventDeps,
    role: 'web',
    start() {
      for (const b of background) b.start();
    },
    async stop() {
      for (const b of background) await b.stop();
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { adminApiRoutes } from './api/routes.js';
import { buildApp } from './app.js';
import { createBot, type Bot } from './bot/create-bot.js';
import { handoverOutbound } from './bot/handover/notify.js';
import type { Config } from './config.js';
import { createConsoleHooks } from './console-hooks.js';
import type { DbHandle } from './db/client.js';
import { createInbox } from './delivery/inbox.js';
import { outboxDepth } from './delivery/outbox.js';
import { createOutboxWorker } from './delivery/outbox-worker.js';
import { createRateLimiter } from './delivery/rate-limiter.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createWorkJobs } from './compose-jobs.js';
import { warmUpNoteParser } from './domain/notes/index.js';
import { createJobs } from './jobs/index.js';
import type { Job } from './jobs/types.js';
import type { Clock } from './lib/clock.js';
import type { AcceptDeps } from './messaging/accept-inbound.js';
import type { PlatformAdapter } from './messaging/adapter.js';
import { createClickWaiters } from './messaging/click-waiters.js';
import { createMessengerDeliver } from './messaging/deliver.js';
import { createInboxWorker, type InboxWake, type InboxWorker } from './messaging/inbox-worker.js';
import type { OfferClick } from './messaging/click-waiters.js';
import { createInboundRunner } from './messaging/run-inbound.js';
import { createAdapters } from './platforms/index.js';
import type { SmartBotSocket } from './platforms/wecom/smart-bot.js';
import { createServices, type Services } from './services.js';

export type Genjin = {
  app: FastifyInstance;
  services: Services;
  bot: Bot;
  adapters: ReadonlyMap<string, PlatformAdapter>;
  jobs: Job[];
  outbox: ReturnType<typeof createOutboxWorker>;
  /** Runs the stored inbox rows; `drain()` waits for what is queued (tests, shutdown). */
  worker: InboxWorker;
  metrics: ReturnType<typeof createMetrics>;
  /** What a platform receiver needs to hand events to the bot (the webhooks and long connections use it). */
  eventDeps: AcceptDeps;
  /** The role this composition plays (see ComposeDeps.role). */
  role: GenjinRole;
  /**
   * Starts what runs beside HTTP for the role: the long connections (all, web), the inbox worker's
   * poll and the outbox worker (all, worker).
   */
  start(): void;
  /** Stops background work and waits for what is in flight (the caller closes the app and pool). */
  stop(): Promise<void>;
};

/**
 * `all`: one process stores, acknowledges and runs everything (tests; `GENJIN_WORKER=inline`).
 * `web`: stores and acknowledges only; `wake` tells a worker that rows wait.
 * `worker`: runs the stored rows, the outbox and (through main/cli) the jobs; serves no webhook.
 */
export type GenjinRole = 'all' | 'web' | 'worker';

export type ComposeDeps = {
  role?: GenjinRole;
  /** web: how the worker process hears of a stored row; without it, it polls (clicks are then answered later). */
  wake?: InboxWake;
  /** worker: hands a click's answer to the web process still waiting for it; without it, answers go through the outbox. */
  offerClick?: OfferClick;
  /** Metrics built by the caller (a forked worker forwards its counts to the web process's); default: a fresh registry. */
  metrics?: Metrics;
  /** How often the inbox worker polls the database besides the hints. */
  pollMs?: number;
  log: Logger;
  clock: Clock;
  database: DbHandle;
  defaultMetrics?: boolean;
  wecomBotSocket?: SmartBotSocket;
  inbox?: { leaseMs?: number; maxQueued?: number; recordTimeoutMs?: number };
};

/**
 * Wires the service from validated config and the few things main.ts (or a test) owns: logger,
 * clock and database. Domain services (services.ts), the bot, the inbox and its worker, one
 * adapter per configured platform (platforms/index.ts), the outbox worker and the jobs. Nothing
 * here reads the environment or listens.
 */
export async function composeGenjin(config: Config, deps: ComposeDeps): Promise<Genjin> {
  const { log, clock, database } = deps;
  const db = database.db;
  const metrics = deps.metrics ?? createMetrics({ outboxDepth: () => outboxDepth(db), defaultMetrics: deps.defaultMetrics });
  const services = createServices({ config, db, clock, log });

  // The bot asks platforms for profiles through the adapters, which exist only after the bot: look them up late.
  let adapters: ReadonlyMap<string, PlatformAdapter> = new Map();
  const bot = createBot({
    config,
    clock,
    log,
    users: services.users,
    followUps: services.followUps,
    ownership: services.ownership,
    handover: services.handover,
    customers: services.customers,
    pool: services.pool,
    outbox: services.outbox,
    extractor: services.extractor,
    digest: services.digest,
    reminders: services.reminders,
    reminderActions: services.reminderActions,
    escalations: services.escalations,
    poolWarnings: services.poolWarnings,
    isActionable: services.isActionable,
    readDate: services.readDate,
    capabilities: (platform) => adapters.get(platform)?.capabilities ?? null,
    profile: async (platform, userId) => (await adapters.get(platform)?.profile?.(userId)) ?? null,
  });

  const role = deps.role ?? 'all';
  const inbox = createInbox({ db, clock, recordTimeoutMs: deps.inbox?.recordTimeoutMs });
  const waiters = createClickWaiters();
  const offerClick: OfferClick =
    role === 'all' ? async (eventId, result) => waiters.offer(eventId, result) : (deps.offerClick ?? (async () => false));
  const worker = createInboxWorker({
    inbox,
    clock,
    log: log.child({ component: 'inbox' }),
    run: createInboundRunner({ handlers: bot, offer: offerClick, enqueue: services.outbox.enqueue }),
    giveUp: (event) => bot.onGiveUp(event),
    leaseMs: deps.inbox?.leaseMs,
    maxQueued: deps.inbox?.maxQueued,
    // Replies to a message run here are inserted claimed and sent by the outbox (built below, with the adapters) after their commit.
    openReplies: () => outbox.openReplies(),
    onFinished: (claims) => outbox.nudge(claims),
  });
  const wake: InboxWake = role === 'all' ? worker : role === 'web' ? (deps.wake ?? { submit: () => false }) : { submit: () => false };
  const eventDeps: AcceptDeps = { inbox, worker: wake, waiters, metrics, log };
  // The console lists and runs the jobs, which are built with the returned service below.
  let jobs: Job[] = [];
  const consoleHooks = createConsoleHooks({
    config,
    db,
    clock,
    log,
    services,
    jobs: () => jobs,
    onJobOutcome: (name, outcome) => metrics.jobRuns.inc({ job: name, outcome }),
  });
  adapters = await createAdapters(config, {
    log,
    clock,
    accept: eventDeps,
    sends: role !== 'web',
    wecomBotSocket: deps.wecomBotSocket,
    consoleHooks,
  });

  const sendLimits = [...adapters.values()].flatMap((a) => (a.sendLimit ? [a.sendLimit.windowMs] : []));
  const outbox = createOutboxWorker({
    db,
    clock,
    log: log.child({ component: 'outbox' }),
    deliver: createMessengerDeliver(adapters),
    limiter: createRateLimiter({
      db,
      limitFor: (target) => adapters.get(target.split(':', 1)[0] ?? '')?.sendLimit ?? null,
      countWindowMs: sendLimits.length > 0 ? Math.max(...sendLimits) : undefined,
    }),
    onOutcome: (row, outcome) => metrics.outboxDeliveries.inc({ platform: row.target.split(':', 1)[0] ?? 'unknown', outcome }),
  });
  const app = await buildApp({
    log,
    metrics,
    ping: () => database.ping(),
    webhooks: [...adapters.values()].flatMap((a) => a.routes ?? []),
    adminApi: config.adminApi ? adminApiRoutes({ db, clock, ...config.adminApi }) : undefined,
  });
  const background = [...adapters.values()].flatMap((a) => a.background ?? []);

  return {
    app,
    services,
    bot,
    adapters,
    jobs: (jobs = [
      ...createJobs({
        db,
        clock,
        inbox,
        runDueHandovers: () => services.handover.runDue({ outbound: handoverOutbound({ locale: config.locale }) }),
      }),
      ...createWorkJobs({ config, db, clock, log, services }),
    ]),
    outbox,
    worker,
    metrics,
    eventDeps,
    role,
    start() {
      if (role !== 'web') {
        // Before the first row is claimed: the segmenter's load is not added to the first reply.
        warmUpNoteParser();
        outbox.start();
        worker.start(deps.pollMs);
      }
      // Long connections receive events: they belong where events are stored and acknowledged.
      if (role !== 'worker') for (const b of background) b.start();
    },
    async stop() {
      for (const b of background) await b.stop();
      await worker.stop();
      await outbox.stop();
    },
  };
}

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { WSClient } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { createBot, type Bot } from './bot/create-bot.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/client.js';
import { createInbox } from './delivery/inbox.js';
import { enqueue, outboxDepth } from './delivery/outbox.js';
import { createOutboxWorker } from './delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix } from './delivery/rate-limiter.js';
import { createFollowUpsService } from './domain/follow-ups/follow-ups-service.js';
import { createNoteExtractor, isActionable, parseNote } from './domain/notes/index.js';
import { createUsersService } from './domain/users/users-service.js';
import { createMetrics } from './http/metrics.js';
import { inboxSweepJob } from './jobs/inbox-sweep.js';
import { pruneInboundEventsJob } from './jobs/prune-inbound-events.js';
import { pruneJobRunsJob } from './jobs/prune-job-runs.js';
import { pruneOutboxJob } from './jobs/prune-outbox.js';
import type { Job } from './jobs/types.js';
import type { Clock } from './lib/clock.js';
import { createChatModel } from './llm/openai-compatible.js';
import { createMessengerDeliver } from './messaging/deliver.js';
import { createClickWaiters } from './messaging/click-waiters.js';
import { createInboxWorker, type InboxWorker } from './messaging/inbox-worker.js';
import { createInboundRunner } from './messaging/run-inbound.js';
import type { MessengerClient, Platform } from './messaging/types.js';
import { createFeishuClient, createFeishuEventDispatcher, feishuWebhook, startFeishuWebSocket } from './platforms/feishu/index.js';
import type { FeishuEventDeps } from './platforms/feishu/process-event.js';
import { createWecomClient } from './platforms/wecom/client.js';
import { createWecomMessenger } from './platforms/wecom/messenger.js';
import { sdkLogger } from './platforms/sdk-logger.js';
import { createSmartBot, type SmartBotSocket } from './platforms/wecom/smart-bot.js';
import { wecomWebhook } from './platforms/wecom/webhook.js';

/** Per-recipient send limits: Feishu 5 messages/s to one chat; WeCom 30/min to one member. */
const SEND_LIMITS = { 'feishu:': { limit: 5, windowMs: 1000 }, 'wecom:': { limit: 30, windowMs: 60_000 } };

export type Genjin = {
  app: FastifyInstance;
  bot: Bot;
  jobs: Job[];
  outbox: ReturnType<typeof createOutboxWorker>;
  /** Runs the stored inbox rows; `drain()` waits for what is queued (tests, shutdown). */
  worker: InboxWorker;
  metrics: ReturnType<typeof createMetrics>;
  /** What a platform receiver needs to hand events to the bot (the webhook and long connections use it). */
  eventDeps: FeishuEventDeps;
  /** Starts what runs beside HTTP: the outbox worker and the long connections. */
  start(): void;
  /** Stops background work and waits for what is in flight (the caller closes the app and pool). */
  stop(): Promise<void>;
};

/**
 * Wires the service from validated config and the few things main.ts (or a test) owns: logger,
 * clock and database. Nothing here reads the environment or listens.
 */
export async function composeGenjin(
  config: Config,
  deps: { log: Logger; clock: Clock; database: DbHandle; defaultMetrics?: boolean; wecomBotSocket?: SmartBotSocket; inbox?: { leaseMs?: number; maxQueued?: number; recordTimeoutMs?: number } },
): Promise<Genjin> {
  const { log, clock, database } = deps;
  const db = database.db;
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(db), defaultMetrics: deps.defaultMetrics });
  const inbox = createInbox({ db, clock, recordTimeoutMs: deps.inbox?.recordTimeoutMs });
  const users = createUsersService({ db, clock, teams: config.teams });
  const followUps = createFollowUpsService({ db, clock });
  const model = config.llm ? createChatModel(config.llm) : null;
  const extractor = createNoteExtractor({ model, log });

  const clients: Partial<Record<Platform, MessengerClient>> = {};
  const profiles: Parameters<typeof createBot>[0]['profiles'] = {};
  const webhooks: FastifyPluginAsync[] = [];
  const background: { start(): void; stop(): Promise<void> | void }[] = [];

  const bot = createBot({
    config,
    db,
    clock,
    log,
    users,
    followUps,
    extractor,
    isActionable,
    readDate: (text, opts) => {
      const at = parseNote(text, { now: opts.now, timeZone: opts.timeZone, defaultHour: config.reminders.defaultHour }).nextFollowUpAt;
      return at ? new Date(at) : null;
    },
    profiles,
  });

  const waiters = createClickWaiters();
  const worker = createInboxWorker({
    inbox,
    clock,
    log: log.child({ component: 'inbox' }),
    run: createInboundRunner({ handlers: bot, waiters, enqueue: (message) => enqueue(db, message, clock.now()) }),
    giveUp: (event) => bot.onGiveUp(event),
    leaseMs: deps.inbox?.leaseMs,
    maxQueued: deps.inbox?.maxQueued,
  });
  const eventDeps: FeishuEventDeps = { inbox, worker, waiters, metrics, log };

  if (config.feishu) {
    const feishu = config.feishu;
    const client = createFeishuClient({ appId: feishu.appId, appSecret: feishu.appSecret, baseUrl: feishu.baseUrl, log });
    clients.feishu = client;
    profiles.feishu = async (openId) => {
      const profile = await client.getUserProfile(openId);
      return profile ? { name: profile.name, managerPlatformUserId: profile.managerOpenId } : null;
    };
    let botOpenId: string | null = null;
    const feishuDeps = { ...eventDeps, botOpenId: () => botOpenId };
    background.push({
      start: () => void client.getBotOpenId().then((id) => (botOpenId = id)),
      stop: () => undefined,
    });
    if (feishu.mode === 'webhook') {
      webhooks.push(feishuWebhook({ ...feishuDeps, clock, verificationToken: feishu.verificationToken, encryptKey: feishu.encryptKey }));
    } else {
      let ws: { close(): void } | null = null;
      background.push({
        start: () => (ws = startFeishuWebSocket({ appId: feishu.appId, appSecret: feishu.appSecret, baseUrl: feishu.baseUrl, log, dispatcher: createFeishuEventDispatcher(feishuDeps) })),
        stop: () => ws?.close(),
      });
    }
  }

  let wecomApp: MessengerClient | null = null;
  if (config.wecom) {
    const wecom = config.wecom;
    const client = createWecomClient({ corpId: wecom.corpId, agentId: wecom.agentId, secret: wecom.secret, baseUrl: wecom.baseUrl, log });
    wecomApp = client;
    profiles.wecom = async (userId) => {
      const user = await client.getUser(userId);
      return user ? { name: user.name, managerPlatformUserId: user.managerUserId } : null;
    };
    webhooks.push(
      wecomWebhook({
        ...eventDeps,
        corpId: wecom.corpId,
        token: wecom.token,
        encodingAesKey: wecom.encodingAesKey,
        clock,
      }),
    );
  }

  let wecomBot: MessengerClient | null = null;
  if (config.wecomBot) {
    const socket = deps.wecomBotSocket ?? new WSClient({ botId: config.wecomBot.botId, secret: config.wecomBot.secret, logger: sdkLogger(log.child({ component: 'wecom-sdk' }), 'wecom sdk') });
    const smartBot = createSmartBot({ socket, tenant: config.wecom?.corpId ?? `bot:${config.wecomBot.botId}`, accept: eventDeps, log, now: () => clock.now() });
    wecomBot = smartBot.messenger;
    background.push({ start: () => smartBot.start(), stop: () => smartBot.stop() });
  }
  if (wecomApp || wecomBot) clients.wecom = createWecomMessenger({ app: wecomApp, bot: wecomBot });

  const outbox = createOutboxWorker({
    db,
    clock,
    log: log.child({ component: 'outbox' }),
    deliver: createMessengerDeliver(clients),
    limiter: createRateLimiter({ db, limitFor: limitsByPrefix(SEND_LIMITS) }),
    onOutcome: (row, outcome) => metrics.outboxDeliveries.inc({ platform: row.target.split(':', 1)[0] ?? 'unknown', outcome }),
  });
  const app = await buildApp({ log, metrics, ping: () => database.ping(), webhooks });

  return {
    app,
    bot,
    jobs: [inboxSweepJob(worker), pruneInboundEventsJob(inbox), pruneJobRunsJob({ db, clock }), pruneOutboxJob({ db, clock })],
    outbox,
    worker,
    metrics,
    eventDeps,
    start() {
      outbox.start();
      for (const b of background) b.start();
    },
    async stop() {
      for (const b of background) await b.stop();
      await worker.stop();
      await outbox.stop();
    },
  };
}


// One side of `npm run bench:webhook`: serves POST /webhooks/feishu on 127.0.0.1 as genjin does
// (verification, decryption, zod, inbox insert into MariaDB, 200) or as the official SDK's
// EventDispatcher does (verification, decryption, dispatch; it stores nothing).
import http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { createDb } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { createInbox } from '../src/delivery/inbox.js';
import { createMetrics } from '../src/http/metrics.js';
import { systemClock } from '../src/lib/clock.js';
import { createClickWaiters } from '../src/messaging/click-waiters.js';
import { createInboxWorker } from '../src/messaging/inbox-worker.js';
import { feishuWebhook } from '../src/platforms/feishu/webhook.js';

export const BENCH_KEY = 'bench encrypt key';
export const BENCH_TOKEN = 'bench_verification_token';

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);

if (mode === 'sdk') {
  const dispatcher = new lark.EventDispatcher({
    encryptKey: BENCH_KEY,
    verificationToken: BENCH_TOKEN,
    loggerLevel: lark.LoggerLevel.error,
  }).register({
    'im.message.receive_v1': async () => undefined,
  });
  http.createServer(lark.adaptDefault('/webhooks/feishu', dispatcher)).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else {
  const url = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/genjin_bench';
  await migrateDatabase(url);
  const database = createDb(url, 16);
  const log = pino({ level: 'warn' });
  const metrics = createMetrics();
  const inbox = createInbox({ db: database.db, clock: systemClock });
  // The bot is replaced by a no-op runner (each stored row is still claimed and finished): this
  // measures the acknowledgement path, not note handling.
  const worker = createInboxWorker({ inbox, clock: systemClock, log, run: async () => undefined, giveUp: async () => undefined });
  const waiters = createClickWaiters();
  const app = await buildApp({
    log,
    metrics,
    ping: () => database.ping(),
    webhooks: [
      feishuWebhook({
        inbox,
        worker,
        waiters,
        metrics,
        log,
        verificationToken: BENCH_TOKEN,
        encryptKey: BENCH_KEY,
        clock: systemClock,
        botOpenId: () => null,
      }),
    ],
  });
  await app.listen({ host: '127.0.0.1', port });
  process.send?.('ready');
}

// Exit normally on SIGTERM so `--cpu-prof` (BENCH_PROFILE_DIR) can write its profile.
process.on('SIGTERM', () => process.exit(0));

// Composition root: the only module that reads process.env, opens the pool, starts jobs and listens.
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createDb } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createInbox } from './delivery/inbox.js';
import { outboxDepth } from './delivery/outbox.js';
import { createMetrics } from './http/metrics.js';
import { runClaimedJob } from './jobs/run-claimed-job.js';
import { pruneInboundEventsJob } from './jobs/prune-inbound-events.js';
import { createScheduler } from './jobs/scheduler.js';
import { systemClock } from './lib/clock.js';
import { isAppError } from './lib/errors.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY && (await canPrettyPrint()) });
  log.info({ configSource: config.configSource, feishu: Boolean(config.feishu), wecom: Boolean(config.wecom) }, 'starting genjin');

  if (config.migrateOnStart) await migrateDatabase(config.databaseUrl, log);
  const database = createDb(config.databaseUrl, config.databasePoolSize);
  const clock = systemClock;
  const owner = `${hostname()}:${process.pid}`;
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(database.db), defaultMetrics: true });
  const inbox = createInbox({ db: database.db, clock });

  const app = await buildApp({ log, metrics, ping: () => database.ping() });
  const scheduler = createScheduler({
    timeZone: config.timeZone,
    run: (job, slot) =>
      runClaimedJob({ db: database.db, clock, log, owner, onOutcome: (name, outcome) => metrics.jobRuns.inc({ job: name, outcome }) }, job, slot),
  });
  scheduler.start([pruneInboundEventsJob(inbox)]);

  // Stop accepting, let in-flight requests finish, stop jobs and workers, then close the pool.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an unexpected error');
    else log.info({ signal }, 'shutting down');
    await app.close();
    await scheduler.stop();
    await database.close();
  });

  await app.listen({ host: config.host, port: config.port });
}

/** pino-pretty is a dev dependency; production images log JSON even on a TTY. */
async function canPrettyPrint(): Promise<boolean> {
  try {
    await import('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

main().catch((err: unknown) => {
  // Boot failures (bad config, unreachable database) already say how to fix them.
  process.stderr.write(isAppError(err) ? `${err.message}\n` : `genjin failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

// Composition root: the only module that reads process.env, opens the pool, starts jobs and listens.
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { withDemoTeam } from './config/console-demo.js';
import { watchSettings } from './config/watch-settings.js';
import { createDb } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import type { UsersService } from './domain/users/users-service.js';
import { systemClock } from './lib/clock.js';
import { isAppError } from './lib/errors.js';
import { createLogger } from './logger.js';
import { forkWorker } from './worker/link.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY && (await canPrettyPrint()) });
  log.info(
    {
      configSource: config.configSource,
      feishu: config.feishu?.mode ?? false,
      wecom: Boolean(config.wecom),
      wecomBot: Boolean(config.wecomBot),
    },
    'starting genjin',
  );
  if (!config.feishu && !config.wecom && !config.wecomBot && !config.console) {
    log.warn(
      'no messenger is configured: set FEISHU_APP_ID (and its secrets), or WECOM_CORP_ID with the WeCom app (WECOM_AGENT_ID, …) or smart bot (WECOM_BOT_ID, …), to receive messages',
    );
  }

  if (config.migrateOnStart) await migrateDatabase(config.databaseUrl, log);
  const database = createDb(config.databaseUrl, config.databasePoolSize);
  const clock = systemClock;
  // The work behind the webhooks runs in a forked worker process by default, so the event loop
  // that acknowledges is never busy with it (GENJIN_WORKER; see config/README.md). The console keeps
  // its conversations in this process's memory, so with the console on everything runs here.
  const mode = config.console && config.worker.mode === 'fork' ? 'inline' : config.worker.mode;
  if (mode !== config.worker.mode) log.info('the console is on: the work runs in this process (GENJIN_WORKER=inline)');
  const forked =
    mode === 'fork' ? forkWorker({ log, nice: config.worker.nice, ...workerMemorySettings(process.env, process.execArgv) }) : null;
  const role = mode === 'inline' ? 'all' : 'web';
  // The web role loads only what stores and acknowledges (compose-web.ts); the bot, the note
  // parser and the platforms' clients are imported where the work runs.
  const composed = { log, clock, database, defaultMetrics: true, wake: forked?.wake };
  const genjin =
    role === 'web' && !config.console
      ? await (await import('./compose-web.js')).composeWeb(config, composed)
      : await (await import('./compose.js')).composeGenjin(config, { ...composed, role });
  forked?.answerOffers((eventId, result) => genjin.eventDeps.waiters.offer(eventId, result));
  forked?.countInto(genjin.metrics);
  const { users } = genjin.services;
  await keySmartBotByCorp(config, users, log);
  log.info({ report: await users.applySettings(config.teams) }, 'teams from the settings file applied');
  const settings = config.settingsPath
    ? watchSettings({
        path: config.settingsPath,
        initial: config,
        log,
        // The console's demo team is placed with the file's teams as long as the console is on.
        applyTeams: (teams) => users.applySettings(config.console ? withDemoTeam(teams) : teams),
        wecomBot: config.wecomBot !== null,
      })
    : null;
  let stopJobs: (() => Promise<void>) | null = null;

  // Stop accepting, let in-flight requests finish, stop jobs and workers, then close the pool.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an unexpected error');
    else log.info({ signal }, 'shutting down');
    settings?.close();
    await genjin.app.close();
    await stopJobs?.();
    await forked?.stop(8000);
    await genjin.stop();
    await database.close();
  });

  await genjin.app.listen({ host: config.host, port: config.port });
  genjin.start();
  if (genjin.role === 'all') {
    const { scheduleJobs } = await import('./worker/run-worker.js');
    stopJobs = scheduleJobs(genjin, { config, database, clock, log, owner: `${hostname()}:${process.pid}` });
  }
  if (config.console) {
    // One plain line, like Jupyter's: the URL to open (with the token when one is required).
    const token = config.console.token ? `?token=${encodeURIComponent(config.console.token)}` : '';
    process.stdout.write(`genjin console: http://localhost:${config.port}/console${token}\n`);
  }
}

/**
 * Before the corp id keyed every WeCom workspace, a smart bot installed without the app filed its
 * data under `bot:<botId>`: that workspace becomes the corp's, unless the corp already has one.
 */
async function keySmartBotByCorp(config: Config, users: UsersService, log: Logger): Promise<void> {
  if (!config.wecomBot) return;
  const { botId, corpId } = config.wecomBot;
  const old = `bot:${botId}`;
  if (await users.renameWorkspace('wecom', old, corpId)) {
    log.info({ from: old, to: corpId }, 'the smart bot workspace is now keyed by the corp id');
  } else if (await users.findWorkspace('wecom', old)) {
    log.warn(
      { from: old, to: corpId },
      'a smart bot workspace from before stays beside the corp id workspace, which already existed: its customers and follow-ups are not merged',
    );
  }
}

/**
 * Bounds on the forked worker's memory (issue #16), unless the operator set their own. In bench:e2e's
 * long run the worker grew to 390-670 MB and stayed there, although a full GC left 75-105 MB of V8
 * heap and malloc_trim(0) gave 206 MB of freed C heap back to the OS:
 * - V8 lets the old generation grow to a multiple of what survived its last full GC, and allows a
 *   larger multiple the larger its limit (about 4 GB by default here). 512 MB is about 5 times the
 *   largest heap left after a GC in those runs, so a larger workspace (its customer names are
 *   cached) still fits, while the multiple shrinks; NODE_OPTIONS=--max-old-space-size=N overrides it.
 * - glibc malloc raises its mmap threshold after each large free, after which large buffers come
 *   from the main heap and stay resident when freed. A fixed threshold (glibc's default 128 KiB)
 *   keeps them in mmaps, returned on free: the worker's [heap] mapping stayed at 6 MB instead of
 *   210 MB. GLIBC_TUNABLES set by the operator wins; other C libraries ignore it.
 * - V8's young generation grows to several 16 MB semi-spaces while notes are parsed; a note's
 *   objects die young, so 2 MB semi-spaces (more, shorter scavenges) hold as much work: in
 *   bench:e2e's 1,000-note run the worker's peak went from about 222 to 193 MB VmRSS, the whole
 *   service's Pss peak from about 260 to 215-230 MB (BENCHMARKS.md, session 7).
 *   NODE_OPTIONS=--max-semi-space-size=N overrides it.
 */
function workerMemorySettings(env: NodeJS.ProcessEnv, execArgv: string[]): { env: NodeJS.ProcessEnv; execArgv: string[] } {
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`;
  const flags = [
    ...(/--max-old-space-size\b|--max-heap-size\b/.test(given) ? [] : ['--max-old-space-size=512']),
    ...(/--max-semi-space-size\b/.test(given) ? [] : ['--max-semi-space-size=2']),
  ];
  return {
    env: env.GLIBC_TUNABLES === undefined ? { ...env, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' } : env,
    execArgv: [...flags, ...execArgv],
  };
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

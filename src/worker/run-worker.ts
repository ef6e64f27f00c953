import type { Logger } from 'pino';
import { composeGenjin, type Genjin } from '../compose.js';
import type { Config } from '../config.js';
import { watchSettings, type SettingsWatcher } from '../config/watch-settings.js';
import type { DbHandle } from '../db/client.js';
import { createMetrics } from '../http/metrics.js';
import { runClaimedJob } from '../jobs/run-claimed-job.js';
import { createScheduler } from '../jobs/scheduler.js';
import type { Clock } from '../lib/clock.js';
import { connectToWeb } from './link.js';

/** Starts the scheduled jobs of `genjin` (each run claims its slot, so one replica runs it); returns the stop. */
export function scheduleJobs(
  genjin: Genjin,
  deps: { config: Config; database: DbHandle; clock: Clock; log: Logger; owner: string },
): () => Promise<void> {
  const { owner } = deps;
  const scheduler = createScheduler({
    timeZone: deps.config.timeZone,
    run: (job, slot) =>
      runClaimedJob(
        {
          db: deps.database.db,
          clock: deps.clock,
          log: deps.log,
          owner,
          onOutcome: (name, outcome) => genjin.metrics.jobRuns.inc({ job: name, outcome }),
        },
        job,
        slot,
      ),
  });
  scheduler.start(genjin.jobs);
  return () => scheduler.stop();
}

/**
 * The worker role: runs the stored inbox rows (claimed from the database, woken by the web
 * process's hints when it forked this one, polling otherwise), the outbox and the scheduled jobs.
 * It serves no webhook. Returns the stop, which finishes the rows in hand.
 */
export async function startWorker(
  config: Config,
  deps: {
    log: Logger;
    database: DbHandle;
    clock: Clock;
    /** Who runs the jobs, in `job_runs` (host:pid). */
    owner: string;
    /** The process, when the web process forked it with an IPC channel. */
    linkedTo?: NodeJS.Process;
    pollMs?: number;
    /** How long the settings file must rest before it is read again (tests shorten it). */
    settingsDebounceMs?: number;
  },
): Promise<{ genjin: Genjin; settings: SettingsWatcher | null; stop(): Promise<void> }> {
  const link = deps.linkedTo ? connectToWeb(deps.linkedTo) : null;
  // Counted here, served by the web process's /metrics when it forked this one (this one serves none).
  const metrics = createMetrics();
  link?.forwardCounts(metrics);
  const genjin = await composeGenjin(config, {
    metrics,
    log: deps.log,
    clock: deps.clock,
    database: deps.database,
    role: 'worker',
    offerClick: link?.offerClick,
    pollMs: deps.pollMs,
  });
  link?.onWake(({ rows }) => {
    for (const [id, conversation, recorded] of rows) genjin.worker.submit(recorded ?? { id, conversation });
  });
  // This process registers the users who first write to the bot, placing them by the teams in
  // force, and caches users: it must follow the settings file itself, not only the web process.
  // Applying the teams here too is what every replica does at boot; it is idempotent.
  const settings = config.settingsPath
    ? watchSettings({
        path: config.settingsPath,
        initial: config,
        log: deps.log,
        applyTeams: (teams) => genjin.services.users.applySettings(teams),
        wecomBot: config.wecomBot !== null,
        debounceMs: deps.settingsDebounceMs,
      })
    : null;
  genjin.start();
  const stopJobs = scheduleJobs(genjin, { ...deps, config });
  deps.log.info({ linked: link !== null }, 'genjin worker started');
  return {
    genjin,
    settings,
    async stop() {
      settings?.close();
      await stopJobs();
      await genjin.stop();
      await genjin.app.close();
    },
  };
}

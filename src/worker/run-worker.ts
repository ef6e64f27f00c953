import type { Logger } from 'pino';
import { composeGenjin, type Genjin } from '../compose.js';
import type { Config } from '../config.js';
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
  },
): Promise<{ genjin: Genjin; stop(): Promise<void> }> {
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
    for (const [id, conversation] of rows) genjin.worker.submit({ id, conversation });
  });
  genjin.start();
  const stopJobs = scheduleJobs(genjin, { ...deps, config });
  deps.log.info({ linked: link !== null }, 'genjin worker started');
  return {
    genjin,
    async stop() {
      await stopJobs();
      await genjin.stop();
      await genjin.app.close();
    },
  };
}

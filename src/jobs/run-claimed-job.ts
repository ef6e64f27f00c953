import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { jobRuns } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import { SCHEDULED_RUN, type Job, type JobRunOptions } from './types.js';

export type JobOutcome = 'done' | 'failed' | 'skipped';
export type JobResult = { outcome: JobOutcome; report?: Record<string, unknown>; error?: string };

type Deps = { db: Db; clock: Clock; log: Logger; owner: string; onOutcome?: (job: string, outcome: JobOutcome) => void };

/**
 * Runs `job` for the schedule slot `slot` unless another replica already claimed it. The claim is
 * an INSERT IGNORE on the unique (job, slot) key, which behaves the same on MySQL, MariaDB and TiDB.
 */
export async function runClaimedJob(deps: Deps, job: Job, slot: Date | string, opts: JobRunOptions = SCHEDULED_RUN): Promise<JobResult> {
  const slotKey = typeof slot === 'string' ? slot : slot.toISOString();
  const log = deps.log.child({ job: job.name, slot: slotKey });
  const [claim] = await deps.db
    .insert(jobRuns)
    .ignore()
    .values({ job: job.name, slot: slotKey, owner: deps.owner, startedAt: deps.clock.now() });
  if (claim.affectedRows !== 1) {
    log.debug('slot already claimed by another replica; skipping');
    deps.onOutcome?.(job.name, 'skipped');
    return { outcome: 'skipped' };
  }
  const where = and(eq(jobRuns.job, job.name), eq(jobRuns.slot, slotKey));
  try {
    const report = await job.run(deps.clock.now(), opts);
    await deps.db.update(jobRuns).set({ status: 'done', report, finishedAt: deps.clock.now() }).where(where);
    log.info({ report }, 'job finished');
    deps.onOutcome?.(job.name, 'done');
    return { outcome: 'done', report };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await deps.db
      .update(jobRuns)
      .set({ status: 'failed', error: message.slice(0, 2000), finishedAt: deps.clock.now() })
      .where(where)
      .catch(() => undefined);
    log.error({ err }, 'job failed');
    deps.onOutcome?.(job.name, 'failed');
    return { outcome: 'failed', error: message };
  }
}

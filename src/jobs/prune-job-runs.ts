import { lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { jobRuns } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import type { Job } from './types.js';

/** A week of run history is enough to see what ran; the sweeper alone adds 17,280 rows a day. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const BATCH = 5000;

/** Deletes old `job_runs` rows hourly, a batch per statement. */
export function pruneJobRunsJob(deps: { db: Db; clock: Clock }): Job {
  return {
    name: 'prune-job-runs',
    cron: '41 * * * *',
    async run() {
      const before = new Date(deps.clock.now().getTime() - KEEP_MS);
      let deleted = 0;
      for (;;) {
        const [result] = await deps.db.delete(jobRuns).where(lt(jobRuns.startedAt, before)).limit(BATCH);
        deleted += result.affectedRows;
        if (result.affectedRows < BATCH) return { deleted };
      }
    },
  };
}

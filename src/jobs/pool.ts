import type { Job, JobRunOptions } from './types.js';

/**
 * `pool` (cron `pool.cron`): warns owners of customers about to return to the public pool and
 * returns those whose day has come (`src/domain/pool-recycling/run-pool.ts`). Each owner is
 * handled on their own; the report counts `{warned, recycled, owners, failed}`.
 */
export function poolJob(deps: { cron: string; run(now: Date, opts: JobRunOptions): Promise<Record<string, unknown>> }): Job {
  return { name: 'pool', cron: deps.cron, run: (now, opts) => deps.run(now, opts) };
}

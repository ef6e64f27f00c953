import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Job } from './jobs/types.js';
import type { Clock } from './lib/clock.js';
import type { Services } from './services.js';

export type WorkJobDeps = { config: Config; db: Db; clock: Clock; log: Logger; services: Services };

/** The names `genjin jobs run` accepts, whether or not this build has the job yet. */
export const WORK_JOB_NAMES = ['reminders', 'pool', 'digest'] as const;

/**
 * The jobs that do the product's work (reminders, pool recycling, the weekly digest), composed
 * once for the service's scheduler, the console's job buttons and `genjin jobs run`. Jobs cannot
 * import the bot (they are thin functions of services and time), so the cards they send are bound
 * in here, at the composition root.
 */
export function createWorkJobs(deps: WorkJobDeps): Job[] {
  void deps;
  return [];
}

import type { Logger } from 'pino';
import { reminderOutbound } from './bot/reminders/reminder-outbound.js';
import { escalationMessages } from './bot/escalation/cards.js';
import { poolMessages } from './bot/pool-recycling/cards.js';
import { composeDigest } from './bot/digest/compose.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createEscalations } from './domain/escalation/run-escalations.js';
import { createPoolRecycling } from './domain/pool-recycling/run-pool.js';
import { digestJob } from './jobs/digest.js';
import { poolJob } from './jobs/pool.js';
import { remindersJob } from './jobs/reminders.js';
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
  return [
    remindersJob({
      cron: deps.config.reminders.scanCron,
      remind: (now, opts) => deps.services.reminders.run(now, opts, reminderOutbound),
      then: [
        {
          name: 'escalation',
          run: createEscalations({ ...deps, settings: deps.config, messages: escalationMessages(deps.config.reminders.escalateAfterDays) })
            .run,
        },
      ],
    }),
    poolJob({ cron: deps.config.pool.cron, run: createPoolRecycling({ ...deps, settings: deps.config, messages: poolMessages }).run }),
    digestJob({ digest: deps.services.digest, cron: deps.config.digest.cron, compose: composeDigest }),
  ];
}

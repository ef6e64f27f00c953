import type { Logger } from 'pino';
import type { Config } from './config.js';
import { CONSOLE_PLATFORM, CONSOLE_TENANT, DEMO_PEOPLE } from './config/console-demo.js';
import type { Db } from './db/client.js';
import { seedDemo, workspaceIsEmpty } from './domain/demo/seed-demo.js';
import { runClaimedJob, type JobOutcome } from './jobs/run-claimed-job.js';
import { RUN_BY_HAND, type Job } from './jobs/types.js';
import type { Clock } from './lib/clock.js';
import type { ConsoleHooks } from './platforms/console/adapter.js';
import type { Services } from './services.js';

/**
 * What the local console offers beside chatting, built from the same pieces the service runs: the
 * job registry through the claimed-job runner (a run at a chosen "now" claims that time as its
 * slot, so it runs once), and the demo seed in the console's own workspace.
 */
export function createConsoleHooks(deps: {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  services: Services;
  jobs: () => Job[];
  onJobOutcome?: (job: string, outcome: JobOutcome) => void;
}): ConsoleHooks {
  const { db, clock, log } = deps;
  return {
    jobs: () => deps.jobs().map((j) => ({ name: j.name, cron: j.cron })),
    async runJob(name, now) {
      const job = deps.jobs().find((j) => j.name === name);
      if (!job) return { outcome: 'unknown' };
      const at = now ?? clock.now();
      const runClock: Clock = now ? { now: () => new Date(now) } : clock;
      // A click is a run by hand: it sends at once instead of spreading over minutes.
      const { outcome, report } = await runClaimedJob(
        { db, clock: runClock, log, owner: 'console', onOutcome: deps.onJobOutcome },
        job,
        at,
        RUN_BY_HAND,
      );
      return report ? { outcome, report } : { outcome };
    },
    workspaceEmpty: () => workspaceIsEmpty(db, CONSOLE_PLATFORM, CONSOLE_TENANT),
    async seedDemo() {
      const [manager, ...reps] = DEMO_PEOPLE;
      return seedDemo(
        { db, clock, users: deps.services.users, timeZone: deps.config.timeZone },
        { platform: CONSOLE_PLATFORM, tenant: CONSOLE_TENANT, manager, reps },
      );
    },
  };
}

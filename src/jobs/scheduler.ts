import cron, { type ScheduledTask } from 'node-cron';
import type { Job } from './types.js';

/**
 * The only importer of node-cron. Each tick hands the job its scheduled time (to the second, for
 * a job scheduled in seconds) as the slot, so every replica computes the same slot and only one
 * claims it.
 */
export function createScheduler(opts: { timeZone: string; run: (job: Job, slot: Date) => Promise<unknown> }) {
  const tasks: ScheduledTask[] = [];
  return {
    start(jobs: Job[]) {
      for (const job of jobs) {
        const task = cron.schedule(
          job.cron,
          async (context) => {
            const slot = new Date(context.date);
            slot.setMilliseconds(0);
            await opts.run(job, slot);
          },
          { name: job.name, timezone: opts.timeZone, noOverlap: true },
        );
        tasks.push(task);
      }
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      tasks.length = 0;
    },
  };
}

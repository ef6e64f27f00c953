import type { Job, JobRunOptions } from './types.js';

/** A step of the reminders job; its counts become the report (a later step's under its own name). */
export type ReminderJobStep = { name: string; run(now: Date, opts: JobRunOptions): Promise<Record<string, unknown>> };

/**
 * `reminders` (cron `reminders.scanCron`): the due and quiet reminders first (their counts make the
 * top of the report), then any further steps in order (escalation), each reported under its name.
 * A step that throws fails the run; the steps handle their recipients one by one themselves.
 */
export function remindersJob(deps: { cron: string; remind: ReminderJobStep['run']; then?: ReminderJobStep[] }): Job {
  return {
    name: 'reminders',
    cron: deps.cron,
    async run(now, opts) {
      const report: Record<string, unknown> = { ...(await deps.remind(now, opts)) };
      for (const step of deps.then ?? []) report[step.name] = await step.run(now, opts);
      return report;
    },
  };
}

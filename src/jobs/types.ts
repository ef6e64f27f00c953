/** How one run of a job goes: scheduled runs spread their sends; runs by hand send at once or only print. */
export type JobRunOptions = {
  /** Print what would be sent (through `emit`) and change nothing. */
  dryRun: boolean;
  /** Spread sends over a few minutes (scheduled runs) instead of sending at once (runs by hand). */
  spread: boolean;
  /** Receives one object per message a dry run would send (recipient, kind, customer, …). */
  emit: (line: Record<string, unknown>) => void;
};

export const SCHEDULED_RUN: JobRunOptions = { dryRun: false, spread: true, emit: () => undefined };
export const RUN_BY_HAND: JobRunOptions = { dryRun: false, spread: false, emit: () => undefined };

/** A scheduled job: a thin, re-runnable function of time. Its report is stored in job_runs. */
export type Job = {
  name: string;
  /** Cron expression, evaluated in the workspace time zone. */
  cron: string;
  run(now: Date, opts: JobRunOptions): Promise<Record<string, unknown>>;
};

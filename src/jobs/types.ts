/** A scheduled job: a thin, re-runnable function of time. Its report is stored in job_runs. */
export type Job = {
  name: string;
  /** Cron expression, evaluated in the workspace time zone. */
  cron: string;
  run(now: Date): Promise<Record<string, unknown>>;
};

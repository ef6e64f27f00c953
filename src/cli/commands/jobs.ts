import { randomUUID } from 'node:crypto';
import { createWorkJobs, WORK_JOB_NAMES } from '../../compose-jobs.js';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { runClaimedJob } from '../../jobs/run-claimed-job.js';
import { RUN_BY_HAND } from '../../jobs/types.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { createLogger } from '../../logger.js';
import { createServices } from '../../services.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand } from '../types.js';

const USAGE = `genjin jobs run <${WORK_JOB_NAMES.join('|')}> [--now <ISO8601>] [--dry-run]   (uses DATABASE_URL)`;

type Flags = { job: string; now: Date | null; dryRun: boolean };

function readFlags(args: string[]): Flags | string {
  if (args[0] !== 'run') return `usage: ${USAGE}`;
  const job = args[1] ?? '';
  if (!(WORK_JOB_NAMES as readonly string[]).includes(job)) return `unknown job "${job}"; jobs: ${WORK_JOB_NAMES.join(', ')}`;
  let now: Date | null = null;
  let dryRun = false;
  for (let i = 2; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--now') {
      const value = args[++i] ?? '';
      now = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(now.getTime()))
        return `--now must be an ISO 8601 time such as 2026-11-23T09:00:00+08:00 (got "${value}")`;
    } else return `unknown option "${arg}"`;
  }
  return { job, now, dryRun };
}

/**
 * Runs one job once, now or as if at `--now`. A run by hand sends at once (no spreading) and does
 * not claim the scheduled slot: what it sends is kept unique by the job's own keys (one reminder
 * per customer, kind and day; one digest per team and week), so running it again sends nothing
 * twice. `--dry-run` prints one JSON line per message it would send and changes nothing.
 */
export const jobsCommand: CliCommand = {
  name: 'jobs',
  summary: `jobs run <${WORK_JOB_NAMES.join('|')}> [--now <ISO8601>] [--dry-run]: run a job once by hand`,
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin jobs: ${flags}\nusage: ${USAGE}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 4);
    const fail = (message: string) => {
      io.stderr.write(`genjin jobs: ${message}\n`);
      return 1;
    };
    try {
      const at = flags.now;
      const clock: Clock = at ? { now: () => new Date(at) } : systemClock;
      // Logs go to stderr, so stdout carries only the report (or a dry run's JSON lines).
      const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: io.stderr });
      const services = createServices({ config, db: database.db, clock, log });
      const job = createWorkJobs({ config, db: database.db, clock, log, services }).find((j) => j.name === flags.job);
      if (!job) return fail(`the ${flags.job} job is not available in this version`);
      if (flags.dryRun) {
        const report = await job.run(clock.now(), {
          dryRun: true,
          spread: false,
          emit: (line) => io.stdout.write(`${JSON.stringify(line)}\n`),
        });
        io.stderr.write(`${flags.job} (dry run, nothing sent or changed): ${JSON.stringify(report)}\n`);
        return 0;
      }
      // Recorded in job_runs beside the scheduled runs, under a slot of its own.
      const slot = `manual:${clock.now().toISOString()}:${randomUUID().slice(0, 8)}`;
      const result = await runClaimedJob({ db: database.db, clock, log, owner: 'cli' }, job, slot, RUN_BY_HAND);
      // The error itself is logged above (by code) and kept in job_runs: its text may quote customer data.
      if (result.outcome !== 'done') return fail(`${flags.job} failed; see the log above and job_runs (job ${job.name}, slot ${slot})`);
      io.stdout.write(`${flags.job}: ${JSON.stringify(result.report ?? {})}\n`);
      return 0;
    } catch (err) {
      return fail(describeDatabaseFailure(err, 'failed'));
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};

import { errorCode } from '../lib/safe-error.js';
import type { Job } from './types.js';

type RunDue = () => Promise<{ started: number; moved: number; finished: number; failed: { handoverId: number; error: unknown }[] }>;

/**
 * Every 15 s: starts confirmed handovers and resumes those whose runner died (a lease that ran
 * out), each from A's remaining customers, so nothing moves twice. Frequent, so a confirmed card
 * turns into moved customers within seconds; a tick with nothing to do is one indexed query.
 */
export function handoverResumeJob(runDue: RunDue): Job {
  return {
    name: 'handover-resume',
    cron: '*/15 * * * * *',
    async run() {
      const report = await runDue();
      // The others ran; a failed one keeps its place and is retried by the next tick.
      if (report.failed.length > 0) {
        throw new Error(
          `handover ${report.failed.map((f) => `${f.handoverId}: ${errorCode(f.error)}`).join(', ')} failed; retried next tick`,
        );
      }
      return { started: report.started, moved: report.moved, finished: report.finished };
    },
  };
}

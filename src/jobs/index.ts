import type { Db } from '../db/client.js';
import type { Inbox } from '../delivery/inbox.js';
import type { Clock } from '../lib/clock.js';
import { handoverResumeJob } from './handover-resume.js';
import { pruneInboundEventsJob } from './prune-inbound-events.js';
import { pruneOutboxJob } from './prune-outbox.js';
import { pruneJobRunsJob } from './prune-job-runs.js';
import type { Job } from './types.js';

/**
 * The scheduled jobs of one replica; each claims its slot in `job_runs`, so it runs once across
 * replicas. Stored inbox rows need no job: every inbox worker polls for them (messaging/inbox-worker.ts).
 */
export function createJobs(deps: {
  db: Db;
  clock: Clock;
  inbox: Inbox;
  /** Starts confirmed handovers and resumes dead ones (the final card built by the bot is bound in). */
  runDueHandovers: Parameters<typeof handoverResumeJob>[0];
}): Job[] {
  return [
    handoverResumeJob(deps.runDueHandovers),
    pruneInboundEventsJob(deps.inbox),
    pruneOutboxJob({ db: deps.db, clock: deps.clock }),
    pruneJobRunsJob({ db: deps.db, clock: deps.clock }),
  ];
}

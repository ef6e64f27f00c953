import type { InboxWorker } from '../messaging/inbox-worker.js';
import type { Job } from './types.js';

/**
 * Every 5 s: queues the inbox rows nobody finished (a crashed replica's, those past their backoff,
 * those that overflowed the in-memory queue). Short, so a restart picks up a dead process's work
 * soon after its leases run out.
 */
export function inboxSweepJob(worker: InboxWorker): Job {
  return {
    name: 'inbox-sweep',
    cron: '*/5 * * * * *',
    async run() {
      return { queued: await worker.sweep() };
    },
  };
}

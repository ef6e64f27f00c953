import type { Inbox } from '../delivery/inbox.js';
import type { Job } from './types.js';

/** Deletes inbox rows past their retention window (see INBOX_RETENTION_MS), hourly. */
export function pruneInboundEventsJob(inbox: Inbox): Job {
  return {
    name: 'prune-inbound-events',
    cron: '17 * * * *',
    async run() {
      return { deleted: await inbox.prune() };
    },
  };
}

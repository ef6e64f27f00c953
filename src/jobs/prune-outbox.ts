import type { Db } from '../db/client.js';
import { pruneOutbox } from '../delivery/outbox.js';
import type { Clock } from '../lib/clock.js';
import type { Job } from './types.js';

/** Deletes delivered and long-failed outbox rows hourly (retention in `pruneOutbox`). */
export function pruneOutboxJob(deps: { db: Db; clock: Clock; batchSize?: number }): Job {
  return {
    name: 'prune-outbox',
    cron: '29 * * * *',
    async run() {
      return pruneOutbox(deps.db, deps.clock.now(), deps.batchSize);
    },
  };
}

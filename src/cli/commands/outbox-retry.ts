import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { requeueFailed } from '../../delivery/outbox.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand } from '../types.js';

const USAGE = 'genjin outbox retry [--since <ISO8601>]   (uses DATABASE_URL)';

function readSince(args: string[]): { since: Date | undefined } | string {
  if (args[0] !== 'retry') return `usage: ${USAGE}`;
  let since: Date | undefined;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg !== '--since') return `unknown option "${arg}"\nusage: ${USAGE}`;
    const value = args[++i] ?? '';
    since = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(value) || Number.isNaN(since.getTime()))
      return `--since must be an ISO 8601 time such as 2026-11-25T00:00:00+08:00 (got "${value}")`;
  }
  return { since };
}

/**
 * Operator re-drive after an outage longer than the outbox's day of retries, or after fixing what
 * made sends fail for good: failed rows go back to pending, due now, with a fresh day of retries.
 */
export const outboxRetryCommand: CliCommand = {
  name: 'outbox',
  summary: 'outbox retry [--since <ISO8601>]: send failed messages (created since then, default all) again',
  usage: USAGE,
  async run(args, io) {
    const flags = readSince(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin outbox: ${flags}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 1);
    try {
      const count = await requeueFailed(database.db, { now: new Date(), since: flags.since });
      io.stdout.write(`outbox retry: ${count} failed message(s) queued again\n`);
      return 0;
    } catch (err) {
      io.stderr.write(`genjin outbox: ${describeDatabaseFailure(err, 'the update failed')}\n`);
      return 1;
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};

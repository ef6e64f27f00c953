import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { customerHistory, findAuditSubjects, type AuditSubject, type HistoryEntry } from '../../domain/audit/customer-history.js';
import { formatLocalIso } from '../../domain/notes/civil-time.js';
import type { CliCommand } from '../types.js';

const USAGE = 'genjin audit --customer <name|id> [--workspace <id>]   (uses DATABASE_URL)';

function readFlags(args: string[]): { customer: string; workspaceId?: number } | string {
  let customer: string | undefined;
  let workspaceId: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) return `${arg} needs a value\nusage: ${USAGE}`;
    if (arg === '--customer') customer = value;
    else if (arg === '--workspace') {
      if (!/^\d{1,15}$/.test(value)) return `--workspace must be a workspace id such as 3 (got "${value}")`;
      workspaceId = Number(value);
    } else return `unknown option "${arg}"\nusage: ${USAGE}`;
  }
  if (!customer?.trim()) return `usage: ${USAGE}`;
  return { customer: customer.trim(), ...(workspaceId !== undefined ? { workspaceId } : {}) };
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** `stage: lead → quote; owner: 张三 → (pool)`: the fields that differ; owners by name. */
export function describeChange(entry: Pick<HistoryEntry, 'before' | 'after'>, userNames: Map<number, string>): string {
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  const show = (key: string, value: unknown): string => {
    if (key === 'ownerUserId')
      return value === null || value === undefined ? '(pool)' : (userNames.get(Number(value)) ?? `user #${String(value)}`);
    if (value === null || value === undefined) return '—';
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null));
  if (entry.after === null && entry.before !== null) return `${keys.map((k) => `${k}: ${show(k, before[k])}`).join('; ')} → (deleted)`;
  return changed.map((k) => `${k === 'ownerUserId' ? 'owner' : k}: ${show(k, before[k])} → ${show(k, after[k])}`).join('; ');
}

function describeAmbiguity(ref: string, found: AuditSubject[]): string {
  const list = found.map((s) => `  customer ${s.id} "${s.name}" in workspace ${s.workspaceId}`).join('\n');
  return `"${ref}" names customers in ${new Set(found.map((s) => s.workspaceId)).size > 1 ? 'several workspaces' : 'one workspace several times'}; add --workspace <id> or use the customer id:\n${list}`;
}

/**
 * A customer's history from `audit_log`, newest first: when (in the workspace's zone), who, what,
 * and the fields before → after. Owner changes name the people; a customer an undo removed is
 * still found by id.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: "audit --customer <name|id> [--workspace <id>]: print a customer's history (owner, stage, amount, follow-ups), newest first",
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin audit: ${flags}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 1);
    try {
      const found = await findAuditSubjects(database.db, flags.customer, flags.workspaceId);
      const where = flags.workspaceId !== undefined ? ` in workspace ${flags.workspaceId}` : '';
      if (found.length === 0) {
        io.stderr.write(`genjin audit: no customer "${flags.customer}"${where}\n`);
        return 1;
      }
      const [subject] = found;
      if (found.length > 1 || !subject) {
        io.stderr.write(`genjin audit: ${describeAmbiguity(flags.customer, found)}\n`);
        return 1;
      }
      const timeZone = subject.timeZone ?? config.timeZone;
      const { entries, userNames } = await customerHistory(database.db, subject);
      const lines = entries.map((e) =>
        [
          formatLocalIso(e.at, timeZone, { seconds: true }),
          e.actor,
          e.subject === 'customer' ? e.action : `${e.action} (${e.subject})`,
          describeChange(e, userNames),
          `[${e.source}]`,
        ]
          .filter(Boolean)
          .join('  '),
      );
      io.stdout.write(
        `${subject.name} (customer ${subject.id}${subject.deleted ? ', deleted' : ''}, workspace ${subject.workspaceId}; times in ${timeZone})\n` +
          (lines.length ? `${lines.join('\n')}\n` : '(no history)\n'),
      );
      return 0;
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};

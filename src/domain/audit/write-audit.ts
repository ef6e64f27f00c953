import type { DbOrTx } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';

export type AuditEntry = {
  workspaceId: number;
  /** `<platform>:<id>` of the acting user, `system:<job>` or `cli`. */
  actor: string;
  action: string;
  subjectType: 'customer' | 'follow_up' | 'user' | 'handover' | 'transfer_request';
  subjectId: number;
  before?: unknown;
  after?: unknown;
  /** card, command, note, cli, job…; a reason may follow (`command: 不再跟进`), cut at 160 characters. */
  source: string;
  now: Date;
};

/** Appends one row to `audit_log`; call it in the transaction of the change it records. */
export async function writeAuditEntry(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await writeAuditEntries(db, [entry]);
}

/** Appends rows to `audit_log` in one statement (none for an empty list); same transaction rule. */
export async function writeAuditEntries(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(
    entries.map((entry) => ({
      workspaceId: entry.workspaceId,
      actor: entry.actor.slice(0, 160),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: String(entry.subjectId),
      before: entry.before ?? null,
      after: entry.after ?? null,
      source: entry.source.slice(0, 160),
      createdAt: entry.now,
    })),
  );
}

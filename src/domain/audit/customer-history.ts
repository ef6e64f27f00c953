import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog, customerAliases, customers, followUps, users, workspaces } from '../../db/schema/index.js';
import { normalizeCustomerName } from '../customers/normalize-name.js';

/** A customer the audit command may mean; `deleted` when only its audit rows are left (an undo removed it). */
export type AuditSubject = { id: number; workspaceId: number; name: string; deleted: boolean; timeZone: string | null };

export type HistoryEntry = {
  at: Date;
  actor: string;
  action: string;
  /** `customer`, or `follow_up #42` for rows about one of its follow-ups. */
  subject: string;
  before: unknown;
  after: unknown;
  source: string;
};

/**
 * The customers `ref` names: an id (`42`), else a name or alias; in one workspace when given,
 * else in any (the caller refuses an ambiguous answer). A deleted customer is found by id through
 * its audit rows.
 */
export async function findAuditSubjects(db: DbOrTx, ref: string, workspaceId?: number): Promise<AuditSubject[]> {
  const inWorkspace = (column: typeof customers.workspaceId | typeof customerAliases.workspaceId) =>
    workspaceId === undefined ? undefined : eq(column, workspaceId);
  const zoneOf = async (ids: number[]) => {
    const rows = ids.length ? await db.select().from(workspaces).where(inArray(workspaces.id, ids)) : [];
    return new Map(rows.map((w) => [w.id, w.timeZone]));
  };
  const withZones = async (found: Omit<AuditSubject, 'timeZone'>[]) => {
    const zones = await zoneOf([...new Set(found.map((f) => f.workspaceId))]);
    return found.map((f) => ({ ...f, timeZone: zones.get(f.workspaceId) ?? null }));
  };

  const trimmed = ref.trim();
  if (/^\d{1,15}$/.test(trimmed)) {
    const id = Number(trimmed);
    const rows = await db
      .select()
      .from(customers)
      .where(and(eq(customers.id, id), inWorkspace(customers.workspaceId)));
    if (rows.length > 0) return withZones(rows.map((c) => ({ id: c.id, workspaceId: c.workspaceId, name: c.name, deleted: false })));
    const audited = await db
      .select({ workspaceId: auditLog.workspaceId, before: auditLog.before })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, 'customer'),
          eq(auditLog.subjectId, String(id)),
          workspaceId === undefined ? undefined : eq(auditLog.workspaceId, workspaceId),
        ),
      )
      .orderBy(desc(auditLog.id));
    // Its name survives in the customer.delete row's `before`.
    const names = new Map<number, string>();
    for (const a of audited)
      if (!names.has(a.workspaceId) || names.get(a.workspaceId) === `#${id}`) names.set(a.workspaceId, nameIn(a.before) ?? `#${id}`);
    if (names.size > 0) return withZones([...names].map(([ws, name]) => ({ id, workspaceId: ws, name, deleted: true })));
  }

  const normalized = normalizeCustomerName(trimmed);
  if (!normalized) return [];
  const byName = await db
    .select()
    .from(customers)
    .where(and(eq(customers.normalizedName, normalized), inWorkspace(customers.workspaceId)));
  const byAlias = await db
    .select({ customer: customers })
    .from(customerAliases)
    .innerJoin(customers, eq(customers.id, customerAliases.customerId))
    .where(and(eq(customerAliases.normalizedAlias, normalized), inWorkspace(customerAliases.workspaceId)));
  const all = new Map([...byName, ...byAlias.map((r) => r.customer)].map((c) => [c.id, c]));
  return withZones([...all.values()].map((c) => ({ id: c.id, workspaceId: c.workspaceId, name: c.name, deleted: false })));
}

function ownerIn(value: unknown): number | null {
  return value && typeof value === 'object' && 'ownerUserId' in value && typeof value.ownerUserId === 'number' ? value.ownerUserId : null;
}

function nameIn(value: unknown): string | null {
  return value && typeof value === 'object' && 'name' in value && typeof value.name === 'string' ? value.name : null;
}

/**
 * A customer's audit history, newest first: rows about the customer (owner, stage, amount) and
 * about its follow-ups, with the names of the users its owner changes mention.
 */
export async function customerHistory(
  db: DbOrTx,
  subject: Pick<AuditSubject, 'id' | 'workspaceId'>,
): Promise<{ entries: HistoryEntry[]; userNames: Map<number, string> }> {
  const ws = eq(auditLog.workspaceId, subject.workspaceId);
  const ownFollowUps = await db
    .select({ id: followUps.id })
    .from(followUps)
    .where(and(eq(followUps.workspaceId, subject.workspaceId), eq(followUps.customerId, subject.id)));
  const about: SQL[] = [and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(subject.id)))!];
  if (ownFollowUps.length > 0)
    about.push(
      and(
        eq(auditLog.subjectType, 'follow_up'),
        inArray(
          auditLog.subjectId,
          ownFollowUps.map((f) => String(f.id)),
        ),
      )!,
    );
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(ws, or(...about)))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id));
  // Only the people its owner changes name.
  const mentioned = new Set<number>();
  for (const r of rows) for (const side of [r.before, r.after]) if (typeof ownerIn(side) === 'number') mentioned.add(ownerIn(side)!);
  const people = mentioned.size
    ? await db
        .select({ id: users.id, name: users.name, platformUserId: users.platformUserId })
        .from(users)
        .where(and(eq(users.workspaceId, subject.workspaceId), inArray(users.id, [...mentioned])))
    : [];
  return {
    entries: rows.map((r) => ({
      at: r.createdAt,
      actor: r.actor,
      action: r.action,
      subject: r.subjectType === 'customer' ? 'customer' : `${r.subjectType} #${r.subjectId}`,
      before: r.before,
      after: r.after,
      source: r.source,
    })),
    userNames: new Map(people.map((p) => [p.id, p.name ?? p.platformUserId])),
  };
}

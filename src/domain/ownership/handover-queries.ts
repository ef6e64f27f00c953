import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog, customers, followUps, handovers, reminders, users, workspaces } from '../../db/schema/index.js';
import type { UserBrief } from './ownership-service.js';
import type { SpreadRecipient } from './plan-handover.js';

export type UserRow = typeof users.$inferSelect;
export type HandoverRow = typeof handovers.$inferSelect;

/** What a handover card shows before anything moves. */
export type HandoverCounts = { customers: number; openReminders: number; followUps: number };

export const OPEN_REMINDER_STATUSES = ['pending', 'sent', 'snoozed'] as const;

export const briefOf = (u: UserRow): UserBrief => ({ id: u.id, platformUserId: u.platformUserId, name: u.name });

export async function userRow(q: DbOrTx, workspaceId: number, by: { id: number } | { platformUserId: string }, lock = false) {
  const query = q
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), 'id' in by ? eq(users.id, by.id) : eq(users.platformUserId, by.platformUserId)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** A's customers, their open reminders and their confirmed follow-ups (what moves with them). */
export async function countsOf(q: DbOrTx, workspaceId: number, fromUserId: number): Promise<HandoverCounts> {
  const owned = and(eq(customers.workspaceId, workspaceId), eq(customers.ownerUserId, fromUserId));
  const n = sql<number>`count(*)`.mapWith(Number);
  const [c] = await q.select({ n }).from(customers).where(owned);
  const [r] = await q
    .select({ n })
    .from(reminders)
    .innerJoin(customers, eq(customers.id, reminders.customerId))
    .where(and(owned, inArray(reminders.status, [...OPEN_REMINDER_STATUSES])));
  const [f] = await q
    .select({ n })
    .from(followUps)
    .innerJoin(customers, eq(customers.id, followUps.customerId))
    .where(and(owned, eq(followUps.status, 'confirmed')));
  return { customers: c?.n ?? 0, openReminders: r?.n ?? 0, followUps: f?.n ?? 0 };
}

/**
 * Who a spread handover of `from` may go to: the active reps of A's team, or where A has no team,
 * of A's direct manager; never A. Ordered by id (the plan's tie-break).
 */
export async function spreadCandidates(q: DbOrTx, from: UserRow): Promise<UserRow[]> {
  const sameGroup =
    from.teamId !== null ? eq(users.teamId, from.teamId) : from.managerUserId !== null ? eq(users.managerUserId, from.managerUserId) : null;
  if (!sameGroup) return [];
  return q
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, from.workspaceId), eq(users.active, true), eq(users.role, 'rep'), ne(users.id, from.id), sameGroup))
    .orderBy(users.id);
}

/** How many customers each of `ids` owns now: the spread plan levels these. */
export async function ownedCounts(q: DbOrTx, workspaceId: number, ids: number[]): Promise<SpreadRecipient[]> {
  if (ids.length === 0) return [];
  const rows = await q
    .select({ id: customers.ownerUserId, n: sql<number>`count(*)`.mapWith(Number) })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.ownerUserId, ids)))
    .groupBy(customers.ownerUserId);
  const byId = new Map(rows.map((r) => [r.id, r.n]));
  return ids.map((id) => ({ id, owned: byId.get(id) ?? 0 }));
}

/** Another handover of the same person already moving customers (two at once would split the counts). */
export async function runningFor(q: DbOrTx, workspaceId: number, fromUserId: number, exceptId?: number) {
  const [row] = await q
    .select({ id: handovers.id })
    .from(handovers)
    .where(
      and(
        eq(handovers.workspaceId, workspaceId),
        eq(handovers.status, 'running'),
        eq(handovers.fromUserId, fromUserId),
        exceptId !== undefined ? ne(handovers.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/** The audit source every customer moved by handover `id` carries: it ties each move to its run. */
export const handoverSource = (id: number) => `handover:${id}`;

/** Per new owner, how many customers handover `h` moved (from its audit rows, exact across resumed runs). */
export async function movedPerOwner(q: DbOrTx, h: HandoverRow): Promise<{ id: number; count: number }[]> {
  const owner = sql<number>`CAST(JSON_UNQUOTE(JSON_EXTRACT(${auditLog.after}, '$.ownerUserId')) AS UNSIGNED)`.mapWith(Number);
  const rows = await q
    .select({ id: owner, count: sql<number>`count(*)`.mapWith(Number) })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, h.workspaceId),
        sql`${auditLog.createdAt} >= ${h.createdAt}`,
        eq(auditLog.action, 'customer.handover'),
        eq(auditLog.source, handoverSource(h.id)),
      ),
    )
    .groupBy(owner);
  return rows.sort((a, b) => b.count - a.count || a.id - b.id);
}

export async function workspaceOf(q: DbOrTx, workspaceId: number) {
  const [row] = await q.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  return row ?? null;
}

/** A person by `<platform>:<id>` across workspaces (the command line names no workspace): usually one row. */
export async function usersByRef(q: DbOrTx, platform: string, platformUserId: string): Promise<UserRow[]> {
  const rows = await q
    .select({ user: users })
    .from(users)
    .innerJoin(workspaces, eq(workspaces.id, users.workspaceId))
    .where(and(eq(workspaces.platform, platform), eq(users.platformUserId, platformUserId)))
    .limit(5);
  return rows.map((r) => r.user);
}

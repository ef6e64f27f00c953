import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers, followUps, reminders, users } from '../../db/schema/index.js';
import { wallClock } from '../notes/civil-time.js';
import type { UserBrief } from '../ownership/ownership-service.js';

/** What an escalation card shows and its buttons act on, read fresh for every draw. */
export type EscalationView = {
  reminderId: number;
  workspaceId: number;
  customer: { id: number; name: string; teamId: number | null; ownerUserId: number | null; nextFollowUpAt: Date | null };
  owner: UserBrief | null;
  /** The episode: the next follow-up time the owner was reminded of. */
  episodeAt: Date;
  /** Local calendar days since the episode's next time. */
  overdueDays: number;
  lastFollowUp: { occurredAt: Date; summary: string; authorName: string | null } | null;
  /** The active people of the customer's team (the reassignment picker). */
  team: UserBrief[];
  /** What was done from a card of this escalation, by whom and when (null: nothing yet). */
  acted: { action: string; by: UserBrief | null; at: Date } | null;
};

const brief = (u: typeof users.$inferSelect | undefined | null): UserBrief | null =>
  u ? { id: u.id, platformUserId: u.platformUserId, name: u.name } : null;

export function daysBetween(from: Date, to: Date, timeZone: string): number {
  const a = wallClock(from, timeZone);
  const b = wallClock(to, timeZone);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}

/** The view of a stored escalation, scoped to its workspace; null when there is none. */
export async function loadEscalationView(
  q: DbOrTx,
  input: { workspaceId: number; reminderId: number; now: Date; timeZone: string },
): Promise<EscalationView | null> {
  const [row] = await q
    .select({ reminder: reminders, customer: customers })
    .from(reminders)
    .innerJoin(customers, eq(customers.id, reminders.customerId))
    .where(and(eq(reminders.workspaceId, input.workspaceId), eq(reminders.id, input.reminderId), eq(reminders.kind, 'escalation')))
    .limit(1);
  if (!row) return null;
  const { reminder, customer } = row;
  const userOf = async (id: number | null) =>
    id === null ? null : brief((await q.select().from(users).where(eq(users.id, id)).limit(1))[0]);
  const [last] = await q
    .select({ occurredAt: followUps.occurredAt, summary: followUps.summary, authorName: users.name })
    .from(followUps)
    .leftJoin(users, eq(users.id, followUps.authorUserId))
    .where(and(eq(followUps.workspaceId, input.workspaceId), eq(followUps.customerId, customer.id), eq(followUps.status, 'confirmed')))
    .orderBy(desc(followUps.occurredAt))
    .limit(1);
  const team =
    customer.teamId === null
      ? []
      : await q
          .select()
          .from(users)
          .where(and(eq(users.workspaceId, input.workspaceId), eq(users.teamId, customer.teamId), eq(users.active, true)))
          .orderBy(asc(users.name));
  const episodeAt = reminder.subjectAt ?? reminder.dueAt;
  return {
    reminderId: reminder.id,
    workspaceId: reminder.workspaceId,
    customer: {
      id: customer.id,
      name: customer.name,
      teamId: customer.teamId,
      ownerUserId: customer.ownerUserId,
      nextFollowUpAt: customer.nextFollowUpAt,
    },
    owner: await userOf(customer.ownerUserId),
    episodeAt,
    overdueDays: Math.max(0, daysBetween(episodeAt, input.now, input.timeZone)),
    lastFollowUp: last ?? null,
    team: team.map((u) => brief(u)!),
    acted:
      reminder.action && reminder.actedAt
        ? { action: reminder.action, by: await userOf(reminder.actedByUserId), at: reminder.actedAt }
        : null,
  };
}

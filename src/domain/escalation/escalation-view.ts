import { and, asc, eq, inArray, sql } from 'drizzle-orm';
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
  const [view] = await loadEscalationViews(q, { ...input, reminderIds: [input.reminderId] });
  return view ?? null;
}

// Written out: drizzle leaves the outer table's columns unqualified inside a select's subquery.
const lastFollowUpId = sql<
  number | null
>`(select f.id from follow_ups f where f.workspace_id = customers.workspace_id and f.customer_id = customers.id and f.status = 'confirmed' order by f.occurred_at desc limit 1)`;

/**
 * The views of many escalations in a few statements (the job draws hundreds at once): the rows
 * with their customers, each customer's latest follow-up, the people named, the teams' people.
 */
export async function loadEscalationViews(
  q: DbOrTx,
  input: { workspaceId: number; reminderIds: number[]; now: Date; timeZone: string; withLastFollowUp?: boolean },
): Promise<EscalationView[]> {
  if (input.reminderIds.length === 0) return [];
  const rows = await q
    .select({ reminder: reminders, customer: customers })
    .from(reminders)
    .innerJoin(customers, eq(customers.id, reminders.customerId))
    .where(and(eq(reminders.workspaceId, input.workspaceId), inArray(reminders.id, input.reminderIds), eq(reminders.kind, 'escalation')));
  if (rows.length === 0) return [];
  const peopleIds = [
    ...new Set(rows.flatMap((r) => [r.customer.ownerUserId, r.reminder.actedByUserId].filter((id): id is number => id !== null))),
  ];
  const people = peopleIds.length ? await q.select().from(users).where(inArray(users.id, peopleIds)) : [];
  const teamIds = [...new Set(rows.flatMap((r) => (r.customer.teamId === null ? [] : [r.customer.teamId])))];
  const teamPeople = teamIds.length
    ? await q
        .select()
        .from(users)
        .where(and(eq(users.workspaceId, input.workspaceId), inArray(users.teamId, teamIds), eq(users.active, true)))
        .orderBy(asc(users.name))
    : [];
  const person = (id: number | null) => (id === null ? null : brief(people.find((u) => u.id === id)));
  const views = rows.map(({ reminder, customer }): EscalationView => {
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
      owner: person(customer.ownerUserId),
      episodeAt,
      overdueDays: Math.max(0, daysBetween(episodeAt, input.now, input.timeZone)),
      lastFollowUp: null,
      team: teamPeople.filter((u) => u.teamId === customer.teamId).map((u) => brief(u)!),
      acted:
        reminder.action && reminder.actedAt ? { action: reminder.action, by: person(reminder.actedByUserId), at: reminder.actedAt } : null,
    };
  });
  return input.withLastFollowUp === false ? views : withLastFollowUps(q, input.workspaceId, views);
}

/**
 * The views with each customer's latest confirmed follow-up (date, author, summary): one probe of
 * follow_ups_customer_time_idx per customer, so the job reads it only for the cards it draws.
 */
export async function withLastFollowUps(q: DbOrTx, workspaceId: number, views: EscalationView[]): Promise<EscalationView[]> {
  if (views.length === 0) return views;
  const ids = await q
    .select({ customerId: customers.id, lastId: lastFollowUpId.mapWith(Number) })
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        inArray(
          customers.id,
          views.map((v) => v.customer.id),
        ),
      ),
    );
  const lastIds = ids.flatMap((r) => (r.lastId ? [r.lastId] : []));
  const lasts = lastIds.length
    ? await q
        .select({ id: followUps.id, occurredAt: followUps.occurredAt, summary: followUps.summary, authorName: users.name })
        .from(followUps)
        .leftJoin(users, eq(users.id, followUps.authorUserId))
        .where(inArray(followUps.id, lastIds))
    : [];
  return views.map((v) => {
    const lastId = ids.find((r) => r.customerId === v.customer.id)?.lastId;
    const last = lasts.find((f) => f.id === lastId);
    return { ...v, lastFollowUp: last ? { occurredAt: last.occurredAt, summary: last.summary, authorName: last.authorName } : null };
  });
}

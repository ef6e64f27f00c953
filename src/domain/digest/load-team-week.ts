import { and, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers, followUps, teamDigests, users } from '../../db/schema/index.js';
import type { RiskRules } from './at-risk.js';
import { buildFigures, type Person, type Stage, type TeamFigures } from './figures.js';
import { previousWeekDay, type DigestWeek } from './week.js';

export type TeamRef = { id: number; key: string; name: string };

/**
 * Loads one team's week with five index-backed queries and builds its figures (figures.ts):
 * the team's people (`users_team_idx`); their follow-ups of this and last week, counted per
 * author and week, and those that state a stage (`follow_ups_author_time_idx`: workspace, author,
 * occurred_at, status, customer_id, stage, which covers the counts); the team's customers
 * (`customers_team_last_idx`: workspace, team) and last week's stored digest (its unique key).
 */
export async function loadTeamWeek(
  db: DbOrTx,
  input: {
    workspaceId: number;
    team: TeamRef;
    week: DigestWeek;
    asOf: Date;
    rules: RiskRules;
    /** A rep's own numbers only: their follow-ups and customers, no colleague, no picker. */
    onlyUserId?: number;
  },
): Promise<TeamFigures> {
  const { workspaceId, team, week, onlyUserId } = input;
  const members = await db
    .select({ id: users.id, platformUserId: users.platformUserId, name: users.name, role: users.role, active: users.active })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), onlyUserId !== undefined ? eq(users.id, onlyUserId) : eq(users.teamId, team.id)))
    .orderBy(users.id);
  const person = (u: (typeof members)[number]): Person => ({ id: u.id, platformUserId: u.platformUserId, name: u.name });
  const ids = members.map((m) => m.id);
  const window = and(
    eq(followUps.workspaceId, workspaceId),
    inArray(followUps.authorUserId, ids),
    gte(followUps.occurredAt, week.previousStart),
    lt(followUps.occurredAt, week.end),
    eq(followUps.status, 'confirmed'),
  );
  // The week's start as DATETIME(3) text in UTC, the way the column stores it.
  const weekStart = week.start.toISOString().slice(0, 23).replace('T', ' ');
  const thisWeek = sql<number>`${followUps.occurredAt} >= ${weekStart}`.mapWith((v) => Number(v) === 1);
  // Counted from the index alone (follow_ups_author_time_idx carries status and customer_id).
  const activity = ids.length
    ? await db
        .select({
          authorUserId: followUps.authorUserId,
          thisWeek,
          followUps: sql<number>`count(*)`.mapWith(Number),
          customers: sql<number>`count(distinct ${followUps.customerId})`.mapWith(Number),
        })
        .from(followUps)
        .where(window)
        .groupBy(followUps.authorUserId, sql`2`)
    : [];
  // Only the notes that state a stage are read whole (the index filters on stage first).
  const staged = ids.length
    ? await db
        .select({
          authorUserId: followUps.authorUserId,
          customerId: followUps.customerId,
          stage: followUps.stage,
          beforeStage: sql<Stage | null>`JSON_UNQUOTE(JSON_EXTRACT(${followUps.customerBefore}, '$.stage'))`,
          amount: followUps.amount,
          collaboration: followUps.collaboration,
          occurredAt: followUps.occurredAt,
        })
        .from(followUps)
        .where(and(window, isNotNull(followUps.stage)))
    : [];
  const teamCustomers = await db
    .select({
      id: customers.id,
      name: customers.name,
      ownerUserId: customers.ownerUserId,
      tier: customers.tier,
      stage: customers.stage,
      amount: customers.amount,
      lastFollowUpAt: customers.lastFollowUpAt,
      nextFollowUpAt: customers.nextFollowUpAt,
      createdAt: customers.createdAt,
    })
    .from(customers)
    .where(
      onlyUserId !== undefined
        ? and(eq(customers.workspaceId, workspaceId), eq(customers.ownerUserId, onlyUserId))
        : and(eq(customers.workspaceId, workspaceId), eq(customers.teamId, team.id), isNotNull(customers.ownerUserId)),
    );
  const [previous] =
    onlyUserId !== undefined
      ? []
      : await db
          .select({ figures: teamDigests.figures })
          .from(teamDigests)
          .where(
            and(
              eq(teamDigests.workspaceId, workspaceId),
              eq(teamDigests.teamId, team.key),
              eq(teamDigests.weekStart, previousWeekDay(week.startDay)),
            ),
          )
          .limit(1);
  const lastPipeline = (previous?.figures as Partial<TeamFigures> | null | undefined)?.totals?.pipelineAmount;
  const active = members.filter((m) => m.active);
  const authors = new Set(activity.filter((a) => a.thisWeek).map((a) => a.authorUserId));
  return buildFigures({
    workspaceId,
    team,
    week,
    asOf: input.asOf,
    // Every active rep, named even when idle; a manager only when they logged follow-ups themselves.
    reps: onlyUserId !== undefined ? members.map(person) : active.filter((m) => m.role !== 'manager' || authors.has(m.id)).map(person),
    people: onlyUserId !== undefined ? [] : active.map(person),
    members: members.map(person),
    activity: activity.map((a) => ({ ...a, thisWeek: Boolean(a.thisWeek) })),
    staged: staged.map((r) => ({ ...r, beforeStage: r.beforeStage ?? null })),
    customers: teamCustomers,
    pipelineAmountLastWeek: typeof lastPipeline === 'number' ? lastPipeline : null,
    rules: input.rules,
  });
}

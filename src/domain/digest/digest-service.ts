import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, teamDigests, teams, users, workspaces } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import type { UserRecord } from '../users/users-service.js';
import type { Person, TeamFigures } from './figures.js';
import { loadTeamWeek, type TeamRef } from './load-team-week.js';
import { reportedWeek, weekOf } from './week.js';

/** Where a digest goes: the team's group chat, or each manager's own chat with the bot. */
export type DigestRecipient = { platform: string; kind: 'chat' | 'user'; id: string };

export type DigestContext = { digestId: number; recipient: DigestRecipient; locale: 'zh-CN' | 'en'; timeZone: string };

/** Builds the message of one digest to one recipient (the bot's card, bound in at the composition root). */
export type ComposeDigest = (figures: TeamFigures, ctx: DigestContext) => Pick<OutboundEnvelope, 'target' | 'payload'>;

export type DigestSettings = {
  timeZone: string;
  locale: 'zh-CN' | 'en';
  reminders: { quietDays: { A: number; B: number; C: number }; spreadMinutes: number };
  digest: { atRiskDays: number };
};

type RunOptions = { dryRun: boolean; spread: boolean; emit: (line: Record<string, unknown>) => void };

/** What `/周报` answers: a team's week so far, a rep's own, or why not. */
export type CurrentDigest =
  { kind: 'team' | 'rep'; figures: TeamFigures } | { kind: 'no_team' } | { kind: 'forbidden' } | { kind: 'unknown_team'; key: string };

/**
 * The weekly team digest: figures of one team's week (load-team-week.ts), sent exactly once per
 * team and week, `/周报` so far, and the stored figures a digest card is redrawn from.
 */
export function createDigestService(deps: { db: Db; clock: Clock; log: Logger; settings: DigestSettings }) {
  const { db, settings } = deps;
  const rules = { quietDays: settings.reminders.quietDays, atRiskDays: settings.digest.atRiskDays };

  /** Teams with at least one member, with their workspace's platform, zone and language. */
  async function teamsToReport() {
    const rows = await db
      .selectDistinct({
        id: teams.id,
        key: teams.key,
        name: teams.name,
        digestChatId: teams.digestChatId,
        workspaceId: teams.workspaceId,
        platform: workspaces.platform,
        locale: workspaces.locale,
        timeZone: workspaces.timeZone,
      })
      .from(teams)
      .innerJoin(workspaces, eq(workspaces.id, teams.workspaceId))
      .innerJoin(users, and(eq(users.workspaceId, teams.workspaceId), eq(users.teamId, teams.id), eq(users.active, true)))
      .orderBy(teams.workspaceId, teams.id);
    return rows;
  }

  async function recipientsOf(team: { id: number; workspaceId: number; platform: string; digestChatId: string | null }) {
    if (team.digestChatId) return [{ platform: team.platform, kind: 'chat' as const, id: team.digestChatId }];
    const managers = await db
      .select({ platformUserId: users.platformUserId })
      .from(users)
      .where(and(eq(users.workspaceId, team.workspaceId), eq(users.teamId, team.id), eq(users.role, 'manager'), eq(users.active, true)))
      .orderBy(users.id);
    return managers.map((m) => ({ platform: team.platform, kind: 'user' as const, id: m.platformUserId }));
  }

  async function alreadySent(workspaceId: number, teamKey: string, weekStart: string): Promise<boolean> {
    const [row] = await db
      .select({ id: teamDigests.id })
      .from(teamDigests)
      .where(and(eq(teamDigests.workspaceId, workspaceId), eq(teamDigests.teamId, teamKey), eq(teamDigests.weekStart, weekStart)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * The `team_digests` row and, only if this call inserted it, one outbox row per recipient, in one
   * transaction: the number of messages enqueued (0 when another run had the row already).
   */
  async function record(
    team: { workspaceId: number; key: string },
    weekStart: string,
    figures: TeamFigures,
    recipients: DigestRecipient[],
    ctx: { now: Date; notBefore: Date; compose: ComposeDigest; locale: 'zh-CN' | 'en'; timeZone: string },
  ): Promise<number> {
    const { now } = ctx;
    return runTransaction(db, async (tx) => {
      const [inserted] = await tx
        .insert(teamDigests)
        .ignore()
        // sent_at: when it was handed to the outbox, in the same transaction as its messages.
        .values({ workspaceId: team.workspaceId, teamId: team.key, weekStart, figures, sentAt: now, createdAt: now });
      if (inserted.affectedRows === 0) return 0;
      for (const recipient of recipients) {
        const message = ctx.compose(figures, { digestId: inserted.insertId, recipient, locale: ctx.locale, timeZone: ctx.timeZone });
        const dedupeKey = `digest:${inserted.insertId}:${message.target}`;
        await enqueue(tx, { ...message, workspaceId: team.workspaceId, dedupeKey, notBefore: ctx.notBefore }, now);
      }
      return recipients.length;
    });
  }

  /**
   * Every team's digest of the week that ended before `now`. The `team_digests` row (unique per
   * workspace, team and week) and its outbox rows are written in one transaction: a re-run, a
   * retry or a second replica finds the row and sends nothing. Teams fail one by one.
   */
  async function runWeekly(now: Date, opts: RunOptions, compose: ComposeDigest) {
    const report = { teams: 0, sent: 0, messages: 0, alreadySent: 0, noRecipient: 0, failed: 0 };
    const all = await teamsToReport();
    const spreadMs = opts.spread ? settings.reminders.spreadMinutes * 60_000 : 0;
    for (const [index, team] of all.entries()) {
      report.teams++;
      try {
        const timeZone = team.timeZone ?? settings.timeZone;
        const locale = team.locale ?? settings.locale;
        const week = reportedWeek(now, timeZone);
        // A re-run skips what was sent without computing it again (the unique key still decides below).
        if (!opts.dryRun && (await alreadySent(team.workspaceId, team.key, week.startDay))) {
          report.alreadySent++;
          continue;
        }
        const figures = await loadTeamWeek(db, { workspaceId: team.workspaceId, team, week, asOf: week.end, rules });
        const recipients = await recipientsOf(team);
        if (recipients.length === 0) report.noRecipient++;
        if (opts.dryRun) {
          // A team nobody would receive is printed too, so the operator sees why nothing goes out.
          if (recipients.length === 0) opts.emit({ kind: 'digest', team: team.key, week: week.startDay, recipient: null, figures });
          for (const recipient of recipients)
            opts.emit({
              kind: 'digest',
              team: team.key,
              week: week.startDay,
              recipient: `${recipient.platform}:${recipient.kind}:${recipient.id}`,
              figures,
            });
          continue;
        }
        const notBefore = new Date(now.getTime() + (all.length > 1 ? Math.floor((spreadMs * index) / all.length) : 0));
        const sent = await record(team, week.startDay, figures, recipients, { now, notBefore, compose, locale, timeZone });
        if (sent === 0 && recipients.length > 0) report.alreadySent++;
        else if (recipients.length > 0) report.sent++;
        report.messages += sent;
      } catch (err) {
        report.failed++;
        deps.log.error({ err, team: team.key, workspaceId: team.workspaceId }, 'digest of a team failed');
      }
    }
    return report;
  }

  /** `/周报`: the week so far, for a manager's team (an admin names the team), or a rep's own numbers. */
  async function current(actor: UserRecord, teamKey: string | null): Promise<CurrentDigest> {
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, actor.workspaceId)).limit(1);
    const timeZone = ws?.timeZone ?? settings.timeZone;
    const now = deps.clock.now();
    const week = weekOf(now, timeZone);
    const teamRows = await db.select().from(teams).where(eq(teams.workspaceId, actor.workspaceId));
    const own = teamRows.find((t) => t.id === actor.teamId);
    if (actor.role === 'rep') {
      const team: TeamRef = own
        ? { id: own.id, key: own.key, name: own.name }
        : { id: 0, key: '', name: actor.name ?? actor.platformUserId };
      const figures = await loadTeamWeek(db, { workspaceId: actor.workspaceId, team, week, asOf: now, rules, onlyUserId: actor.id });
      return { kind: 'rep', figures };
    }
    const wanted = teamKey ? teamRows.find((t) => t.key === teamKey) : own;
    if (teamKey && !wanted) return { kind: 'unknown_team', key: teamKey };
    if (!wanted) return { kind: 'no_team' };
    if (actor.role !== 'admin' && wanted.id !== actor.teamId) return { kind: 'forbidden' };
    const team = { id: wanted.id, key: wanted.key, name: wanted.name };
    return { kind: 'team', figures: await loadTeamWeek(db, { workspaceId: actor.workspaceId, team, week, asOf: now, rules }) };
  }

  /** A sent digest's stored figures and its team's row id (who may reassign from it). */
  async function stored(workspaceId: number, digestId: number): Promise<{ figures: TeamFigures; teamId: number | null } | null> {
    const [row] = await db
      .select({ figures: teamDigests.figures, teamKey: teamDigests.teamId })
      .from(teamDigests)
      .where(and(eq(teamDigests.workspaceId, workspaceId), eq(teamDigests.id, digestId)))
      .limit(1);
    if (!row?.figures) return null;
    const [team] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.key, row.teamKey)))
      .limit(1);
    return { figures: row.figures as TeamFigures, teamId: team?.id ?? null };
  }

  /** Who owns these customers now (a digest card redrawn after a move shows it). */
  async function owners(workspaceId: number, customerIds: number[]): Promise<Map<number, Person | null>> {
    if (customerIds.length === 0) return new Map();
    const rows = await db
      .select({ customerId: customers.id, id: users.id, platformUserId: users.platformUserId, name: users.name })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.ownerUserId))
      .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, customerIds)));
    return new Map(
      rows.map((r) => [
        r.customerId,
        r.id !== null && r.platformUserId !== null ? { id: r.id, platformUserId: r.platformUserId, name: r.name } : null,
      ]),
    );
  }

  return { runWeekly, current, stored, owners };
}

export type DigestService = ReturnType<typeof createDigestService>;

import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, reminders, users } from '../../db/schema/index.js';
import { enqueueMany, type OutboundEnvelope } from '../../delivery/outbox.js';
import { errorCode } from '../../lib/safe-error.js';
import { addDays, toZonedIso, wallClock } from '../notes/civil-time.js';
import { listWorkspaces, recipientsById, sendTime, type MessageRecipient, type WorkspaceContext } from '../schedule/job-context.js';
import { chunks, wholeGroups } from '../../lib/batches.js';
import { isWorkDay, localDay, workDaysBetween, type WorkCalendar } from '../schedule/work-days.js';
import { scanEscalations, type EscalationCandidate } from './escalation-scan.js';
import { loadEscalationViews, withLastFollowUps, type EscalationView } from './escalation-view.js';

/** The escalation card for one recipient, built by the bot and bound in at the composition root. */
export type EscalationMessages = {
  escalation(to: MessageRecipient, view: EscalationView, now: Date): Omit<OutboundEnvelope, 'dedupeKey' | 'notBefore'>;
  /** What did not fit in a run's cards for one recipient (`reminders.maxCardsPerRun`), most overdue first. */
  summary(to: MessageRecipient, views: EscalationView[], now: Date): Omit<OutboundEnvelope, 'dedupeKey' | 'notBefore'>;
};

type Deps = {
  db: Db;
  log: Logger;
  settings: {
    timeZone: string;
    locale: 'zh-CN' | 'en';
    reminders: {
      workDays: readonly number[];
      escalateAfterDays: number;
      spreadMinutes: number;
      defaultHour: number;
      maxCardsPerRun: number;
    };
  };
  messages: EscalationMessages;
};

type RunOptions = { dryRun: boolean; spread: boolean; emit: (line: Record<string, unknown>) => void };
export type EscalationReport = { escalated: number; cards: number; skipped: number; failed: number };

/** Who hears of a team's overdue customers: its active managers, else the workspace's active admins. */
async function recipientIds(q: DbOrTx, workspaceId: number, teamId: number | null): Promise<number[]> {
  const active = and(eq(users.workspaceId, workspaceId), eq(users.active, true));
  if (teamId !== null) {
    const managers = await q
      .select({ id: users.id })
      .from(users)
      .where(and(active, eq(users.role, 'manager'), eq(users.teamId, teamId)))
      .orderBy(asc(users.id));
    if (managers.length > 0) return managers.map((m) => m.id);
  }
  const admins = await q
    .select({ id: users.id })
    .from(users)
    .where(and(active, eq(users.role, 'admin')))
    .orderBy(asc(users.id));
  return admins.map((a) => a.id);
}

/**
 * The escalation step of the reminders job, on working days from `reminders.defaultHour`. A customer is escalated when it is still due in the
 * same episode (an owner, the same next time, no follow-up since), the episode's FIRST due
 * reminder went out at least `escalateAfterDays` working days ago, and it has no escalation for
 * this episode yet. Once per episode is kept by the database: one `reminders` row of kind
 * `escalation` whose `due_date` is the local day of the episode's next time (unique per customer,
 * kind and day), written under the customer's lock together with its cards. Working days only.
 */
export function createEscalations(deps: Deps) {
  const { db, settings } = deps;

  async function candidates(ws: WorkspaceContext, cal: WorkCalendar, now: Date): Promise<EscalationCandidate[]> {
    // N working days after the send means at least N calendar days: the send's local day is on or
    // before today − N. The exact count (weekends, holidays by workDays) is checked per row.
    const bound = new Date(toZonedIso(addDays(wallClock(now, ws.timeZone), -settings.reminders.escalateAfterDays + 1), 0, 0, ws.timeZone));
    const rows = await scanEscalations(db, ws.id, bound);
    return rows.filter((r) => workDaysBetween(cal, r.firstSentAt, now) >= settings.reminders.escalateAfterDays);
  }

  /**
   * Some teams' escalations in one transaction, re-checked on locked rows; returns the escalations
   * written and the cards enqueued. `recipientsOf` and `notBefore` are per team.
   */
  async function escalateBatch(
    ws: WorkspaceContext,
    list: EscalationCandidate[],
    recipientsOf: Map<number | null, MessageRecipient[]>,
    notBefore: Map<number | null, Date | undefined>,
    cardsSent: Map<number, number>,
    now: Date,
  ) {
    return runTransaction(db, async (tx) => {
      const ids = list.map((c) => c.id).sort((a, b) => a - b);
      const locked = await tx
        .select()
        .from(customers)
        .where(and(eq(customers.workspaceId, ws.id), inArray(customers.id, ids)))
        .orderBy(asc(customers.id))
        .for('update');
      const expected = new Map(list.map((c) => [c.id, c]));
      // Recipients are the scanned team's (the locked row is checked to be the same episode, not the same team).
      const recipientsFor = (customerId: number) => recipientsOf.get(expected.get(customerId)?.teamId ?? null) ?? [];
      const existing = await tx
        .select({ customerId: reminders.customerId, subjectAt: reminders.subjectAt })
        .from(reminders)
        .where(and(inArray(reminders.customerId, ids), eq(reminders.kind, 'escalation')));
      const still = locked.filter((c) => {
        const seen = expected.get(c.id);
        const next = c.nextFollowUpAt;
        return (
          seen &&
          next &&
          c.ownerUserId === seen.ownerUserId &&
          next.getTime() === seen.nextFollowUpAt.getTime() &&
          (c.lastFollowUpAt === null || c.lastFollowUpAt < next) &&
          !existing.some((e) => e.customerId === c.id && e.subjectAt?.getTime() === next.getTime())
        );
      });
      if (still.length === 0) return { escalated: 0, cards: 0 };
      await tx
        .insert(reminders)
        .ignore()
        .values(
          still.map((c) => ({
            workspaceId: ws.id,
            customerId: c.id,
            userId: recipientsFor(c.id)[0]!.userId,
            kind: 'escalation' as const,
            dueDate: localDay(c.nextFollowUpAt!, ws.timeZone),
            dueAt: now,
            subjectAt: c.nextFollowUpAt,
            status: 'sent' as const,
            sentAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        );
      const written = await tx
        .select({ id: reminders.id, customerId: reminders.customerId, subjectAt: reminders.subjectAt })
        .from(reminders)
        .where(
          and(
            inArray(
              reminders.customerId,
              still.map((c) => c.id),
            ),
            eq(reminders.kind, 'escalation'),
          ),
        );
      // A row the insert skipped is another episode's of the same day: not this one's to send.
      const episode = new Map(still.map((c) => [c.id, c.nextFollowUpAt!.getTime()]));
      const ours = written.filter((w) => episode.get(w.customerId) === w.subjectAt?.getTime());
      const views = await loadEscalationViews(tx, {
        workspaceId: ws.id,
        reminderIds: ours.map((w) => w.id),
        now,
        timeZone: ws.timeZone,
        withLastFollowUp: false,
      });
      // Per recipient, the most overdue first: up to maxCardsPerRun cards in this run, the rest in one summary card.
      const byRecipient = new Map<number, { to: MessageRecipient; views: EscalationView[]; at: Date | undefined }>();
      for (const view of views) {
        const at = notBefore.get(expected.get(view.customer.id)?.teamId ?? null);
        for (const to of recipientsFor(view.customer.id)) {
          const entry = byRecipient.get(to.userId) ?? { to, views: [], at };
          entry.views.push(view);
          byRecipient.set(to.userId, entry);
        }
      }
      const messages: OutboundEnvelope[] = [];
      const summarized: number[] = [];
      for (const { to, views: theirs, at } of byRecipient.values()) {
        theirs.sort((a, b) => b.overdueDays - a.overdueDays || a.reminderId - b.reminderId);
        const room = Math.max(0, settings.reminders.maxCardsPerRun - (cardsSent.get(to.userId) ?? 0));
        const later = at ? { notBefore: at } : {};
        for (const view of await withLastFollowUps(tx, ws.id, theirs.slice(0, room))) {
          messages.push({ ...deps.messages.escalation(to, view, now), dedupeKey: `esc:${view.reminderId}:${to.userId}`, ...later });
        }
        cardsSent.set(to.userId, (cardsSent.get(to.userId) ?? 0) + Math.min(room, theirs.length));
        const rest = theirs.slice(room);
        if (rest.length === 0) continue;
        summarized.push(...rest.map((v) => v.reminderId));
        messages.push({
          ...deps.messages.summary(to, rest, now),
          dedupeKey: `esc:summary:${to.userId}:${now.getTime()}:${rest[0]!.reminderId}`,
          ...later,
        });
      }
      for (const part of chunks([...new Set(summarized)])) {
        await tx.update(reminders).set({ inSummary: true, updatedAt: now }).where(inArray(reminders.id, part));
      }
      await enqueueMany(tx, messages, now);
      return { escalated: views.length, cards: messages.length };
    });
  }

  return {
    async run(now: Date, opts: RunOptions): Promise<EscalationReport> {
      const report: EscalationReport = { escalated: 0, cards: 0, skipped: 0, failed: 0 };
      for (const ws of await listWorkspaces(db, settings)) {
        const cal = { timeZone: ws.timeZone, workDays: settings.reminders.workDays };
        // The reminders job runs all day: managers hear of overdue customers from the start of the
        // working day (the hour undated reminders go out), not at midnight.
        if (!isWorkDay(cal, now) || wallClock(now, ws.timeZone).hour < settings.reminders.defaultHour) continue;
        const byTeam = new Map<number | null, EscalationCandidate[]>();
        for (const c of await candidates(ws, cal, now)) byTeam.set(c.teamId, [...(byTeam.get(c.teamId) ?? []), c]);
        const recipientsOf = new Map<number | null, MessageRecipient[]>();
        // Cards per recipient in this run (an admin may hear of several teams).
        const cardsSent = new Map<number, number>();
        const notBefore = new Map<number | null, Date | undefined>();
        const ready: { teamId: number | null; list: EscalationCandidate[] }[] = [];
        let index = 0;
        for (const [teamId, list] of byTeam) {
          notBefore.set(teamId, sendTime(now, { spread: opts.spread, minutes: settings.reminders.spreadMinutes }, index++, byTeam.size));
          const ids = await recipientIds(db, ws.id, teamId);
          const people = await recipientsById(db, ws, ids);
          const recipients = ids.flatMap((id) => people.get(id) ?? []);
          if (recipients.length === 0) {
            report.skipped += list.length;
            continue;
          }
          recipientsOf.set(teamId, recipients);
          if (opts.dryRun) {
            for (const c of list)
              for (const to of recipients)
                opts.emit({ recipient: `${to.platform}:${to.platformUserId}`, kind: 'escalation', customer: c.name, customerId: c.id });
            report.escalated += list.length;
            report.cards += list.length * recipients.length;
          } else ready.push({ teamId, list });
        }
        const run = async (groups: typeof ready) => {
          const done = await escalateBatch(
            ws,
            groups.flatMap((g) => g.list),
            recipientsOf,
            notBefore,
            cardsSent,
            now,
          );
          report.escalated += done.escalated;
          report.cards += done.cards;
        };
        const fail = (teamId: number | null, err: unknown) => {
          report.failed++;
          deps.log.error(
            { job: 'reminders', step: 'escalation', workspaceId: ws.id, teamId, err: errorCode(err) },
            'escalation: one team failed; the others go on',
          );
        };
        // Whole teams per transaction, up to about CHUNK customers.
        for (const batch of wholeGroups(ready, (g) => g.list.length)) {
          try {
            await run(batch);
            continue;
          } catch (err) {
            if (batch.length === 1) {
              fail(batch[0]!.teamId, err);
              continue;
            }
          }
          // A failed batch is tried again team by team, so one team's failure is its own.
          for (const one of batch) {
            try {
              await run([one]);
            } catch (err) {
              fail(one.teamId, err);
            }
          }
        }
      }
      return report;
    },
  };
}

import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { reminders, users, workspaces, type OutboxPayload } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import { errorCode } from '../../lib/safe-error.js';
import { isWorkDay, localDay } from '../schedule/work-days.js';
import { groupByOwner, planRep, spreadOffsetMs } from './plan-reminders.js';
import { loadReminderViews, type ReminderView } from './reminder-view.js';
import { activeRecipients, scanDue, scanQuiet, type Candidate, type Recipient, type TierDays } from './scan-reminders.js';

export type ReminderSettings = {
  timeZone: string;
  locale: 'zh-CN' | 'en';
  reminders: { workDays: readonly number[]; maxCardsPerRun: number; spreadMinutes: number; quietDays: TierDays };
};

/** Whom a message goes to, in which language and zone. */
export type ReminderAudience = {
  workspaceId: number;
  platform: string;
  userId: number;
  platformUserId: string;
  name: string | null;
  locale: 'zh-CN' | 'en';
  timeZone: string;
};

/** A customer listed on the summary card: its name and the times its lateness is read from. */
export type SummaryItem = Pick<Candidate, 'customerId' | 'name' | 'kind' | 'nextAt' | 'lastAt' | 'createdAt'>;

/** One message of a run: a reminder card, or the one summary card of what did not get a card. */
export type ReminderMessage =
  { kind: 'card'; reminderId: number; reminderKind: 'due' | 'quiet'; view: ReminderView } | { kind: 'summary'; items: SummaryItem[] };

/**
 * Draws a message for the outbox (target and payload). Cards belong to the bot, which the domain
 * cannot import: the composition root binds this in. The run adds the dedupe key and send time.
 */
export type ReminderOutbound = (to: ReminderAudience, message: ReminderMessage, now: Date) => { target: string; payload: OutboxPayload };

export type RunOptions = { dryRun: boolean; spread: boolean; emit: (line: Record<string, unknown>) => void };

export type ReminderRunReport = {
  workspaces: number;
  /** Workspaces skipped because the run fell on a non-working day there. */
  restDay: number;
  due: number;
  quiet: number;
  cards: number;
  summaries: number;
  failed: number;
};

type Workspace = { id: number; platform: string; locale: 'zh-CN' | 'en' | null; timeZone: string | null };
type RunContext = { now: Date; day: string; opts: RunOptions; outbound: ReminderOutbound };

/** A multi-row INSERT per this many reminders keeps each statement well under max_allowed_packet. */
const INSERT_CHUNK = 1000;

/**
 * One reminder run over every workspace: scan the due and quiet customers, then, for each owner
 * on their own (own transaction; a failure is logged by id and counted, and the run goes on),
 * record the reminder rows and their outbox rows together. Rows are unique per customer, kind and
 * local day, and the owner's user row is locked first, so a re-run, a second runner or a run
 * killed half-way never sends anything twice. A dry run only emits what it would send.
 */
export async function runReminders(
  deps: { db: Db; log: Logger; settings: ReminderSettings },
  now: Date,
  opts: RunOptions,
  outbound: ReminderOutbound,
): Promise<ReminderRunReport> {
  const { db, settings } = deps;
  const report: ReminderRunReport = { workspaces: 0, restDay: 0, due: 0, quiet: 0, cards: 0, summaries: 0, failed: 0 };
  const all: Workspace[] = await db
    .select({ id: workspaces.id, platform: workspaces.platform, locale: workspaces.locale, timeZone: workspaces.timeZone })
    .from(workspaces);
  for (const ws of all) {
    report.workspaces += 1;
    const timeZone = ws.timeZone ?? settings.timeZone;
    // Nothing on a rest day; what fell on it is still due on the next working day's first run.
    if (!isWorkDay({ timeZone, workDays: settings.reminders.workDays }, now)) {
      report.restDay += 1;
      continue;
    }
    const ctx: RunContext = { now, day: localDay(now, timeZone), opts, outbound };
    const due = await scanDue(db, ws.id, now, ctx.day);
    const quiet = await scanQuiet(db, ws.id, now, settings.reminders.quietDays);
    const byOwner = groupByOwner([...due, ...quiet]);
    const recipients = await activeRecipients(db, ws.id, [...byOwner.keys()]);
    // The cards' views for every rep at once (three queries), not three queries per rep.
    const cardIds = opts.dryRun
      ? []
      : [...byOwner].flatMap(([owner, list]) =>
          recipients.has(owner) ? planRep(list, settings.reminders.maxCardsPerRun).cards.map((c) => c.customerId) : [],
        );
    const views = new Map((await loadReminderViews(db, ws.id, cardIds)).map((v) => [v.customer.id, v]));
    for (const [ownerId, candidates] of byOwner) {
      const rep = recipients.get(ownerId);
      if (!rep) continue;
      const to: ReminderAudience = {
        workspaceId: ws.id,
        platform: ws.platform,
        userId: rep.userId,
        platformUserId: rep.platformUserId,
        name: rep.name,
        locale: rep.locale ?? ws.locale ?? settings.locale,
        timeZone,
      };
      try {
        const made = opts.dryRun ? emitRep(to, candidates, settings, ctx) : await remindRep(deps, to, rep, candidates, { ...ctx, views });
        report.due += made.due;
        report.quiet += made.quiet;
        report.cards += made.cards;
        report.summaries += made.summaries;
      } catch (err) {
        report.failed += 1;
        deps.log.error(
          { workspaceId: ws.id, userId: rep.userId, code: errorCode(err) },
          'reminders for one recipient failed; the run goes on',
        );
      }
    }
  }
  return report;
}

type RepCounts = { due: number; quiet: number; cards: number; summaries: number };

function emitRep(to: ReminderAudience, candidates: Candidate[], settings: ReminderSettings, ctx: RunContext): RepCounts {
  const plan = planRep(candidates, settings.reminders.maxCardsPerRun);
  const recipient = `${to.platform}:${to.platformUserId}`;
  for (const c of plan.cards)
    ctx.opts.emit({ recipient, kind: c.kind, customer: c.name, customerId: c.customerId, subjectAt: c.subjectAt.toISOString() });
  if (plan.summary.length > 0)
    ctx.opts.emit({ recipient, kind: 'summary', customers: plan.summary.map((c) => c.name), count: plan.summary.length });
  return countOf(candidates, plan.cards.length, plan.summary.length > 0 ? 1 : 0);
}

function countOf(rows: readonly Candidate[], cards: number, summaries: number): RepCounts {
  const due = rows.filter((c) => c.kind === 'due').length;
  return { due, quiet: rows.length - due, cards, summaries };
}

/** A row this transaction meant to insert was already there: another runner got there first. */
class TakenMeanwhile extends Error {
  override name = 'TakenMeanwhile';
}

/**
 * One rep's reminders in one transaction. The common path inserts every candidate's row and, when
 * each insert took (affectedRows), knows the rows are its own; when one did not (another runner
 * made it in between), it starts again, leaving out what is taken.
 */
async function remindRep(
  deps: { db: Db; settings: ReminderSettings },
  to: ReminderAudience,
  rep: Recipient,
  candidates: Candidate[],
  ctx: RunContext & { views: Map<number, ReminderView> },
): Promise<RepCounts> {
  try {
    return await remindRepOnce(deps, to, rep, candidates, ctx, false);
  } catch (err) {
    if (!(err instanceof TakenMeanwhile)) throw err;
    return remindRepOnce(deps, to, rep, candidates, ctx, true);
  }
}

async function remindRepOnce(
  deps: { db: Db; settings: ReminderSettings },
  to: ReminderAudience,
  rep: Recipient,
  candidates: Candidate[],
  ctx: RunContext & { views: Map<number, ReminderView> },
  leaveOutTaken: boolean,
): Promise<RepCounts> {
  const { now } = ctx;
  return runTransaction(deps.db, async (tx) => {
    // One runner per rep at a time: a second runner waits here, then finds the rows made.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, rep.userId)).for('update');
    const fresh = leaveOutTaken ? await leaveOut(tx, candidates, ctx.day) : candidates;
    if (fresh.length === 0) return countOf([], 0, 0);
    const plan = planRep(fresh, deps.settings.reminders.maxCardsPerRun);
    const made = await insertRows(
      tx,
      to,
      [...plan.cards.map((c) => ({ c, inSummary: false })), ...plan.summary.map((c) => ({ c, inSummary: true }))],
      ctx,
    );
    const { cards, summary } = plan;
    const notBefore = ctx.opts.spread ? new Date(now.getTime() + spreadOffsetMs(rep.userId, deps.settings.reminders.spreadMinutes)) : now;
    const missing = cards.map((c) => c.customerId).filter((id) => !ctx.views.has(id));
    for (const v of await loadReminderViews(tx, to.workspaceId, missing)) ctx.views.set(v.customer.id, v);
    const messages: OutboundEnvelope[] = [];
    for (const c of cards) {
      const view = ctx.views.get(c.customerId);
      const reminderId = made.get(`${c.kind}:${c.customerId}`);
      if (!view || !reminderId) continue;
      const message = ctx.outbound(to, { kind: 'card', reminderId, reminderKind: c.kind, view }, now);
      messages.push({ ...message, workspaceId: to.workspaceId, dedupeKey: `reminder:${reminderId}`, notBefore });
    }
    const sentCards = messages.length;
    const [first] = summary;
    if (first) {
      const message = ctx.outbound(to, { kind: 'summary', items: summary }, now);
      // Its first customer's row for the day is unique, so the key is too.
      const dedupeKey = `reminder-summary:${to.userId}:${ctx.day}:${first.kind}:${first.customerId}`;
      messages.push({ ...message, workspaceId: to.workspaceId, dedupeKey, notBefore });
    }
    // In this order: the cards most overdue first, then the summary.
    for (const message of messages) await enqueue(tx, message, now);
    return countOf([...cards, ...summary], sentCards, first ? 1 : 0);
  });
}

/** The candidates without a row of their kind on `day` yet (read under the rep's lock). */
async function leaveOut(tx: Tx, candidates: Candidate[], day: string): Promise<Candidate[]> {
  const taken = await tx
    .select({ customerId: reminders.customerId, kind: reminders.kind })
    .from(reminders)
    .where(
      and(
        inArray(
          reminders.customerId,
          candidates.map((c) => c.customerId),
        ),
        eq(reminders.dueDate, day),
      ),
    );
  const keys = new Set(taken.map((t) => `${t.kind}:${t.customerId}`));
  return candidates.filter((c) => !keys.has(`${c.kind}:${c.customerId}`));
}

/**
 * Inserts the rows as sent (in the transaction that enqueues their messages) and returns the ids
 * of the card rows (not `in_summary`), by `kind:customerId`. When a row was already there (another
 * runner, or a runner for another rep after the owner changed), it throws `TakenMeanwhile`, which
 * rolls the transaction back so the rep is done again without the taken rows.
 */
async function insertRows(
  tx: Tx,
  to: ReminderAudience,
  rows: { c: Candidate; inSummary: boolean }[],
  ctx: RunContext,
): Promise<Map<string, number>> {
  const { now, day } = ctx;
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const [result] = await tx
      .insert(reminders)
      .ignore()
      .values(
        rows.slice(i, i + INSERT_CHUNK).map(({ c, inSummary }) => ({
          workspaceId: to.workspaceId,
          customerId: c.customerId,
          userId: to.userId,
          kind: c.kind,
          dueDate: day,
          dueAt: c.kind === 'due' ? (c.nextAt ?? now) : now,
          subjectAt: c.subjectAt,
          status: 'sent' as const,
          inSummary,
          sentAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      );
    inserted += result.affectedRows;
  }
  if (inserted !== rows.length) throw new TakenMeanwhile('a reminder row of this run was already there');
  // Every row went in, so the rows of the day for these customers are ours; only the cards need their ids.
  const carded = rows.filter((r) => !r.inSummary);
  if (carded.length === 0) return new Map();
  const made = await tx
    .select({ id: reminders.id, customerId: reminders.customerId, kind: reminders.kind })
    .from(reminders)
    .where(
      and(
        eq(reminders.userId, to.userId),
        eq(reminders.dueDate, day),
        inArray(
          reminders.customerId,
          carded.map((r) => r.c.customerId),
        ),
      ),
    );
  return new Map(made.map((m) => [`${m.kind}:${m.customerId}`, m.id]));
}

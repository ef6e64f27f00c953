import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { reminders, users, workspaces, type OutboxPayload } from '../../db/schema/index.js';
import { enqueueMany, type OutboundEnvelope } from '../../delivery/outbox.js';
import { errorCode } from '../../lib/safe-error.js';
import type { MessageRecipient } from '../schedule/job-context.js';
import { isWorkDay, localDay } from '../schedule/work-days.js';
import { insertReminderRows } from './insert-reminder-rows.js';
import { groupByOwner, planRep, spreadOffsetMs, type RepPlan } from './plan-reminders.js';
import { loadReminderViews, type ReminderView } from './reminder-view.js';
import { claimRound, roundsTaken } from './rep-rounds.js';
import { activeRecipients, customerNames, scanDue, scanQuiet, type Candidate, type Recipient, type TierDays } from './scan-reminders.js';

export type ReminderSettings = {
  timeZone: string;
  locale: 'zh-CN' | 'en';
  reminders: { workDays: readonly number[]; maxCardsPerRun: number; spreadMinutes: number; quietDays: TierDays };
};

/** A customer named on the summary card: its name and the times its lateness is read from. */
export type SummaryItem = Pick<Candidate, 'customerId' | 'kind' | 'nextAt' | 'lastAt' | 'createdAt'> & { name: string };

/** Customers a summary card names (the most overdue first); it counts the others. */
export const SUMMARY_NAMED = 5;

/** One message of a run: a reminder card, or the one summary card of what did not get a card. */
export type ReminderMessage =
  | { kind: 'card'; reminderId: number; reminderKind: 'due' | 'quiet'; view: ReminderView }
  | { kind: 'summary'; items: SummaryItem[]; total: number };

/**
 * Draws a message for the outbox (target and payload). Cards belong to the bot, which the domain
 * cannot import: the composition root binds this in. The run adds the dedupe key and send time.
 */
export type ReminderOutbound = (to: MessageRecipient, message: ReminderMessage, now: Date) => { target: string; payload: OutboxPayload };

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

/**
 * Reps handled side by side, each in its own transaction on its own connection: a rep's work is
 * mostly round trips and a commit, which overlap; few enough to leave the pool to the service.
 */
const REP_CONCURRENCY = 4;

/** Runs `work` over `items` with at most `limit` at a time, taking them in order. */
async function forEachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A multi-row INSERT per this many reminders keeps each statement well under max_allowed_packet. */
const INSERT_CHUNK = 1000;

/**
 * One reminder run over every workspace: scan the due and quiet customers, then, for each owner
 * on their own (own transaction, up to REP_CONCURRENCY side by side; a failure is logged by id
 * and counted, and the run goes on), record the reminder rows and their outbox rows together. Rows are unique per customer, kind and
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
    // A rep whose round of the day is done hears only of what fell due since (the scan leaves the
    // rest out; the rep's transaction checks again under the rep's lock).
    const roundDone = await roundsTaken(db, ws.id, ctx.day);
    const due = await scanDue(db, ws.id, now, ctx.day, roundDone);
    const quiet = await scanQuiet(db, ws.id, now, settings.reminders.quietDays);
    const byOwner = groupByOwner([...due, ...quiet]);
    const recipients = await activeRecipients(db, ws.id, [...byOwner.keys()]);
    // What the messages show, for every rep at once (a few queries, not a few per rep): the cards'
    // views, and the names a summary lists (a dry run prints every name).
    const planned = new Map(
      [...byOwner].flatMap(([owner, list]) =>
        recipients.has(owner) ? [[owner, planRep(list, settings.reminders.maxCardsPerRun)] as const] : [],
      ),
    );
    const plans = [...planned.values()];
    const cardIds = opts.dryRun ? [] : plans.flatMap((p) => p.cards.map((c) => c.customerId));
    const namedIds = opts.dryRun
      ? plans.flatMap((p) => [...p.cards, ...p.summary].map((c) => c.customerId))
      : plans.flatMap((p) => p.summary.slice(0, SUMMARY_NAMED).map((c) => c.customerId));
    const views = new Map((await loadReminderViews(db, ws.id, cardIds)).map((v) => [v.customer.id, v]));
    const names = await customerNames(db, ws.id, namedIds);
    await forEachAtMost([...byOwner], REP_CONCURRENCY, async ([ownerId, candidates]) => {
      const rep = recipients.get(ownerId);
      if (!rep) return;
      const to: MessageRecipient = {
        workspaceId: ws.id,
        platform: ws.platform,
        userId: rep.userId,
        platformUserId: rep.platformUserId,
        name: rep.name,
        locale: rep.locale ?? ws.locale ?? settings.locale,
        timeZone,
      };
      try {
        const made = opts.dryRun
          ? emitRep(to, candidates, settings, names, ctx)
          : await remindRep(deps, to, rep, candidates, {
              ...ctx,
              views,
              names,
              plan: planned.get(ownerId) ?? planRep(candidates, settings.reminders.maxCardsPerRun),
            });
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
    });
  }
  return report;
}

/** A rep's part of the run: what was loaded for every rep at once, and the rep's plan as scanned. */
type RepContext = RunContext & { views: Map<number, ReminderView>; names: Map<number, string>; plan: RepPlan };

type RepCounts = { due: number; quiet: number; cards: number; summaries: number };

function emitRep(
  to: MessageRecipient,
  candidates: Candidate[],
  settings: ReminderSettings,
  names: Map<number, string>,
  ctx: RunContext,
): RepCounts {
  const plan = planRep(candidates, settings.reminders.maxCardsPerRun);
  const recipient = `${to.platform}:${to.platformUserId}`;
  for (const c of plan.cards)
    ctx.opts.emit({
      recipient,
      kind: c.kind,
      customer: names.get(c.customerId) ?? '',
      customerId: c.customerId,
      subjectAt: c.subjectAt.toISOString(),
    });
  if (plan.summary.length > 0)
    ctx.opts.emit({
      recipient,
      kind: 'summary',
      customers: plan.summary.map((c) => names.get(c.customerId) ?? ''),
      count: plan.summary.length,
    });
  return countOf(candidates, plan.cards.length, plan.summary.length > 0 ? 1 : 0);
}

/** What a run after the rep's round of the day reminds of: not the repeats the round listed. */
const laterInTheDay = (candidates: readonly Candidate[]) => candidates.filter((c) => !c.repeat);

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
  to: MessageRecipient,
  rep: Recipient,
  candidates: Candidate[],
  ctx: RepContext,
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
  to: MessageRecipient,
  rep: Recipient,
  candidates: Candidate[],
  ctx: RepContext,
  leaveOutTaken: boolean,
): Promise<RepCounts> {
  const { now } = ctx;
  return runTransaction(deps.db, async (tx) => {
    // One runner per rep at a time: a second runner waits here, then finds the rows made.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, rep.userId)).for('update');
    // Planned as the round but another runner's run took it meanwhile: leave the repeats out.
    const lateRound = !(await claimRound(tx, to, ctx.day, now)) && candidates.some((c) => c.repeat);
    const open = lateRound ? laterInTheDay(candidates) : candidates;
    const fresh = leaveOutTaken ? await leaveOut(tx, open, ctx.day) : open;
    if (fresh.length === 0) return countOf([], 0, 0);
    const plan = leaveOutTaken || lateRound ? planRep(fresh, deps.settings.reminders.maxCardsPerRun) : ctx.plan;
    // Every card has its row; a summary line has one unless it repeats a reminder of the episode
    // (the episode's first reminder, which escalation counts from, is a row either way).
    const made = await insertRows(
      tx,
      to,
      [...plan.cards.map((c) => ({ c, inSummary: false })), ...plan.summary.filter((c) => !c.repeat).map((c) => ({ c, inSummary: true }))],
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
      const named = summary.slice(0, SUMMARY_NAMED);
      const unnamed = named.map((c) => c.customerId).filter((id) => !ctx.names.has(id));
      for (const [id, name] of await customerNames(tx, to.workspaceId, unnamed)) ctx.names.set(id, name);
      const items = named.map((c) => ({ ...c, name: ctx.names.get(c.customerId) ?? '' }));
      const message = ctx.outbound(to, { kind: 'summary', items, total: summary.length }, now);
      // Its first customer is listed once a day at most (a row of the day keeps a customer out of
      // later runs, and a repeat is listed by the round only), so the key is unique too.
      const dedupeKey = `reminder-summary:${to.userId}:${ctx.day}:${first.kind}:${first.customerId}`;
      messages.push({ ...message, workspaceId: to.workspaceId, dedupeKey, notBefore });
    }
    // One statement, rows in this order: the cards most overdue first, then the summary.
    await enqueueMany(tx, messages, now);
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
  to: MessageRecipient,
  rows: { c: Candidate; inSummary: boolean }[],
  ctx: RunContext,
): Promise<Map<string, number>> {
  const { now, day } = ctx;
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    inserted += await insertReminderRows(
      tx,
      rows.slice(i, i + INSERT_CHUNK).map(({ c, inSummary }) => ({
        workspaceId: to.workspaceId,
        customerId: c.customerId,
        userId: to.userId,
        kind: c.kind,
        dueDate: day,
        dueAt: c.kind === 'due' ? (c.nextAt ?? now) : now,
        subjectAt: c.subjectAt,
        inSummary,
        sentAt: now,
      })),
    );
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

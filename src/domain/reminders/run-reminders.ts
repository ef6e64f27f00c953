import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { workspaces, type OutboxPayload } from '../../db/schema/index.js';
import { wholeGroups } from '../../lib/batches.js';
import { errorCode } from '../../lib/safe-error.js';
import type { MessageRecipient } from '../schedule/job-context.js';
import { isWorkDay, localDay } from '../schedule/work-days.js';
import { groupByOwner, planRep, SUMMARY_NAMED } from './plan-reminders.js';
import { countOf, remindBatch, type BatchContext, type RepCounts, type RepWork } from './remind-reps.js';
import { loadReminderViews, type ReminderView } from './reminder-view.js';
import { roundsTaken } from './rep-rounds.js';
import { activeRecipients, customerNames, scanDue, scanQuiet, type Candidate, type TierDays } from './scan-reminders.js';

export { SUMMARY_NAMED };

export type ReminderSettings = {
  timeZone: string;
  locale: 'zh-CN' | 'en';
  reminders: { workDays: readonly number[]; maxCardsPerRun: number; spreadMinutes: number; quietDays: TierDays };
};

/** A customer named on the summary card: its name and the times its lateness is read from. */
export type SummaryItem = Pick<Candidate, 'customerId' | 'kind' | 'nextAt' | 'lastAt' | 'createdAt'> & { name: string };

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
 * Reps per transaction: whole reps up to about this many reminders. A rep's work is a few
 * statements and a commit whatever its size, so a batch of reps shares them (a morning run: about
 * ten transactions instead of 200).
 */
const BATCH_REMINDERS = 2000;
/** Batches side by side, each on its own connection; few enough to leave the pool to the service. */
const BATCH_CONCURRENCY = 2;

/** Runs `work` over `items` with at most `limit` at a time, taking them in order. */
async function forEachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * One reminder run over every workspace: scan the due and quiet customers, then record the
 * reminder rows and their outbox rows together, whole reps per transaction (a batch that fails is
 * done again rep by rep, so one rep's failure is logged by id and counted, and the run goes on).
 * Rows are unique per customer, kind and local day, and the reps' user rows are locked first, so a
 * re-run, a second runner or a run killed half-way never sends anything twice. A dry run only
 * emits what it would send.
 */
export async function runReminders(
  deps: { db: Db; log: Logger; settings: ReminderSettings },
  now: Date,
  opts: RunOptions,
  outbound: ReminderOutbound,
): Promise<ReminderRunReport> {
  const { db, settings } = deps;
  const report: ReminderRunReport = { workspaces: 0, restDay: 0, due: 0, quiet: 0, cards: 0, summaries: 0, failed: 0 };
  const add = (made: RepCounts) => {
    report.due += made.due;
    report.quiet += made.quiet;
    report.cards += made.cards;
    report.summaries += made.summaries;
  };
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
    // rest out; the reps' transaction checks again under their locks).
    const roundDone = await roundsTaken(db, ws.id, ctx.day);
    // The two scans on two connections at once: each is mostly the database's work.
    const [due, quiet] = await Promise.all([
      scanDue(db, ws.id, now, ctx.day, roundDone),
      scanQuiet(db, ws.id, now, settings.reminders.quietDays),
    ]);
    const byOwner = groupByOwner([...due, ...quiet]);
    const recipients = await activeRecipients(db, ws.id, [...byOwner.keys()]);
    const work: RepWork[] = [...byOwner].flatMap(([owner, candidates]) => {
      const rep = recipients.get(owner);
      if (!rep) return [];
      const to: MessageRecipient = {
        workspaceId: ws.id,
        platform: ws.platform,
        userId: rep.userId,
        platformUserId: rep.platformUserId,
        name: rep.name,
        locale: rep.locale ?? ws.locale ?? settings.locale,
        timeZone,
      };
      return [{ to, candidates, plan: planRep(candidates, settings.reminders.maxCardsPerRun) }];
    });
    // What the messages show, for every rep at once (a few queries, not a few per rep): the cards'
    // views, and the names a summary lists (a dry run prints every name).
    const cardIds = opts.dryRun ? [] : work.flatMap((w) => w.plan.cards.map((c) => c.customerId));
    const namedIds = opts.dryRun
      ? work.flatMap((w) => w.candidates.map((c) => c.customerId))
      : work.flatMap((w) => w.plan.summary.slice(0, SUMMARY_NAMED).map((c) => c.customerId));
    const [viewList, names] = await Promise.all([loadReminderViews(db, ws.id, cardIds), customerNames(db, ws.id, namedIds)]);
    const views = new Map(viewList.map((v) => [v.customer.id, v]));
    if (opts.dryRun) {
      for (const w of work) add(emitRep(w.to, w.candidates, settings, names, ctx));
      continue;
    }
    const batchCtx: BatchContext = { ...ctx, settings: settings.reminders, views, names };
    const fail = (userId: number, err: unknown) => {
      report.failed += 1;
      deps.log.error({ workspaceId: ws.id, userId, code: errorCode(err) }, 'reminders for one recipient failed; the run goes on');
    };
    await forEachAtMost(
      wholeGroups(work, (w) => w.candidates.length, BATCH_REMINDERS),
      BATCH_CONCURRENCY,
      async (batch) => {
        try {
          for (const made of (await remindBatch(db, batch, batchCtx)).values()) add(made);
          return;
        } catch (err) {
          if (batch.length === 1) return fail(batch[0]!.to.userId, err);
        }
        // A failed batch is done again rep by rep, so one rep's failure is its own.
        for (const one of batch) {
          try {
            for (const made of (await remindBatch(db, [one], batchCtx)).values()) add(made);
          } catch (err) {
            fail(one.to.userId, err);
          }
        }
      },
    );
  }
  return report;
}

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

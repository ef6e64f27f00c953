import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { reminders, users } from '../../db/schema/index.js';
import { enqueueMany, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { MessageRecipient } from '../schedule/job-context.js';
import { insertReminderRows } from './insert-reminder-rows.js';
import { planRep, spreadOffsetMs, SUMMARY_NAMED, type RepPlan } from './plan-reminders.js';
import { loadReminderViews, type ReminderView } from './reminder-view.js';
import { claimRounds, roundsTakenOf } from './rep-rounds.js';
import type { ReminderOutbound, RunOptions } from './run-reminders.js';
import { customerNames, type Candidate } from './scan-reminders.js';

/** One rep's part of a run: whom it goes to, what the scan found and the plan made from it. */
export type RepWork = { to: MessageRecipient; candidates: Candidate[]; plan: RepPlan };

export type RepCounts = { due: number; quiet: number; cards: number; summaries: number };

/** What every rep of a workspace's run shares: the time, the local day, and what was read for all reps at once. */
export type BatchContext = {
  now: Date;
  day: string;
  opts: RunOptions;
  outbound: ReminderOutbound;
  settings: { maxCardsPerRun: number; spreadMinutes: number };
  views: Map<number, ReminderView>;
  names: Map<number, string>;
};

/** A multi-row INSERT per this many reminders keeps each statement well under max_allowed_packet. */
const INSERT_CHUNK = 1000;

/** What a run after the rep's round of the day reminds of: not the repeats the round listed. */
export const laterInTheDay = (candidates: readonly Candidate[]) => candidates.filter((c) => !c.repeat);

export function countOf(rows: readonly Candidate[], cards: number, summaries: number): RepCounts {
  const due = rows.filter((c) => c.kind === 'due').length;
  return { due, quiet: rows.length - due, cards, summaries };
}

/** A row this transaction meant to insert was already there: another runner got there first. */
class TakenMeanwhile extends Error {
  override name = 'TakenMeanwhile';
}

/**
 * Some reps' reminders in one transaction (one statement per step for all of them, not one per
 * rep). The common path inserts every planned row and, when each insert took (affectedRows),
 * knows the rows are its own; when one did not (another runner made it in between), it starts
 * again, leaving out what is taken. Returns the counts by user id.
 */
export async function remindBatch(db: Db, batch: readonly RepWork[], ctx: BatchContext): Promise<Map<number, RepCounts>> {
  try {
    return await remindBatchOnce(db, batch, ctx, false);
  } catch (err) {
    if (!(err instanceof TakenMeanwhile)) throw err;
    return remindBatchOnce(db, batch, ctx, true);
  }
}

async function remindBatchOnce(db: Db, batch: readonly RepWork[], ctx: BatchContext, leaveOutTaken: boolean) {
  const { now, day } = ctx;
  const [first] = batch;
  if (!first) return new Map<number, RepCounts>();
  const workspaceId = first.to.workspaceId;
  return runTransaction(db, async (tx) => {
    const ids = batch.map((w) => w.to.userId).sort((a, b) => a - b);
    // One runner per rep at a time (locked in id order): a second runner waits here, then finds the rows made.
    await tx.select({ id: users.id }).from(users).where(inArray(users.id, ids)).orderBy(asc(users.id)).for('update');
    const done = await roundsTakenOf(tx, workspaceId, day, ids);
    await claimRounds(
      tx,
      workspaceId,
      day,
      ids.filter((id) => !done.has(id)),
      now,
    );
    // Planned as the round but another runner's run took it meanwhile: leave the repeats out.
    let work = batch.map((w) => {
      const late = done.has(w.to.userId) && w.candidates.some((c) => c.repeat);
      return { ...w, open: late ? laterInTheDay(w.candidates) : w.candidates, replan: late };
    });
    if (leaveOutTaken) {
      const taken = await takenOn(
        tx,
        work.flatMap((w) => w.open),
        day,
      );
      work = work.map((w) => ({ ...w, open: w.open.filter((c) => !taken.has(`${c.kind}:${c.customerId}`)), replan: true }));
    }
    const plans = work
      .map((w) => ({ to: w.to, plan: w.replan ? planRep(w.open, ctx.settings.maxCardsPerRun) : w.plan }))
      .filter((p) => p.plan.cards.length + p.plan.summary.length > 0);
    // Every card has its row; a summary line has one unless it repeats a reminder of the episode
    // (the episode's first reminder, which escalation counts from, is a row either way).
    const rows = plans.flatMap(({ to, plan }) => [
      ...plan.cards.map((c) => ({ c, userId: to.userId, inSummary: false })),
      ...plan.summary.filter((c) => !c.repeat).map((c) => ({ c, userId: to.userId, inSummary: true })),
    ]);
    const made = await insertRows(tx, workspaceId, rows, ctx);
    await loadMissing(tx, workspaceId, plans, ctx);
    const counts = new Map<number, RepCounts>();
    const messages: OutboundEnvelope[] = [];
    for (const { to, plan } of plans) {
      const mine = messagesOf(to, plan, made, ctx);
      messages.push(...mine.messages);
      counts.set(to.userId, countOf([...plan.cards, ...plan.summary], mine.cards, mine.summaries));
    }
    // Rows in this order: each rep's cards most overdue first, then the rep's summary.
    await enqueueMany(tx, messages, now);
    return counts;
  });
}

/** The cards' views and the summaries' names the run did not read up front (a plan changed under the lock). */
async function loadMissing(tx: Tx, workspaceId: number, plans: { plan: RepPlan }[], ctx: BatchContext): Promise<void> {
  const cards = plans.flatMap((p) => p.plan.cards.map((c) => c.customerId)).filter((id) => !ctx.views.has(id));
  for (const v of await loadReminderViews(tx, workspaceId, cards)) ctx.views.set(v.customer.id, v);
  const named = plans.flatMap((p) => p.plan.summary.slice(0, SUMMARY_NAMED).map((c) => c.customerId)).filter((id) => !ctx.names.has(id));
  for (const [id, name] of await customerNames(tx, workspaceId, named)) ctx.names.set(id, name);
}

/** One rep's messages: a card per carded row, then one summary card naming the first few of the rest. */
function messagesOf(to: MessageRecipient, plan: RepPlan, made: Map<string, number>, ctx: BatchContext) {
  const { now } = ctx;
  const notBefore = ctx.opts.spread ? new Date(now.getTime() + spreadOffsetMs(to.userId, ctx.settings.spreadMinutes)) : now;
  const messages: OutboundEnvelope[] = [];
  for (const c of plan.cards) {
    const view = ctx.views.get(c.customerId);
    const reminderId = made.get(`${c.kind}:${c.customerId}`);
    if (!view || !reminderId) continue;
    const message = ctx.outbound(to, { kind: 'card', reminderId, reminderKind: c.kind, view }, now);
    messages.push({ ...message, workspaceId: to.workspaceId, dedupeKey: `reminder:${reminderId}`, notBefore });
  }
  const cards = messages.length;
  const [first] = plan.summary;
  if (first) {
    const items = plan.summary.slice(0, SUMMARY_NAMED).map((c) => ({ ...c, name: ctx.names.get(c.customerId) ?? '' }));
    const message = ctx.outbound(to, { kind: 'summary', items, total: plan.summary.length }, now);
    // Its first customer is listed once a day per episode at most (a row of the day keeps a
    // customer out of later runs, and a repeat is listed by the round only), so the key is unique too.
    const dedupeKey = `reminder-summary:${to.userId}:${ctx.day}:${first.kind}:${first.customerId}:${first.subjectAt.getTime()}`;
    messages.push({ ...message, workspaceId: to.workspaceId, dedupeKey, notBefore });
  }
  return { messages, cards, summaries: first ? 1 : 0 };
}

/** The keys (`kind:customerId`) of the candidates with a row of their kind on `day` already (read under the reps' lock). */
async function takenOn(tx: Tx, candidates: Candidate[], day: string): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
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
  return new Set(taken.map((t) => `${t.kind}:${t.customerId}`));
}

/**
 * Inserts the rows as sent (in the transaction that enqueues their messages) and returns the ids
 * of the card rows (not `in_summary`), by `kind:customerId` (a customer has one owner, so one rep
 * per key). When a row was already there (another runner, or a runner for another rep after the
 * owner changed), it throws `TakenMeanwhile`, which rolls the transaction back so the reps are
 * done again without the taken rows.
 */
async function insertRows(
  tx: Tx,
  workspaceId: number,
  rows: { c: Candidate; userId: number; inSummary: boolean }[],
  ctx: BatchContext,
): Promise<Map<string, number>> {
  const { now, day } = ctx;
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    inserted += await insertReminderRows(
      tx,
      rows.slice(i, i + INSERT_CHUNK).map(({ c, userId, inSummary }) => ({
        workspaceId,
        customerId: c.customerId,
        userId,
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
        inArray(reminders.userId, [...new Set(carded.map((r) => r.userId))]),
        eq(reminders.dueDate, day),
        inArray(
          reminders.customerId,
          carded.map((r) => r.c.customerId),
        ),
      ),
    );
  return new Map(made.map((m) => [`${m.kind}:${m.customerId}`, m.id]));
}

import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, reminders } from '../../db/schema/index.js';
import { enqueueMany, type OutboundEnvelope } from '../../delivery/outbox.js';
import { errorCode } from '../../lib/safe-error.js';
import { wallClock } from '../notes/civil-time.js';
import { moveToPool } from '../ownership/change-owner.js';
import { isWorkDay, localDay } from '../schedule/work-days.js';
import { listWorkspaces, recipientsById, sendTime, type MessageRecipient, type WorkspaceContext } from '../schedule/job-context.js';
import type { PoolMessages, RecycledLine } from './pool-messages.js';
import { baselineOf, poolStep, releaseDayOf, releaseDaysFor, scanBefore, type ReleaseAfterDays, type Tier } from './pool-rules.js';
import { chunks, wholeGroups } from '../../lib/batches.js';
import { poolCandidatesById, scanPoolCandidates, type PoolCandidate } from './pool-scan.js';

export type PoolSettings = { enabled: boolean; releaseAfterDays: ReleaseAfterDays; warnDaysBefore: number };

type Deps = {
  db: Db;
  log: Logger;
  settings: {
    timeZone: string;
    locale: 'zh-CN' | 'en';
    pool: PoolSettings;
    reminders: { workDays: readonly number[]; spreadMinutes: number; maxCardsPerRun: number };
  };
  messages: PoolMessages;
};

type RunOptions = { dryRun: boolean; spread: boolean; emit: (line: Record<string, unknown>) => void };
export type PoolReport = { warned: number; recycled: number; owners: number; failed: number; skipped?: string };

type Decided = PoolCandidate & { baseline: Date; step: 'warn' | 'recycle' };
/** One owner's share of a run: who, which customers the scan picked, when their messages go. */
type OwnerWork = { owner: MessageRecipient; ids: number[]; notBefore: Date | undefined };

const TIERS: Tier[] = ['A', 'B', 'C'];
export const POOL_ACTOR = 'system:pool';

const wholeDays = (from: Date, to: Date, timeZone: string) => {
  const a = wallClock(from, timeZone);
  const b = wallClock(to, timeZone);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
};

/**
 * The pool job: warns owners of customers about to return to the public pool, and returns those
 * whose day has come (rules in `pool-rules.ts`). The scan reads; then the customers of a few
 * owners at a time are re-read under lock and decided again in one transaction that writes the
 * warnings, the moves and the messages reporting them, so a note logged in between wins and a
 * re-run or a second runner finds nothing left to do. When such a transaction fails, its owners
 * are tried one by one: one owner failing is counted and the others go on.
 */
export function createPoolRecycling(deps: Deps) {
  const { db, settings } = deps;
  const pool = settings.pool;

  function decide(ws: WorkspaceContext, c: PoolCandidate, now: Date): Decided | null {
    const baseline = baselineOf(c);
    const warnedAt = c.lastWarning && c.lastWarning.subjectAt.getTime() === baseline.getTime() ? c.lastWarning.sentAt : null;
    const step = poolStep({
      baseline,
      tier: c.tier,
      warnedAt,
      now,
      timeZone: ws.timeZone,
      releaseAfterDays: pool.releaseAfterDays,
      warnDaysBefore: pool.warnDaysBefore,
    });
    return step === 'wait' ? null : { ...c, baseline, step };
  }

  /** Decided customers of a workspace: read without locks (the batch's transaction decides again). */
  async function plan(ws: WorkspaceContext, now: Date): Promise<Decided[]> {
    const bounds = Object.fromEntries(
      TIERS.map((t) => [t, scanBefore(now, ws.timeZone, releaseDaysFor(pool.releaseAfterDays, t), pool.warnDaysBefore)]),
    ) as Record<Tier, Date>;
    return (await scanPoolCandidates(db, ws.id, bounds)).flatMap((c) => decide(ws, c, now) ?? []);
  }

  /** Some owners' warnings and recycling in one transaction, re-decided on locked rows. */
  async function runBatch(ws: WorkspaceContext, batch: OwnerWork[], now: Date) {
    return runTransaction(db, async (tx) => {
      const ids = batch.flatMap((w) => w.ids).sort((a, b) => a - b);
      for (const part of chunks(ids)) {
        await tx
          .select({ id: customers.id })
          .from(customers)
          .where(and(eq(customers.workspaceId, ws.id), inArray(customers.id, part)))
          .orderBy(asc(customers.id))
          .for('update');
      }
      const fresh = await poolCandidatesById(tx, ws.id, ids);
      const messages: OutboundEnvelope[] = [];
      const warns: { decided: Decided; work: OwnerWork }[] = [];
      const recycled: Decided[] = [];
      let owners = 0;
      for (const work of batch) {
        const decided = fresh.filter((c) => c.ownerUserId === work.owner.userId).flatMap((c) => decide(ws, c, now) ?? []);
        warns.push(...decided.filter((d) => d.step === 'warn').map((d) => ({ decided: d, work })));
        const back = decided.filter((d) => d.step === 'recycle');
        if (back.length === 0) continue;
        recycled.push(...back);
        owners++;
        const lines: RecycledLine[] = back.map((r) => ({
          customerId: r.id,
          name: r.name,
          idleDays: wholeDays(r.baseline, now, ws.timeZone),
        }));
        messages.push({
          ...deps.messages.recycled(work.owner, lines, now),
          dedupeKey: `pool:recycled:${work.owner.userId}:${now.getTime()}`,
          ...(work.notBefore ? { notBefore: work.notBefore } : {}),
        });
      }
      messages.push(...(await writeWarnings(tx, ws, warns, now)));
      await moveToPool(tx, recycled, { reason: 'recycle', actorUserId: null, actorRef: POOL_ACTOR, source: 'job: pool', now });
      await enqueueMany(tx, messages, now);
      return { warned: warns.length, recycled: recycled.length, owners };
    });
  }

  /**
   * One `pool_warning` row per customer and episode: `due_date` is the local day of the baseline,
   * so the unique (customer, kind, due_date) key keeps a second one out whatever runs at once.
   * No flood: per owner, the `maxCardsPerRun` soonest releases get a card each and the rest one
   * summary card (their rows `in_summary`; they count as warned, so they are recycled on time too).
   * Returns the messages announcing the rows written.
   */
  async function writeWarnings(tx: Tx, ws: WorkspaceContext, warns: { decided: Decided; work: OwnerWork }[], now: Date) {
    if (warns.length === 0) return [];
    const releaseOn = (d: Decided) => releaseDayOf({ ...pool, baseline: d.baseline, tier: d.tier, now, timeZone: ws.timeZone });
    const dayNumber = (d: Decided) => {
      const day = releaseOn(d);
      return Date.UTC(day.y, day.m - 1, day.d);
    };
    const byOwner = new Map<number, { decided: Decided; work: OwnerWork }[]>();
    for (const w of warns) byOwner.set(w.work.owner.userId, [...(byOwner.get(w.work.owner.userId) ?? []), w]);
    const ordered = [...byOwner.values()].map((list) =>
      list.sort((a, b) => dayNumber(a.decided) - dayNumber(b.decided) || a.decided.baseline.getTime() - b.decided.baseline.getTime()),
    );
    const inSummary = new Set(ordered.flatMap((list) => list.slice(settings.reminders.maxCardsPerRun).map((w) => w.decided.id)));
    for (const part of chunks(warns)) {
      await tx
        .insert(reminders)
        .ignore()
        .values(
          part.map(({ decided: d, work }) => ({
            workspaceId: ws.id,
            customerId: d.id,
            userId: work.owner.userId,
            kind: 'pool_warning' as const,
            dueDate: localDay(d.baseline, ws.timeZone),
            dueAt: now,
            subjectAt: d.baseline,
            status: 'sent' as const,
            inSummary: inSummary.has(d.id),
            sentAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        );
    }
    // The rows of these episodes: written just now (the locked re-read found none). A row the
    // insert skipped belongs to another episode of the same day and is not ours to announce.
    const stored = new Map<string, number>();
    for (const part of chunks(warns)) {
      const rows = await tx
        .select({ id: reminders.id, customerId: reminders.customerId, subjectAt: reminders.subjectAt })
        .from(reminders)
        .where(
          and(
            inArray(
              reminders.customerId,
              part.map((w) => w.decided.id),
            ),
            eq(reminders.kind, 'pool_warning'),
          ),
        );
      for (const r of rows) if (r.subjectAt) stored.set(`${r.customerId}:${r.subjectAt.getTime()}`, r.id);
    }
    return ordered.flatMap((list) => {
      const views = list.flatMap(({ decided: d }) => {
        const reminderId = stored.get(`${d.id}:${d.baseline.getTime()}`);
        if (reminderId === undefined) return [];
        const customer = { id: d.id, name: d.name, tier: d.tier, lastFollowUpAt: d.lastFollowUpAt, nextFollowUpAt: d.nextFollowUpAt };
        return [{ reminderId, customer, idleDays: wholeDays(d.baseline, now, ws.timeZone), releaseOn: releaseOn(d) }];
      });
      const work = list[0]!.work;
      const when = work.notBefore ? { notBefore: work.notBefore } : {};
      const cards = views.filter((v) => !inSummary.has(v.customer.id));
      const rest = views.filter((v) => inSummary.has(v.customer.id));
      return [
        ...cards.map((view) => ({ ...deps.messages.warning(work.owner, view, now), dedupeKey: `pool:warn:${view.reminderId}`, ...when })),
        // Keyed by the first listed warning: a re-run writes no new rows, so it sends no second summary.
        ...(rest.length > 0
          ? [{ ...deps.messages.warningSummary(work.owner, rest, now), dedupeKey: `pool:warn-summary:${rest[0]!.reminderId}`, ...when }]
          : []),
      ];
    });
  }

  function emitPlan(opts: RunOptions, owner: MessageRecipient | undefined, list: Decided[], report: PoolReport) {
    for (const d of list) {
      opts.emit({
        recipient: owner ? `${owner.platform}:${owner.platformUserId}` : null,
        kind: d.step === 'warn' ? 'pool_warning' : 'pool_recycled',
        customer: d.name,
        customerId: d.id,
      });
    }
    const recycled = list.filter((d) => d.step === 'recycle').length;
    report.warned += list.length - recycled;
    report.recycled += recycled;
    if (recycled > 0) report.owners++;
  }

  async function runWorkspace(ws: WorkspaceContext, now: Date, opts: RunOptions, report: PoolReport) {
    const byOwner = new Map<number, Decided[]>();
    for (const d of await plan(ws, now)) byOwner.set(d.ownerUserId, [...(byOwner.get(d.ownerUserId) ?? []), d]);
    const owners = await recipientsById(db, ws, [...byOwner.keys()]);
    const work: OwnerWork[] = [];
    let index = 0;
    for (const [ownerId, list] of byOwner) {
      const owner = owners.get(ownerId);
      const notBefore = sendTime(now, { spread: opts.spread, minutes: settings.reminders.spreadMinutes }, index++, byOwner.size);
      if (opts.dryRun) emitPlan(opts, owner, list, report);
      else if (!owner) {
        report.failed++;
        deps.log.error({ job: 'pool', workspaceId: ws.id, ownerUserId: ownerId }, 'pool job: owner not found; the others go on');
      } else work.push({ owner, ids: list.map((d) => d.id), notBefore });
    }
    const add = (done: { warned: number; recycled: number; owners: number }) => {
      report.warned += done.warned;
      report.recycled += done.recycled;
      report.owners += done.owners;
    };
    const fail = (w: OwnerWork, err: unknown) => {
      report.failed++;
      deps.log.error(
        { job: 'pool', workspaceId: ws.id, ownerUserId: w.owner.userId, err: errorCode(err) },
        'pool job: one owner failed; the others go on',
      );
    };
    // Whole owners per transaction (one notice each), up to about CHUNK customers.
    for (const batch of wholeGroups(work, (w) => w.ids.length)) {
      try {
        add(await runBatch(ws, batch, now));
        continue;
      } catch (err) {
        if (batch.length === 1) {
          fail(batch[0]!, err);
          continue;
        }
      }
      // A failed batch is tried again owner by owner, so one owner's failure is theirs alone.
      for (const one of batch) {
        try {
          add(await runBatch(ws, [one], now));
        } catch (err) {
          fail(one, err);
        }
      }
    }
  }

  return {
    async run(now: Date, opts: RunOptions): Promise<PoolReport> {
      const report: PoolReport = { warned: 0, recycled: 0, owners: 0, failed: 0 };
      if (!pool.enabled) return { ...report, skipped: 'pool disabled' };
      for (const ws of await listWorkspaces(db, settings)) {
        if (!isWorkDay({ timeZone: ws.timeZone, workDays: settings.reminders.workDays }, now)) {
          report.skipped = 'not a working day';
          continue;
        }
        await runWorkspace(ws, now, opts, report);
      }
      return report;
    },
  };
}

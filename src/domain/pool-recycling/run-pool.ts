import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, reminders } from '../../db/schema/index.js';
import { enqueue } from '../../delivery/outbox.js';
import { errorCode } from '../../lib/safe-error.js';
import { wallClock } from '../notes/civil-time.js';
import { moveToPool } from '../ownership/change-owner.js';
import { isWorkDay, localDay } from '../schedule/work-days.js';
import { listWorkspaces, recipientsById, sendTime, type WorkspaceContext } from './job-context.js';
import type { PoolMessages, PoolRecipient, RecycledLine } from './pool-messages.js';
import { baselineOf, poolStep, releaseDayOf, releaseDaysFor, scanBefore, type ReleaseAfterDays, type Tier } from './pool-rules.js';
import { chunks, ownerSince, poolWarnings, scanPoolCandidates, type PoolCandidate } from './pool-scan.js';

export type PoolSettings = { enabled: boolean; releaseAfterDays: ReleaseAfterDays; warnDaysBefore: number };

type Deps = {
  db: Db;
  log: Logger;
  settings: {
    timeZone: string;
    locale: 'zh-CN' | 'en';
    pool: PoolSettings;
    reminders: { workDays: readonly number[]; spreadMinutes: number };
  };
  messages: PoolMessages;
};

type RunOptions = { dryRun: boolean; spread: boolean; emit: (line: Record<string, unknown>) => void };
export type PoolReport = { warned: number; recycled: number; owners: number; failed: number; skipped?: string };

type Decided = PoolCandidate & { baseline: Date; step: 'warn' | 'recycle' };

const TIERS: Tier[] = ['A', 'B', 'C'];
export const POOL_ACTOR = 'system:pool';

const wholeDays = (from: Date, to: Date, timeZone: string) => {
  const a = wallClock(from, timeZone);
  const b = wallClock(to, timeZone);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
};

/**
 * The pool job: warns owners of customers about to return to the public pool, and returns those
 * whose day has come (rules in `pool-rules.ts`). The scan reads; then each owner's customers are
 * re-read under lock and decided again in one transaction that writes the warnings, the moves and
 * the messages reporting them, so a note logged in between wins and a re-run or a second runner
 * finds nothing left to do. One owner failing is counted and the others go on.
 */
export function createPoolRecycling(deps: Deps) {
  const { db, settings } = deps;
  const pool = settings.pool;

  function decide(ws: WorkspaceContext, c: PoolCandidate, warned: Map<number, Date> | undefined, now: Date) {
    const baseline = baselineOf(c);
    const step = poolStep({
      baseline,
      tier: c.tier,
      warnedAt: warned?.get(baseline.getTime()) ?? null,
      now,
      timeZone: ws.timeZone,
      releaseAfterDays: pool.releaseAfterDays,
      warnDaysBefore: pool.warnDaysBefore,
    });
    return step === 'wait' ? null : { ...c, baseline, step };
  }

  /** Decided customers of a workspace: read without locks (the owner's transaction decides again). */
  async function plan(ws: WorkspaceContext, now: Date): Promise<Decided[]> {
    const bounds = Object.fromEntries(
      TIERS.map((t) => [t, scanBefore(now, ws.timeZone, releaseDaysFor(pool.releaseAfterDays, t), pool.warnDaysBefore)]),
    ) as Record<Tier, Date>;
    const rows = await scanPoolCandidates(db, ws.id, bounds);
    const since = await ownerSince(db, ws.id, rows);
    const warned = await poolWarnings(
      db,
      rows.map((r) => r.id),
    );
    return rows.flatMap((r) => decide(ws, { ...r, ownerSince: since.get(r.id) ?? null }, warned.get(r.id), now) ?? []);
  }

  /** One owner's warnings and recycling, re-decided on locked rows; returns what it did. */
  async function runOwner(ws: WorkspaceContext, owner: PoolRecipient, ids: number[], now: Date, notBefore: Date | undefined) {
    return runTransaction(db, async (tx) => {
      const locked: (typeof customers.$inferSelect)[] = [];
      for (const part of chunks([...ids].sort((a, b) => a - b))) {
        locked.push(
          ...(await tx
            .select()
            .from(customers)
            .where(and(eq(customers.workspaceId, ws.id), inArray(customers.id, part)))
            .orderBy(asc(customers.id))
            .for('update')),
        );
      }
      const mine = locked.filter((c) => c.ownerUserId === owner.userId);
      const since = await ownerSince(
        tx,
        ws.id,
        mine.map((c) => ({ id: c.id, ownerUserId: owner.userId })),
      );
      const warned = await poolWarnings(
        tx,
        mine.map((c) => c.id),
      );
      const decided = mine.flatMap(
        (c) => decide(ws, { ...c, ownerUserId: owner.userId, ownerSince: since.get(c.id) ?? null }, warned.get(c.id), now) ?? [],
      );
      const warnedNow = await writeWarnings(
        tx,
        ws,
        owner,
        decided.filter((d) => d.step === 'warn'),
        now,
        notBefore,
      );
      const recycle = decided.filter((d) => d.step === 'recycle');
      await moveToPool(
        tx,
        mine.filter((c) => recycle.some((r) => r.id === c.id)),
        { reason: 'recycle', actorUserId: null, actorRef: POOL_ACTOR, source: 'job: pool', now },
      );
      if (recycle.length > 0) {
        const lines: RecycledLine[] = recycle.map((r) => ({
          customerId: r.id,
          name: r.name,
          idleDays: wholeDays(r.baseline, now, ws.timeZone),
        }));
        await enqueue(
          tx,
          {
            ...deps.messages.recycled(owner, lines, now),
            dedupeKey: `pool:recycled:${owner.userId}:${now.getTime()}`,
            ...(notBefore ? { notBefore } : {}),
          },
          now,
        );
      }
      return { warned: warnedNow, recycled: recycle.length };
    });
  }

  /**
   * One `pool_warning` row per customer and episode: `due_date` is the local day of the baseline,
   * so the unique (customer, kind, due_date) key keeps a second one out whatever runs at once.
   */
  async function writeWarnings(
    tx: Tx,
    ws: WorkspaceContext,
    owner: PoolRecipient,
    list: Decided[],
    now: Date,
    notBefore: Date | undefined,
  ) {
    if (list.length === 0) return 0;
    for (const part of chunks(list)) {
      await tx
        .insert(reminders)
        .ignore()
        .values(
          part.map((d) => ({
            workspaceId: ws.id,
            customerId: d.id,
            userId: owner.userId,
            kind: 'pool_warning' as const,
            dueDate: localDay(d.baseline, ws.timeZone),
            dueAt: now,
            subjectAt: d.baseline,
            status: 'sent' as const,
            sentAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        );
    }
    // The rows of these episodes: written just now (the locked re-read found none before). A row
    // the insert skipped belongs to another episode of the same day and is not ours to announce.
    const stored = new Map<number, number>();
    const episode = new Map(list.map((d) => [d.id, d.baseline.getTime()]));
    for (const part of chunks(list)) {
      const rows = await tx
        .select({ id: reminders.id, customerId: reminders.customerId, subjectAt: reminders.subjectAt })
        .from(reminders)
        .where(
          and(
            inArray(
              reminders.customerId,
              part.map((d) => d.id),
            ),
            eq(reminders.kind, 'pool_warning'),
          ),
        );
      for (const r of rows) if (r.subjectAt?.getTime() === episode.get(r.customerId)) stored.set(r.customerId, r.id);
    }
    let count = 0;
    for (const d of list) {
      const reminderId = stored.get(d.id);
      if (reminderId === undefined) continue;
      const view = {
        reminderId,
        customer: { id: d.id, name: d.name, tier: d.tier, lastFollowUpAt: d.lastFollowUpAt, nextFollowUpAt: d.nextFollowUpAt },
        idleDays: wholeDays(d.baseline, now, ws.timeZone),
        releaseOn: releaseDayOf({ ...pool, baseline: d.baseline, tier: d.tier, now, timeZone: ws.timeZone }),
      };
      await enqueue(
        tx,
        { ...deps.messages.warning(owner, view, now), dedupeKey: `pool:warn:${reminderId}`, ...(notBefore ? { notBefore } : {}) },
        now,
      );
      count++;
    }
    return count;
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
        const decided = await plan(ws, now);
        const byOwner = new Map<number, Decided[]>();
        for (const d of decided) byOwner.set(d.ownerUserId, [...(byOwner.get(d.ownerUserId) ?? []), d]);
        const owners = await recipientsById(db, ws, [...byOwner.keys()]);
        let index = 0;
        for (const [ownerId, list] of byOwner) {
          const owner = owners.get(ownerId);
          const at = sendTime(now, { spread: opts.spread, minutes: settings.reminders.spreadMinutes }, index++, byOwner.size);
          if (opts.dryRun) {
            for (const d of list) {
              opts.emit({
                recipient: owner ? `${owner.platform}:${owner.platformUserId}` : null,
                kind: d.step === 'warn' ? 'pool_warning' : 'pool_recycled',
                customer: d.name,
                customerId: d.id,
              });
            }
            report.warned += list.filter((d) => d.step === 'warn').length;
            const recycled = list.filter((d) => d.step === 'recycle').length;
            report.recycled += recycled;
            if (recycled > 0) report.owners++;
            continue;
          }
          try {
            if (!owner) throw new Error('owner not found');
            const done = await runOwner(
              ws,
              owner,
              list.map((d) => d.id),
              now,
              at,
            );
            report.warned += done.warned;
            report.recycled += done.recycled;
            if (done.recycled > 0) report.owners++;
          } catch (err) {
            report.failed++;
            deps.log.error(
              { job: 'pool', workspaceId: ws.id, ownerUserId: ownerId, err: errorCode(err) },
              'pool job: one owner failed; the others go on',
            );
          }
        }
      }
      return report;
    },
  };
}

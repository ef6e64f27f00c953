import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, handovers, users } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { writeAuditEntry } from '../audit/write-audit.js';
import { changeOwner } from './change-owner.js';
import { briefOf, handoverSource, movedPerOwner, ownedCounts, spreadCandidates, userRow, workspaceOf } from './handover-queries.js';
import type { UserBrief } from './ownership-service.js';
import { planSpread } from './plan-handover.js';

/** The bound: a transaction holds at most this many customer locks. */
export const HANDOVER_BATCH_SIZE = 500;
/**
 * A batch of 500 takes a second or two; a runner that has not renewed its lease for this long has
 * died (or hangs in a lock wait far past innodb_lock_wait_timeout), and the job takes the row over.
 */
export const HANDOVER_LEASE_MS = 2 * 60_000;

/** How a handover ended, for the manager's final card (built by the bot). */
export type HandoverOutcome = {
  handoverId: number;
  workspaceId: number;
  platform: string;
  status: 'done' | 'cancelled';
  /** Why it stopped early: the colleague was deactivated, or nobody is left to spread to. */
  stoppedBecause: 'target_inactive' | 'no_recipients' | null;
  from: UserBrief;
  moved: number;
  movedTo: { user: UserBrief; count: number }[];
  deactivated: boolean;
  requester: (UserBrief & { locale: 'zh-CN' | 'en' | null }) | null;
  workspaceLocale: 'zh-CN' | 'en' | null;
  workspaceTimeZone: string | null;
  finishedAt: Date;
};

export type RunOptions = {
  /** Messages reporting the end (the manager's card), enqueued in the finishing transaction. */
  outbound?: (outcome: HandoverOutcome) => OutboundEnvelope[];
  /** Called after each committed batch (the command line prints progress). */
  onBatch?: (progress: { handoverId: number; moved: number }) => void;
};

export type BatchResult =
  | { kind: 'moved'; count: number; lease: Date }
  | { kind: 'finished'; outcome: HandoverOutcome }
  /** Not running any more, or another runner holds it: this runner stops. */
  | { kind: 'lost' };

export type RunReport = { handoverId: number; moved: number; outcome: HandoverOutcome | null };

/**
 * Moves a running handover's customers in batches. Each batch locks the handover row, checks that
 * this runner still holds its lease (the lease time is the token), then locks A's remaining
 * customers: one already moved is not A's any more, so a batch that runs twice, or a run resumed
 * after a crash, moves nothing twice. Progress (`moved`) commits with the batch.
 */
export function createHandoverRunner(deps: { db: Db; clock: Clock; batchSize?: number; leaseMs?: number }) {
  const { db, clock } = deps;
  const batchSize = Math.min(deps.batchSize ?? HANDOVER_BATCH_SIZE, HANDOVER_BATCH_SIZE);
  const leaseMs = deps.leaseMs ?? HANDOVER_LEASE_MS;
  const leaseFrom = (now: Date) => new Date(now.getTime() + leaseMs);

  async function claim(handoverId: number): Promise<Date | null> {
    const now = clock.now();
    const lease = leaseFrom(now);
    const [result] = await db
      .update(handovers)
      .set({ leaseUntil: lease, updatedAt: now })
      .where(
        and(eq(handovers.id, handoverId), eq(handovers.status, 'running'), or(isNull(handovers.leaseUntil), lt(handovers.leaseUntil, now))),
      );
    return result.affectedRows === 1 ? lease : null;
  }

  /** Where A's customers go in this batch: B, or the team levelled fewest-first; null: stop, and why. */
  async function targetsFor(tx: Tx, h: typeof handovers.$inferSelect, from: typeof users.$inferSelect, ids: number[]) {
    if (!h.spread && h.toUserId !== null) {
      const to = await userRow(tx, h.workspaceId, { id: h.toUserId });
      if (!to?.active) return { stop: 'target_inactive' as const };
      return { plan: new Map(ids.map((id) => [id, to.id])), people: new Map([[to.id, to]]) };
    }
    const recipients = await spreadCandidates(tx, from);
    if (recipients.length === 0) return { stop: 'no_recipients' as const };
    const plan = planSpread(
      ids,
      await ownedCounts(
        tx,
        h.workspaceId,
        recipients.map((r) => r.id),
      ),
    );
    return { plan, people: new Map(recipients.map((r) => [r.id, r])) };
  }

  async function runBatch(handoverId: number, lease: Date, opts: RunOptions = {}): Promise<BatchResult> {
    return runTransaction(db, async (tx): Promise<BatchResult> => {
      const [h] = await tx.select().from(handovers).where(eq(handovers.id, handoverId)).for('update');
      if (!h || h.status !== 'running' || h.leaseUntil?.getTime() !== lease.getTime()) return { kind: 'lost' };
      const from = await userRow(tx, h.workspaceId, { id: h.fromUserId });
      if (!from) return { kind: 'lost' };
      const batch = await tx
        .select()
        .from(customers)
        .where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.ownerUserId, from.id)))
        // No ORDER BY: the owner index yields the first rows without sorting (and locking) all of A's.
        .limit(batchSize)
        .for('update');
      const now = clock.now();
      if (batch.length === 0) return finish(tx, h, from, now, null, opts);
      const targets = await targetsFor(
        tx,
        h,
        from,
        batch.map((c) => c.id),
      );
      if ('stop' in targets) return finish(tx, h, from, now, targets.stop ?? null, opts);
      for (const customer of batch) {
        const to = targets.people.get(targets.plan.get(customer.id)!)!;
        await changeOwner(tx, {
          customer,
          to,
          reason: 'handover',
          actorUserId: h.requestedBy,
          actorRef: h.actor,
          source: handoverSource(h.id),
          now,
        });
      }
      const next = leaseFrom(now);
      await tx
        .update(handovers)
        .set({ moved: h.moved + batch.length, leaseUntil: next, updatedAt: now })
        .where(eq(handovers.id, h.id));
      return { kind: 'moved', count: batch.length, lease: next };
    });
  }

  /** Done (or stopped): status, A deactivated when asked, and the report, in one transaction. */
  async function finish(
    tx: Tx,
    h: typeof handovers.$inferSelect,
    from: typeof users.$inferSelect,
    now: Date,
    stoppedBecause: HandoverOutcome['stoppedBecause'],
    opts: RunOptions,
  ): Promise<BatchResult> {
    const status = stoppedBecause ? 'cancelled' : 'done';
    const deactivated = status === 'done' && h.deactivate && from.active;
    await tx.update(handovers).set({ status, leaseUntil: null, updatedAt: now, finishedAt: now }).where(eq(handovers.id, h.id));
    if (deactivated) {
      await tx.update(users).set({ active: false, updatedAt: now }).where(eq(users.id, from.id));
      await writeAuditEntry(tx, {
        workspaceId: h.workspaceId,
        actor: h.actor,
        action: 'user.deactivate',
        subjectType: 'user',
        subjectId: from.id,
        before: { active: true },
        after: { active: false },
        source: handoverSource(h.id),
        now,
      });
    }
    const requester = h.requestedBy === null ? null : await userRow(tx, h.workspaceId, { id: h.requestedBy });
    const workspace = await workspaceOf(tx, h.workspaceId);
    const perOwner = await movedPerOwner(tx, h);
    const people = new Map(
      (await Promise.all(perOwner.map((p) => userRow(tx, h.workspaceId, { id: p.id })))).flatMap((u) => (u ? [[u.id, u] as const] : [])),
    );
    const outcome: HandoverOutcome = {
      handoverId: h.id,
      workspaceId: h.workspaceId,
      platform: workspace?.platform ?? '',
      status,
      stoppedBecause,
      from: briefOf(from),
      moved: h.moved,
      movedTo: perOwner.flatMap((p) => {
        const user = people.get(p.id);
        return user ? [{ user: briefOf(user), count: p.count }] : [];
      }),
      deactivated,
      requester: requester && { ...briefOf(requester), locale: requester.locale },
      workspaceLocale: workspace?.locale ?? null,
      workspaceTimeZone: workspace?.timeZone ?? null,
      finishedAt: now,
    };
    for (const message of opts.outbound?.(outcome) ?? []) await enqueue(tx, message, now);
    return { kind: 'finished', outcome };
  }

  /** Batches until the handover finishes or another runner takes it. */
  async function run(handoverId: number, lease: Date, opts: RunOptions = {}): Promise<RunReport> {
    let moved = 0;
    for (let current = lease; ;) {
      const result = await runBatch(handoverId, current, opts);
      if (result.kind === 'lost') return { handoverId, moved, outcome: null };
      if (result.kind === 'finished') return { handoverId, moved, outcome: result.outcome };
      moved += result.count;
      current = result.lease;
      opts.onBatch?.({ handoverId, moved });
    }
  }

  /**
   * Every running handover whose lease ran out or that was just confirmed, each on its own: one
   * failing releases its lease (the next run retries it) and the others still run.
   */
  async function runDue(opts: RunOptions = {}) {
    const now = clock.now();
    const due = await db
      .select({ id: handovers.id })
      .from(handovers)
      .where(and(eq(handovers.status, 'running'), or(isNull(handovers.leaseUntil), lt(handovers.leaseUntil, now))))
      .orderBy(asc(handovers.id))
      .limit(20);
    const report = { started: 0, moved: 0, finished: 0, failed: [] as { handoverId: number; error: unknown }[] };
    for (const { id } of due) {
      const lease = await claim(id);
      if (!lease) continue;
      report.started += 1;
      try {
        const r = await run(id, lease, opts);
        report.moved += r.moved;
        if (r.outcome) report.finished += 1;
      } catch (error) {
        report.failed.push({ handoverId: id, error });
        await db
          .update(handovers)
          .set({ leaseUntil: null })
          .where(and(eq(handovers.id, id), eq(handovers.status, 'running')))
          .catch(() => undefined);
      }
    }
    return report;
  }

  return { claim, runBatch, run, runDue, leaseFrom };
}

import { and, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, handovers } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { writeAuditEntry } from '../audit/write-audit.js';
import type { UserRecord } from '../users/users-service.js';
import {
  briefOf,
  countsOf,
  ownedCounts,
  runningFor,
  spreadCandidates,
  userRow,
  type HandoverCounts,
  type HandoverRow,
  usersByRef,
  type UserRow,
} from './handover-queries.js';
import type { UserBrief } from './ownership-service.js';
import { planSpread, tally } from './plan-handover.js';
import { createHandoverRunner, type RunOptions } from './run-handover.js';
import { manages, mayReceive } from './scope.js';

export type { HandoverCounts } from './handover-queries.js';
export type { HandoverOutcome, RunOptions } from './run-handover.js';

/** Who gets what: one colleague, or the team spread fewest-first (`share`: the planned counts). */
export type HandoverPlan = {
  from: UserBrief;
  to: UserBrief | null;
  share: { user: UserBrief; count: number }[];
  counts: HandoverCounts;
};

type Refusal =
  | { kind: 'not_found'; who: 'from' | 'to' }
  | { kind: 'forbidden' }
  | { kind: 'invalid_target'; why: 'inactive' | 'out_of_scope' | 'same_owner'; to?: UserBrief }
  | { kind: 'no_recipients' }
  /** Another handover of A is moving customers now. */
  | { kind: 'busy'; handoverId: number };

export type ProposeResult = ({ kind: 'proposed'; handoverId: number } & HandoverPlan) | Refusal;

export type ConfirmResult =
  | ({ kind: 'confirmed'; handoverId: number; deactivate: boolean } & HandoverPlan)
  | { kind: 'not_found' }
  /** Someone other than the manager who asked clicked: only they confirm. */
  | { kind: 'not_requester'; requestedBy: UserBrief | null }
  /** A second click, or a proposal a newer one replaced: nothing changes. */
  | { kind: 'already'; status: HandoverRow['status']; moved: number; total: number; deactivate: boolean }
  | Exclude<Refusal, { kind: 'not_found' }>;

/** Who may receive: `null` is the command line, trusted like an admin of the workspace. */
type Operator = UserRecord | null;
type Target = { platformUserId: string } | { id: number } | 'spread';

/**
 * 离职交接: all of one person's customers to a colleague, or spread over their team. `propose`
 * checks and counts (a card to confirm), `confirm` marks it running; the runner (`run-handover.ts`)
 * moves the customers in batches and finishes it. The command line starts one directly.
 */
export function createHandoverService(deps: { db: Db; clock: Clock; batchSize?: number; leaseMs?: number }) {
  const { db, clock } = deps;
  const runner = createHandoverRunner(deps);

  /** The checks every entry shares, then the counts and the planned share. */
  async function plan(q: DbOrTx, operator: Operator, from: UserRow, target: Target): Promise<Refusal | HandoverPlan> {
    if (operator && (!operator.active || !manages(operator, from))) return { kind: 'forbidden' };
    let recipients: UserRow[];
    let to: UserRow | null = null;
    if (target === 'spread') {
      recipients = (await spreadCandidates(q, from)).filter((u) => !operator || mayReceive(operator, u));
      if (recipients.length === 0) return { kind: 'no_recipients' };
    } else {
      to = await userRow(q, from.workspaceId, target);
      if (!to) return { kind: 'not_found', who: 'to' };
      if (to.id === from.id) return { kind: 'invalid_target', why: 'same_owner' };
      if (!to.active) return { kind: 'invalid_target', why: 'inactive', to: briefOf(to) };
      if (operator && !mayReceive(operator, to)) return { kind: 'invalid_target', why: 'out_of_scope', to: briefOf(to) };
      recipients = [to];
    }
    const counts = await countsOf(q, from.workspaceId, from.id);
    const ids = (
      await q
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.workspaceId, from.workspaceId), eq(customers.ownerUserId, from.id)))
    ).map((r) => r.id);
    const planned = planSpread(
      ids,
      await ownedCounts(
        q,
        from.workspaceId,
        recipients.map((r) => r.id),
      ),
    );
    const byId = new Map(recipients.map((r) => [r.id, r]));
    const share = tally(
      planned,
      recipients.map((r) => r.id),
    ).map(({ id, count }) => ({ user: briefOf(byId.get(id)!), count }));
    return { from: briefOf(from), to: to && briefOf(to), share, counts };
  }

  /** `/交接 @A @B` or `/交接 @A 平均分配`: checks and counts; nothing moves until `confirm`. */
  async function propose(input: { actor: UserRecord; from: { platformUserId: string }; to: Target }): Promise<ProposeResult> {
    const { actor } = input;
    return runTransaction(db, async (tx): Promise<ProposeResult> => {
      const from = await userRow(tx, actor.workspaceId, input.from);
      if (!from) return { kind: 'not_found', who: 'from' };
      const planned = await plan(tx, actor, from, input.to);
      if ('kind' in planned) return planned;
      const now = clock.now();
      // A newer proposal replaces older cards for the same person: only the latest can be confirmed.
      await tx
        .update(handovers)
        .set({ status: 'cancelled', updatedAt: now, finishedAt: now })
        .where(and(eq(handovers.workspaceId, actor.workspaceId), eq(handovers.fromUserId, from.id), eq(handovers.status, 'proposed')));
      const [inserted] = await tx.insert(handovers).values({
        workspaceId: actor.workspaceId,
        fromUserId: from.id,
        toUserId: planned.to?.id ?? null,
        spread: input.to === 'spread',
        requestedBy: actor.id,
        actor: actor.ref,
        total: planned.counts.customers,
        createdAt: now,
        updatedAt: now,
      });
      return { kind: 'proposed', handoverId: inserted.insertId, ...planned };
    });
  }

  /** `确认交接` / `确认交接并停用`: once, by the manager who asked; the runner then moves the customers. */
  async function confirm(input: { actor: UserRecord; handoverId: number; deactivate: boolean; source: string }): Promise<ConfirmResult> {
    const { actor } = input;
    return runTransaction(db, async (tx): Promise<ConfirmResult> => {
      const [row] = await tx
        .select()
        .from(handovers)
        .where(and(eq(handovers.workspaceId, actor.workspaceId), eq(handovers.id, input.handoverId)))
        .for('update');
      if (!row) return { kind: 'not_found' };
      if (row.requestedBy !== actor.id) {
        const by = row.requestedBy === null ? null : await userRow(tx, actor.workspaceId, { id: row.requestedBy });
        return { kind: 'not_requester', requestedBy: by && briefOf(by) };
      }
      if (row.status !== 'proposed') {
        return { kind: 'already', status: row.status, moved: row.moved, total: row.total, deactivate: row.deactivate };
      }
      // A's row is locked so two confirmations of different cards for A cannot both start.
      const from = await userRow(tx, actor.workspaceId, { id: row.fromUserId }, true);
      if (!from) return { kind: 'not_found' };
      const busy = await runningFor(tx, actor.workspaceId, from.id, row.id);
      if (busy !== null) return { kind: 'busy', handoverId: busy };
      const planned = await plan(tx, actor, from, row.spread || row.toUserId === null ? 'spread' : { id: row.toUserId });
      if ('kind' in planned) return planned.kind === 'not_found' ? { kind: 'invalid_target', why: 'inactive' } : planned;
      const now = clock.now();
      await tx
        .update(handovers)
        .set({ status: 'running', deactivate: input.deactivate, total: planned.counts.customers, leaseUntil: null, updatedAt: now })
        .where(eq(handovers.id, row.id));
      await writeAuditEntry(tx, {
        workspaceId: actor.workspaceId,
        actor: actor.ref,
        action: 'handover.confirm',
        subjectType: 'handover',
        subjectId: row.id,
        after: {
          fromUserId: from.id,
          toUserId: row.toUserId,
          spread: row.spread,
          deactivate: input.deactivate,
          total: planned.counts.customers,
        },
        source: input.source,
        now,
      });
      return { kind: 'confirmed', handoverId: row.id, deactivate: input.deactivate, ...planned };
    });
  }

  /** The command line: what would move (`dryRun`), or a running handover with its lease, ready for `run`. */
  async function start(input: { workspaceId: number; fromUserId: number; to: Target; deactivate: boolean; dryRun: boolean }) {
    return runTransaction(db, async (tx) => {
      const from = await userRow(tx, input.workspaceId, { id: input.fromUserId }, !input.dryRun);
      if (!from) return { kind: 'not_found' as const, who: 'from' as const };
      const planned = await plan(tx, null, from, input.to);
      if ('kind' in planned) return planned;
      if (input.dryRun) return { kind: 'planned' as const, ...planned };
      const busy = await runningFor(tx, input.workspaceId, from.id);
      if (busy !== null) return { kind: 'busy' as const, handoverId: busy };
      const now = clock.now();
      const lease = runner.leaseFrom(now);
      const [inserted] = await tx.insert(handovers).values({
        workspaceId: input.workspaceId,
        fromUserId: from.id,
        toUserId: planned.to?.id ?? null,
        spread: input.to === 'spread',
        deactivate: input.deactivate,
        actor: 'cli',
        status: 'running',
        total: planned.counts.customers,
        leaseUntil: lease,
        createdAt: now,
        updatedAt: now,
      });
      return { kind: 'started' as const, handoverId: inserted.insertId, lease, ...planned };
    });
  }

  return {
    /** `feishu:ou_x` → the person in each workspace of that platform that knows them (the command line). */
    findByRef: (platform: string, platformUserId: string) => usersByRef(db, platform, platformUserId),
    propose,
    confirm,
    start,
    /** Takes over a running handover whose lease ran out (or that never started); null when someone holds it. */
    claim: runner.claim,
    /** One batch of at most `batchSize` customers in one transaction (or the finish when none are left). */
    runBatch: runner.runBatch,
    /** Batches until done, under the lease `claim` or `start` gave. */
    run: runner.run,
    /** The job: every running handover nobody holds, resumed where it stopped. */
    runDue: (opts: RunOptions = {}) => runner.runDue(opts),
  };
}

export type HandoverService = ReturnType<typeof createHandoverService>;

import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { reminders } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { lockCustomer } from '../customers/customers-repo.js';
import { changeOwner } from '../ownership/change-owner.js';
import type { Actor } from '../ownership/scope.js';
import type { UserRecord } from '../users/users-service.js';
import { loadEscalationView, type EscalationView } from './escalation-view.js';

/** `nudge` (提醒TA), then `reassign` or `release` (放入公海): what an escalation's buttons record. */
export type EscalationAction = 'nudge' | 'reassign' | 'release';

export type EscalationActResult =
  | { kind: 'done'; view: EscalationView }
  /** This button (or one that settles the customer) was already used: `view.acted` says by whom and when. */
  | { kind: 'already'; view: EscalationView }
  /** The customer is in the pool already: nothing to do. */
  | { kind: 'stale'; view: EscalationView }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Who may act on an escalation: an admin, or a manager of the customer's team. */
export function mayActOnEscalation(actor: Actor, teamId: number | null): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'manager' && actor.teamId !== null && actor.teamId === teamId;
}

/**
 * Whether `action` may still be recorded over what was done before: a nudge once; a reassignment
 * or a release once, also after a nudge. A customer settled (moved, released) takes nothing more.
 */
function open(previous: string | null, action: EscalationAction): boolean {
  if (previous === null) return true;
  return previous === 'nudge' && action !== 'nudge';
}

type Input = { actor: UserRecord; reminderId: number; timeZone: string; outbound?: (view: EscalationView) => OutboundEnvelope[] };

/**
 * The acts of an escalation card. Each locks the escalation row, checks the operator (the
 * platform's operator id) and that the act is still open, and records it (`action`,
 * `acted_by_user_id`, `acted_at`) in the transaction that makes the change and enqueues what
 * reports it, so two clicks, by one person or two, act once and the second hears who did it.
 */
export function createEscalationActs(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function act(
    input: Input,
    action: EscalationAction,
    work: (tx: Tx, view: EscalationView, now: Date) => Promise<'ok' | 'stale'>,
  ): Promise<EscalationActResult> {
    return runTransaction(db, async (tx): Promise<EscalationActResult> => {
      const { actor } = input;
      const [row] = await tx
        .select()
        .from(reminders)
        .where(and(eq(reminders.workspaceId, actor.workspaceId), eq(reminders.id, input.reminderId), eq(reminders.kind, 'escalation')))
        .for('update')
        .limit(1);
      const now = clock.now();
      const view =
        row && (await loadEscalationView(tx, { workspaceId: actor.workspaceId, reminderId: row.id, now, timeZone: input.timeZone }));
      if (!row || !view) return { kind: 'not_found' };
      if (!mayActOnEscalation(actor, view.customer.teamId)) return { kind: 'forbidden' };
      if (!open(row.action, action)) return { kind: 'already', view };
      if ((await work(tx, view, now)) === 'stale') return { kind: 'stale', view };
      await tx
        .update(reminders)
        .set({ action, actedByUserId: actor.id, actedAt: now, status: action === 'nudge' ? row.status : 'done', updatedAt: now })
        .where(eq(reminders.id, row.id));
      const after = { ...view, acted: { action, by: { id: actor.id, platformUserId: actor.platformUserId, name: actor.name }, at: now } };
      for (const message of input.outbound?.(after) ?? []) await enqueue(tx, message, now);
      return { kind: 'done', view: after };
    });
  }

  return {
    view: (workspaceId: number, reminderId: number, timeZone: string) =>
      loadEscalationView(db, { workspaceId, reminderId, now: clock.now(), timeZone }),

    /** 提醒TA: the owner gets a nudge (built by the caller from the view). */
    nudge: (input: Input) => act(input, 'nudge', async (_tx, view) => (view.customer.ownerUserId === null ? 'stale' : 'ok')),

    /** 放入公海: the customer goes back to the pool now, recorded as a release by this manager. */
    release: (input: Input) =>
      act(input, 'release', async (tx, view, now) => {
        const customer = await lockCustomer(tx, input.actor.workspaceId, view.customer.id);
        if (!customer || customer.ownerUserId === null) return 'stale';
        await changeOwner(tx, {
          customer,
          to: null,
          reason: 'release',
          actorUserId: input.actor.id,
          actorRef: input.actor.ref,
          source: 'card: escalation',
          now,
        });
        view.customer.ownerUserId = null;
        return 'ok';
      }),

    /**
     * After the reassignment picker moved the customer (through the ownership service, its own
     * transaction): records it on the escalation, unless another act settled it first.
     */
    recordReassigned: (input: Input) => act(input, 'reassign', async () => 'ok'),

    /** Whether `action` is still open on this escalation for this operator, before acting elsewhere. */
    async check(input: Input, action: EscalationAction): Promise<EscalationActResult> {
      const view = await loadEscalationView(db, {
        workspaceId: input.actor.workspaceId,
        reminderId: input.reminderId,
        now: clock.now(),
        timeZone: input.timeZone,
      });
      if (!view) return { kind: 'not_found' };
      if (!mayActOnEscalation(input.actor, view.customer.teamId)) return { kind: 'forbidden' };
      if (!open(view.acted?.action ?? null, action)) return { kind: 'already', view };
      return { kind: 'done', view };
    },
  };
}

export type EscalationActs = ReturnType<typeof createEscalationActs>;

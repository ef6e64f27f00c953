import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { assignments, customers, transferRequests, users } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { lockCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import { addDays, toZonedIso, wallClock } from '../notes/civil-time.js';
import type { UserRecord } from '../users/users-service.js';
import { changeOwner } from './change-owner.js';
import { customerAccess, mayReassign, mayReceive, type Person } from './scope.js';

/** The people a card names: enough to show and address them. */
export type UserBrief = { id: number; platformUserId: string; name: string | null };

export type MoveResult =
  | { kind: 'moved'; customer: CustomerRecord; from: UserBrief | null; to: UserBrief | null; at: Date }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  /** The customer moved since the card was drawn (or the request was decided): nothing changed. */
  | { kind: 'stale'; customer: CustomerRecord; owner: UserBrief | null }
  | { kind: 'invalid_target'; why: 'not_found' | 'inactive' | 'out_of_scope' | 'same_owner' }
  | { kind: 'limit_reached'; limit: number }
  | { kind: 'cooldown'; until: Date };

export type RequestResult =
  | { kind: 'requested'; requestId: number; customer: CustomerRecord; to: UserBrief; approvers: UserBrief[] }
  /** The same request (customer, owner, target) is already waiting for a decision: nothing new. */
  | { kind: 'already_requested'; requestId: number; customer: CustomerRecord; to: UserBrief; approvers: UserBrief[] }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'invalid_target'; why: 'not_found' | 'inactive' | 'out_of_scope' | 'same_owner' };

export type DecideResult =
  | { kind: 'approved'; move: Extract<MoveResult, { kind: 'moved' }>; requestedBy: UserBrief }
  | { kind: 'rejected'; customer: CustomerRecord; requestedBy: UserBrief; to: UserBrief }
  | { kind: 'already_decided'; status: string }
  | Exclude<MoveResult, { kind: 'moved' }>;

/**
 * What a change reports (to the new owner, the old one, the requester, the approvers): built by the
 * caller from the result and enqueued in the change's own transaction, so a message exists if and
 * only if the change was committed.
 */
type Outbound<R> = { outbound?: (result: R) => OutboundEnvelope[] };

/**
 * The caller's own writes that must commit with the change or not at all (a reminder card spent
 * by its 转交): run in the change's transaction once the change is made; throwing rolls both back.
 */
type Within<R> = { within?: (tx: Tx, result: R) => Promise<void> };

type Deps = { db: Db; clock: Clock; pool: { maxClaimsPerDay: number; reclaimCooldownDays: number }; timeZone: string };

const brief = (u: typeof users.$inferSelect | null | undefined): UserBrief | null =>
  u ? { id: u.id, platformUserId: u.platformUserId, name: u.name } : null;

/**
 * Who owns a customer, and every way that changes: a manager's reassignment, a rep's request and
 * its decision, claims from and releases to the pool. Each change locks the customer row, checks the
 * operator (the platform's operator id, never the card) and what the card expected, and writes the
 * owner change, reminders, `assignments` and `audit_log` in one transaction (`changeOwner`).
 */
export function createOwnershipService(deps: Deps) {
  const { db, clock } = deps;

  async function userById(q: Db | Tx, workspaceId: number, id: number | null) {
    if (id === null) return null;
    const [row] = await q
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.id, id)))
      .limit(1);
    return row ?? null;
  }

  /** The target of a move, by internal id or platform id; checked as someone the actor may assign to. */
  async function targetFor(tx: Tx, actor: UserRecord, to: { id: number } | { platformUserId: string }) {
    const [row] = await tx
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, actor.workspaceId), 'id' in to ? eq(users.id, to.id) : eq(users.platformUserId, to.platformUserId)))
      .limit(1);
    const refuse = (error: 'not_found' | 'inactive' | 'out_of_scope') => ({ ok: false as const, error });
    if (!row) return refuse('not_found');
    if (!row.active) return refuse('inactive');
    if (!mayReceive(actor, row)) return refuse('out_of_scope');
    return { ok: true as const, row };
  }

  /**
   * A manager or admin moves a customer to an active member they manage. `expectedOwnerId` is the
   * owner the card showed: when it differs, the click is stale and nothing changes.
   */
  async function reassign(
    input: {
      actor: UserRecord;
      customerId: number;
      to: { id: number } | { platformUserId: string };
      expectedOwnerId?: number | null;
      source: string;
      reason?: 'reassign' | 'handover';
    } & Outbound<Extract<MoveResult, { kind: 'moved' }>> &
      Within<Extract<MoveResult, { kind: 'moved' }>>,
  ): Promise<MoveResult> {
    return runTransaction(db, async (tx): Promise<MoveResult> => {
      const { actor } = input;
      const customer = await lockCustomer(tx, actor.workspaceId, input.customerId);
      if (!customer) return { kind: 'not_found' };
      const owner = await userById(tx, actor.workspaceId, customer.ownerUserId);
      if (input.expectedOwnerId !== undefined && customer.ownerUserId !== input.expectedOwnerId) {
        return { kind: 'stale', customer, owner: brief(owner) };
      }
      if (!mayReassign(actor, customer, owner)) return { kind: 'forbidden' };
      const target = await targetFor(tx, actor, input.to);
      if (!target.ok) return { kind: 'invalid_target', why: target.error };
      if (target.row.id === customer.ownerUserId) return { kind: 'invalid_target', why: 'same_owner' };
      const now = clock.now();
      const moved = await changeOwner(tx, {
        customer,
        to: target.row,
        reason: input.reason ?? 'reassign',
        actorUserId: actor.id,
        actorRef: actor.ref,
        source: input.source,
        now,
      });
      const result = { kind: 'moved' as const, customer: moved, from: brief(owner), to: brief(target.row)!, at: now };
      await input.within?.(tx, result);
      for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
      return result;
    });
  }

  /**
   * 申请转交: the owner asks to move the customer to a colleague (their approvers decide), or a
   * colleague asks for it to come to themselves (the owner's approvers decide). Asking again for
   * the same move while it waits adds nothing.
   */
  async function requestTransfer(
    input: {
      actor: UserRecord;
      customerId: number;
      to: { id: number } | { platformUserId: string };
    } & Outbound<Extract<RequestResult, { kind: 'requested' }>> &
      Within<Extract<RequestResult, { kind: 'requested' | 'already_requested' }>>,
  ): Promise<RequestResult> {
    return runTransaction(db, async (tx): Promise<RequestResult> => {
      const { actor } = input;
      const customer = await lockCustomer(tx, actor.workspaceId, input.customerId);
      if (!customer) return { kind: 'not_found' };
      // A pool customer is claimed, not requested.
      if (customer.ownerUserId === null) return { kind: 'forbidden' };
      const [target] = await tx
        .select()
        .from(users)
        .where(
          and(
            eq(users.workspaceId, actor.workspaceId),
            'id' in input.to ? eq(users.id, input.to.id) : eq(users.platformUserId, input.to.platformUserId),
          ),
        )
        .limit(1);
      const ownRequest = customer.ownerUserId === actor.id;
      // Someone else's customer may only be asked for oneself.
      if (!ownRequest && target?.id !== actor.id) return { kind: 'forbidden' };
      if (!target) return { kind: 'invalid_target', why: 'not_found' };
      if (!target.active) return { kind: 'invalid_target', why: 'inactive' };
      if (target.id === customer.ownerUserId) return { kind: 'invalid_target', why: 'same_owner' };
      const owner = ownRequest ? actor : await userById(tx, actor.workspaceId, customer.ownerUserId);
      const approvers = owner ? await approversOf(tx, owner) : [];
      if (approvers.length === 0) return { kind: 'invalid_target', why: 'out_of_scope' };
      const to = brief(target)!;
      const [waiting] = await tx
        .select({ id: transferRequests.id })
        .from(transferRequests)
        .where(
          and(
            eq(transferRequests.workspaceId, actor.workspaceId),
            eq(transferRequests.customerId, customer.id),
            eq(transferRequests.status, 'pending'),
            eq(transferRequests.fromUserId, customer.ownerUserId),
            eq(transferRequests.toUserId, target.id),
          ),
        )
        .limit(1);
      if (waiting) {
        const result = { kind: 'already_requested' as const, requestId: waiting.id, customer, to, approvers };
        await input.within?.(tx, result);
        return result;
      }
      const now = clock.now();
      const [inserted] = await tx.insert(transferRequests).values({
        workspaceId: actor.workspaceId,
        customerId: customer.id,
        fromUserId: customer.ownerUserId,
        toUserId: target.id,
        requestedBy: actor.id,
        createdAt: now,
      });
      const result = { kind: 'requested' as const, requestId: inserted.insertId, customer, to, approvers };
      await input.within?.(tx, result);
      for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
      return result;
    });
  }

  /** Who decides a rep's request: the managers of their team, else their direct manager, else the admins. */
  async function approversOf(q: Db | Tx, rep: Pick<UserRecord, 'workspaceId' | 'teamId' | 'managerUserId'>): Promise<UserBrief[]> {
    const active = and(eq(users.workspaceId, rep.workspaceId), eq(users.active, true));
    if (rep.teamId !== null) {
      const managers = await q
        .select()
        .from(users)
        .where(and(active, eq(users.role, 'manager'), eq(users.teamId, rep.teamId)));
      if (managers.length > 0) return managers.map((m) => brief(m)!);
    }
    if (rep.managerUserId !== null) {
      const [manager] = await q
        .select()
        .from(users)
        .where(and(active, eq(users.id, rep.managerUserId)));
      if (manager) return [brief(manager)!];
    }
    const admins = await q
      .select()
      .from(users)
      .where(and(active, eq(users.role, 'admin')));
    return admins.map((a) => brief(a)!);
  }

  /** A manager approves or rejects a request: once; the loser of two clicks hears what happened. */
  async function decideTransfer(
    input: { actor: UserRecord; requestId: number; approve: boolean; source: string } & Outbound<
      Extract<DecideResult, { kind: 'approved' | 'rejected' }>
    >,
  ): Promise<DecideResult> {
    return runTransaction(db, async (tx): Promise<DecideResult> => {
      const { actor } = input;
      const [request] = await tx
        .select()
        .from(transferRequests)
        .where(and(eq(transferRequests.workspaceId, actor.workspaceId), eq(transferRequests.id, input.requestId)))
        .for('update')
        .limit(1);
      if (!request) return { kind: 'not_found' };
      if (request.status !== 'pending') return { kind: 'already_decided', status: request.status };
      const customer = await lockCustomer(tx, actor.workspaceId, request.customerId);
      if (!customer) return { kind: 'not_found' };
      const owner = await userById(tx, actor.workspaceId, customer.ownerUserId);
      if (!mayReassign(actor, customer, owner)) return { kind: 'forbidden' };
      const requestedBy = brief(await userById(tx, actor.workspaceId, request.requestedBy));
      const target = await userById(tx, actor.workspaceId, request.toUserId);
      const now = clock.now();
      const decide = (status: 'approved' | 'rejected' | 'cancelled') =>
        tx.update(transferRequests).set({ status, decidedBy: actor.id, decidedAt: now }).where(eq(transferRequests.id, request.id));
      if (customer.ownerUserId !== request.fromUserId) {
        await decide('cancelled');
        return { kind: 'stale', customer, owner: brief(owner) };
      }
      if (!input.approve) {
        await decide('rejected');
        const rejected = { kind: 'rejected' as const, customer, requestedBy: requestedBy!, to: brief(target)! };
        for (const message of input.outbound?.(rejected) ?? []) await enqueue(tx, message, now);
        return rejected;
      }
      if (!target) return { kind: 'invalid_target', why: 'not_found' };
      if (!target.active) return { kind: 'invalid_target', why: 'inactive' };
      if (!mayReceive(actor, target)) return { kind: 'invalid_target', why: 'out_of_scope' };
      await decide('approved');
      const moved = await changeOwner(tx, {
        customer,
        to: target,
        reason: 'reassign',
        actorUserId: actor.id,
        actorRef: actor.ref,
        source: input.source,
        now,
      });
      const approved = {
        kind: 'approved' as const,
        move: { kind: 'moved' as const, customer: moved, from: brief(owner), to: brief(target), at: now },
        requestedBy: requestedBy!,
      };
      for (const message of input.outbound?.(approved) ?? []) await enqueue(tx, message, now);
      return approved;
    });
  }

  /** A rep takes a customer from the pool: atomic, limited per local day, not right after releasing it. */
  async function claim(
    input: { actor: UserRecord; customerId: number; source: string } & Outbound<Extract<MoveResult, { kind: 'moved' }>>,
  ): Promise<MoveResult> {
    return runTransaction(db, async (tx): Promise<MoveResult> => {
      const { actor } = input;
      if (!actor.active) return { kind: 'forbidden' };
      const customer = await lockCustomer(tx, actor.workspaceId, input.customerId);
      if (!customer) return { kind: 'not_found' };
      if (customer.ownerUserId !== null)
        return { kind: 'stale', customer, owner: brief(await userById(tx, actor.workspaceId, customer.ownerUserId)) };
      const now = clock.now();
      const startOfDay = new Date(toZonedIso(wallClock(now, deps.timeZone), 0, 0, deps.timeZone));
      // The actor's row is locked too, so two claims of one rep at once count each other.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).for('update');
      const [today] = await tx
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(assignments)
        .where(
          and(
            eq(assignments.workspaceId, actor.workspaceId),
            eq(assignments.toUserId, actor.id),
            eq(assignments.reason, 'claim'),
            gte(assignments.createdAt, startOfDay),
          ),
        );
      if ((today?.n ?? 0) >= deps.pool.maxClaimsPerDay) return { kind: 'limit_reached', limit: deps.pool.maxClaimsPerDay };
      if (deps.pool.reclaimCooldownDays > 0) {
        const since = new Date(now.getTime() - deps.pool.reclaimCooldownDays * 86_400_000);
        const [released] = await tx
          .select({ at: assignments.createdAt })
          .from(assignments)
          .where(
            and(
              eq(assignments.workspaceId, actor.workspaceId),
              eq(assignments.fromUserId, actor.id),
              eq(assignments.customerId, customer.id),
              inArray(assignments.reason, ['release', 'recycle']),
              gte(assignments.createdAt, since),
            ),
          )
          .orderBy(asc(assignments.createdAt))
          .limit(1);
        if (released) return { kind: 'cooldown', until: new Date(released.at.getTime() + deps.pool.reclaimCooldownDays * 86_400_000) };
      }
      const moved = await changeOwner(tx, {
        customer,
        to: actor,
        reason: 'claim',
        actorUserId: actor.id,
        actorRef: actor.ref,
        source: input.source,
        now,
      });
      const result = {
        kind: 'moved' as const,
        customer: moved,
        from: null,
        to: { id: actor.id, platformUserId: actor.platformUserId, name: actor.name },
        at: now,
      };
      for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
      return result;
    });
  }

  /** The owner (or someone who manages them) puts a customer back in the pool. */
  async function release(
    input: { actor: UserRecord; customerId: number; reason?: string; source: string } & Outbound<Extract<MoveResult, { kind: 'moved' }>>,
  ): Promise<MoveResult> {
    return runTransaction(db, async (tx): Promise<MoveResult> => {
      const { actor } = input;
      const customer = await lockCustomer(tx, actor.workspaceId, input.customerId);
      if (!customer) return { kind: 'not_found' };
      if (customer.ownerUserId === null) return { kind: 'stale', customer, owner: null };
      const owner = await userById(tx, actor.workspaceId, customer.ownerUserId);
      if (customer.ownerUserId !== actor.id && !mayReassign(actor, customer, owner)) return { kind: 'forbidden' };
      const now = clock.now();
      const moved = await changeOwner(tx, {
        customer,
        to: null,
        reason: 'release',
        actorUserId: actor.id,
        actorRef: actor.ref,
        source: input.reason ? `${input.source}: ${input.reason.slice(0, 100)}` : input.source,
        now,
      });
      const result = { kind: 'moved' as const, customer: moved, from: brief(owner), to: null, at: now };
      for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
      return result;
    });
  }

  /** The active people `actor` may hand customers to (for pickers), by name. */
  async function assignableUsers(actor: UserRecord): Promise<UserBrief[]> {
    const rows = await db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.active, true)))
      .orderBy(asc(users.name));
    return rows.filter((u) => mayReceive(actor, u as Person)).map((u) => brief(u)!);
  }

  /**
   * What `actor` may see of a customer and do with it (`/查`, the customer card): `none` for another
   * workspace's (it is not even loaded), `limited` (name, owner, pool) or `full`.
   */
  async function viewOf(actor: UserRecord, customerId: number) {
    const [customer] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, actor.workspaceId), eq(customers.id, customerId)))
      .limit(1);
    if (!customer) return null;
    const owner = await userById(db, actor.workspaceId, customer.ownerUserId);
    return {
      customer,
      owner: brief(owner),
      access: customerAccess(actor, customer, owner),
      mayReassign: mayReassign(actor, customer, owner),
      isOwner: customer.ownerUserId === actor.id,
    };
  }

  /** The active colleagues a rep may ask to hand a customer to (申请转交), by name. */
  async function colleaguesOf(actor: UserRecord): Promise<UserBrief[]> {
    const rows = await db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.active, true)))
      .orderBy(asc(users.name));
    return rows.filter((u) => u.id !== actor.id).map((u) => brief(u)!);
  }

  /** A transfer request as stored (the card's `同意` names it by id), scoped to the workspace. */
  async function requestOf(workspaceId: number, requestId: number) {
    const [row] = await db
      .select()
      .from(transferRequests)
      .where(and(eq(transferRequests.workspaceId, workspaceId), eq(transferRequests.id, requestId)))
      .limit(1);
    return row ?? null;
  }

  return {
    viewOf,
    colleaguesOf,
    requestOf,
    reassign,
    requestTransfer,
    decideTransfer,
    claim,
    release,
    assignableUsers,
    approversOf,
    userById: (workspaceId: number, id: number | null) => userById(db, workspaceId, id).then(brief),
  };
}

export type OwnershipService = ReturnType<typeof createOwnershipService>;

/** The start of the local day after `now` (claims limits reset then). */
export function nextLocalDay(now: Date, timeZone: string): Date {
  return new Date(toZonedIso(addDays(wallClock(now, timeZone), 1), 0, 0, timeZone));
}

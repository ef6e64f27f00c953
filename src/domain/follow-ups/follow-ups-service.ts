import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { customers, followUps, users } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { auditCustomerChange } from '../audit/audit-customer-change.js';
import { findCustomerByName, getCustomer, lockCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import { ensureCustomer } from '../customers/ensure-customer.js';
import { usableCustomerName } from '../customers/normalize-name.js';
import type { ParsedNote } from '../notes/schema.js';
import type { UserRecord } from '../users/users-service.js';
import { mayUpdateCustomer } from '../ownership/scope.js';
import { customerUpdate, type CustomerEffect } from './apply-to-customer.js';
import { decideCustomer } from './decide-customer.js';
import { createFollowUpQueries } from './follow-up-queries.js';
import {
  ensureContact,
  findBySourceMessage,
  getFollowUp,
  getFollowUpWithCustomer,
  lockFollowUp,
  writeAudit,
  type FollowUpRecord,
} from './follow-ups-repo.js';
import { createFollowUpChanges, mayChange } from './follow-up-changes.js';
import { runTransaction } from '../../db/run-transaction.js';
import { readNoteEffect, snapshotOf } from './undo-snapshot.js';
import { closeAnswered } from '../reminder-actions/card-state.js';

export type FollowUpDraft = ParsedNote;

/** The owner of a customer a note named, when it is not the author and the author does not manage them. */
export type OtherOwner = { id: number; platformUserId: string; name: string | null };

export type RecordNoteResult =
  | { kind: 'saved'; followUp: FollowUpRecord; customer: CustomerRecord; createdCustomer: boolean }
  /** The customer is someone else's: the note waits (a draft) for 记为协作跟进 or 申请转交, and changes nothing. */
  | { kind: 'owned_by_other'; followUp: FollowUpRecord; customer: CustomerRecord; owner: OtherOwner }
  | { kind: 'needs_customer'; followUp: FollowUpRecord; candidates: { id: number; name: string }[]; proposedName: string | null }
  | { kind: 'duplicate'; followUp: FollowUpRecord }
  | { kind: 'not_understood' }
  /** Forced customer only: gone, not the author's to update, or its caller's claim said no. */
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'refused' };

/**
 * A note logged against a given customer without asking which one (a reminder's 已跟进), whatever
 * customer the text names.
 */
export type ForcedCustomer = {
  id: number;
  /**
   * Runs in the note's transaction once the customer is locked and the author may update it, before
   * anything is written: false ends the transaction with nothing written (`refused`), as when the
   * card that asked for the note was spent by an earlier click. It runs again if the transaction is
   * retried after a deadlock.
   */
  claim?: (tx: Tx, customer: CustomerRecord, now: Date) => Promise<boolean>;
};

type Deps = { db: Db; clock: Clock };

/** MySQL/MariaDB "duplicate entry" for a unique key. */
const isDuplicateKey = (err: unknown) =>
  (err as { errno?: number; cause?: { errno?: number } }).errno === 1062 || (err as { cause?: { errno?: number } }).cause?.errno === 1062;

/**
 * Follow-ups: recording a note, choosing its customer, undoing and editing it. Every change runs
 * in one transaction (`runTransaction`) together with the outbox messages that report it, and
 * locks the follow-up row, then the customer row, before deciding anything.
 */
export function createFollowUpsService(deps: Deps) {
  const { db, clock } = deps;

  /**
   * Applies a confirmed follow-up to its customer and records the snapshot undo needs. Both rows
   * must be locked by the caller, so the merge (tags above all) starts from the latest customer.
   */
  async function confirm(
    tx: Tx,
    followUp: FollowUpRecord,
    customer: CustomerRecord,
    created: boolean,
    author: UserRecord,
  ): Promise<{ followUp: FollowUpRecord; customer: CustomerRecord }> {
    const now = clock.now();
    const note = readNoteEffect(followUp.parsed);
    const effect: CustomerEffect = {
      stage: followUp.stage ?? undefined,
      amount: followUp.amount ?? undefined,
      currency: followUp.currency,
      nextFollowUpAt: followUp.nextFollowUpAt ?? undefined,
      tier: note.tier ?? undefined,
      tags: note.tags,
      phone: note.phone ?? undefined,
      email: note.email ?? undefined,
    };
    const update = customerUpdate(customer, effect, followUp.occurredAt);
    if (Object.keys(update).length > 0)
      await tx
        .update(customers)
        .set({ ...update, updatedAt: now })
        .where(eq(customers.id, customer.id));
    const contact = note.contact
      ? await ensureContact(tx, {
          workspaceId: followUp.workspaceId,
          customerId: customer.id,
          name: note.contact,
          phone: note.phone,
          email: note.email,
          now,
        })
      : null;
    const customerBefore = snapshotOf(customer, created, contact?.created ? [contact.id] : []);
    await tx
      .update(followUps)
      .set({ status: 'confirmed', customerId: customer.id, contactId: contact?.id ?? null, customerBefore, updatedAt: now })
      .where(eq(followUps.id, followUp.id));
    await writeAudit(tx, {
      workspaceId: followUp.workspaceId,
      actor: author.ref,
      action: 'follow_up.create',
      subjectId: followUp.id,
      after: { customerId: customer.id, status: 'confirmed' },
      now,
    });
    const saved = await getFollowUp(tx, followUp.workspaceId, followUp.id);
    const updated = await getCustomer(tx, followUp.workspaceId, customer.id);
    if (!saved || !updated) throw new Error('follow-up or customer vanished inside its transaction');
    await auditCustomerChange(tx, { before: customer, after: updated, actor: author.ref, source: 'note', now });
    // A follow-up answers the customer's open due/quiet reminders, however it was logged: their cards are spent.
    await closeAnswered(tx, customer.id, {
      status: 'done',
      action: 'note',
      actedByUserId: author.id,
      actedAt: now,
      snoozedUntil: null,
      updatedAt: now,
    });
    return { followUp: saved, customer: updated };
  }

  async function recordNote(input: {
    workspaceId: number;
    author: UserRecord;
    text: string;
    sourceMessageId: string;
    occurredAt: Date;
    draft: FollowUpDraft;
    /** Log against this customer instead of the one the text names. */
    forCustomer?: ForcedCustomer;
    outbound?: (result: RecordNoteResult) => OutboundEnvelope[];
  }): Promise<RecordNoteResult> {
    const earlier = await findBySourceMessage(db, input.workspaceId, input.sourceMessageId);
    if (earlier) return { kind: 'duplicate', followUp: earlier };
    if (input.forCustomer) return recordForced(input, input.forCustomer);
    const { draft } = input;
    const name = usableCustomerName(draft.customer);
    const exact = name ? await findCustomerByName(db, input.workspaceId, name) : null;
    const decision = decideCustomer(draft, exact?.id ?? null);
    if (decision.kind === 'none') return { kind: 'not_understood' };
    try {
      return await runTransaction(db, async (tx) => {
        const now = clock.now();
        const draftRow = await insertDraft(tx, input, now);
        const ask = (candidates: { id: number; name: string }[]): RecordNoteResult => ({
          kind: 'needs_customer',
          followUp: draftRow,
          candidates,
          proposedName: name,
        });
        let result: RecordNoteResult;
        if (decision.kind === 'ask') {
          result = ask(decision.candidates);
        } else {
          // The known customer may have been deleted (its creating note undone) since we looked: then create it again by name.
          const known = decision.kind === 'existing' ? await lockCustomer(tx, input.workspaceId, decision.customerId) : null;
          const target = known
            ? { customer: known, created: false }
            : name
              ? await ensureCustomer(tx, { workspaceId: input.workspaceId, author: input.author, name, now })
              : null;
          const other = target && !target.created ? await otherOwner(tx, input.author, target.customer) : null;
          if (target && other) {
            result = {
              kind: 'owned_by_other',
              followUp: await holdForOwner(tx, draftRow, target.customer, now),
              customer: target.customer,
              owner: other,
            };
          } else {
            result = target
              ? {
                  kind: 'saved',
                  ...(await confirm(tx, draftRow, target.customer, target.created, input.author)),
                  createdCustomer: target.created,
                }
              : ask([]);
          }
        }
        for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
        return result;
      });
    } catch (err) {
      return duplicateOrThrow(err, input);
    }
  }

  /** A concurrent delivery of the same message won the unique key: this one is the duplicate. */
  async function duplicateOrThrow(err: unknown, input: { workspaceId: number; sourceMessageId: string }): Promise<RecordNoteResult> {
    if (!isDuplicateKey(err)) throw err;
    const winner = await findBySourceMessage(db, input.workspaceId, input.sourceMessageId);
    if (!winner) throw err;
    return { kind: 'duplicate', followUp: winner };
  }

  /**
   * The forced-customer path: the same draft, confirm and undo snapshot as any note, on the given
   * customer. The customer is locked before the draft is inserted (the other way round from the
   * path that asks): the new draft row is invisible to every other transaction, so the order
   * cannot close a lock cycle, and a refused claim leaves nothing to roll back.
   */
  async function recordForced(input: Parameters<typeof recordNote>[0], forced: ForcedCustomer): Promise<RecordNoteResult> {
    try {
      return await runTransaction(db, async (tx): Promise<RecordNoteResult> => {
        const now = clock.now();
        const customer = await lockCustomer(tx, input.workspaceId, forced.id);
        if (!customer) return { kind: 'not_found' };
        if (await otherOwner(tx, input.author, customer)) return { kind: 'forbidden' };
        if (forced.claim && !(await forced.claim(tx, customer, now))) return { kind: 'refused' };
        const draftRow = await insertDraft(tx, input, now);
        const result: RecordNoteResult = {
          kind: 'saved',
          ...(await confirm(tx, draftRow, customer, false, input.author)),
          createdCustomer: false,
        };
        for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
        return result;
      });
    } catch (err) {
      return duplicateOrThrow(err, input);
    }
  }

  /**
   * The customer's owner when `author` may not change it (someone else's customer, and not one of
   * the people the author manages); null when the author may.
   */
  async function otherOwner(tx: Tx, author: UserRecord, customer: CustomerRecord): Promise<OtherOwner | null> {
    if (customer.ownerUserId === null || customer.ownerUserId === author.id) return null;
    const [owner] = await tx.select().from(users).where(eq(users.id, customer.ownerUserId)).limit(1);
    if (mayUpdateCustomer(author, customer, owner ?? null)) return null;
    return owner
      ? { id: owner.id, platformUserId: owner.platformUserId, name: owner.name }
      : { id: customer.ownerUserId, platformUserId: '', name: null };
  }

  /** A note about someone else's customer stays a draft pointing at it, until the author decides. */
  async function holdForOwner(tx: Tx, draftRow: FollowUpRecord, customer: CustomerRecord, now: Date): Promise<FollowUpRecord> {
    await tx.update(followUps).set({ customerId: customer.id, updatedAt: now }).where(eq(followUps.id, draftRow.id));
    return { ...draftRow, customerId: customer.id, updatedAt: now };
  }

  /**
   * 记为协作跟进: the author keeps their note in the customer's history as a collaboration; the
   * customer's fields stay the owner's. Once: a second click answers with what the first did.
   */
  async function recordAsCollaboration(input: {
    workspaceId: number;
    actor: UserRecord;
    followUpId: number;
    /** Messages that report it (the owner's notice), enqueued in the same transaction. */
    outbound?: (saved: { customer: CustomerRecord; owner: OtherOwner | null }) => OutboundEnvelope[];
  }) {
    return runTransaction(db, async (tx) => {
      const followUp = await lockFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp || followUp.customerId === null) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status !== 'draft') return { kind: 'already_done' as const, followUp };
      const customer = await lockCustomer(tx, input.workspaceId, followUp.customerId);
      if (!customer) return { kind: 'not_found' as const };
      const now = clock.now();
      await tx.update(followUps).set({ status: 'confirmed', collaboration: true, updatedAt: now }).where(eq(followUps.id, followUp.id));
      await writeAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor.ref,
        action: 'follow_up.collaboration',
        subjectId: followUp.id,
        after: { customerId: customer.id, status: 'confirmed', collaboration: true },
        now,
      });
      const ownerRow =
        customer.ownerUserId === null
          ? null
          : ((await tx.select().from(users).where(eq(users.id, customer.ownerUserId)).limit(1))[0] ?? null);
      const owner = ownerRow ? { id: ownerRow.id, platformUserId: ownerRow.platformUserId, name: ownerRow.name } : null;
      for (const message of input.outbound?.({ customer, owner }) ?? []) await enqueue(tx, message, now);
      return {
        kind: 'saved' as const,
        followUp: { ...followUp, status: 'confirmed' as const, collaboration: true, updatedAt: now },
        customer,
        owner,
      };
    });
  }

  /** The note as a draft follow-up row; inserting it also locks it for the transaction. */
  async function insertDraft(
    tx: Tx,
    input: { workspaceId: number; author: UserRecord; text: string; sourceMessageId: string; occurredAt: Date; draft: FollowUpDraft },
    now: Date,
  ): Promise<FollowUpRecord> {
    const { draft } = input;
    const [inserted] = await tx.insert(followUps).values({
      workspaceId: input.workspaceId,
      authorUserId: input.author.id,
      rawText: input.text,
      parsed: draft,
      channel: draft.channel,
      stage: draft.stage,
      amount: draft.amount,
      currency: draft.currency,
      nextFollowUpAt: draft.nextFollowUpAt ? new Date(draft.nextFollowUpAt) : null,
      nextStep: draft.nextStep?.slice(0, 500) ?? null,
      needs: draft.needs?.slice(0, 500) ?? null,
      summary: draft.summary.slice(0, 500) || input.text.slice(0, 500),
      sourceMessageId: input.sourceMessageId,
      status: 'draft',
      occurredAt: input.occurredAt,
      createdAt: now,
      updatedAt: now,
    });
    const row = await getFollowUp(tx, input.workspaceId, inserted.insertId);
    if (!row) throw new Error('follow-up vanished after insert');
    return row;
  }

  /**
   * The rep's answer to "which customer?". Two clicks at once apply once: the second waits for
   * the first's lock on the follow-up and answers `already_done` with the saved follow-up.
   */
  async function chooseCustomer(input: {
    workspaceId: number;
    actor: UserRecord;
    followUpId: number;
    choice: { customerId: number } | { newCustomerName: string };
  }) {
    return runTransaction(db, async (tx) => {
      const followUp = await lockFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status !== 'draft') return { kind: 'already_done' as const, followUp };
      const choice = input.choice;
      let target: { customer: CustomerRecord; created: boolean } | null;
      if ('customerId' in choice) {
        const customer = await lockCustomer(tx, input.workspaceId, choice.customerId);
        if (!customer) return { kind: 'not_found' as const };
        const other = await otherOwner(tx, input.actor, customer);
        if (other)
          return {
            kind: 'owned_by_other' as const,
            followUp: await holdForOwner(tx, followUp, customer, clock.now()),
            customer,
            owner: other,
          };
        target = { customer, created: false };
      } else {
        target = await ensureCustomer(tx, {
          workspaceId: input.workspaceId,
          author: input.actor,
          name: choice.newCustomerName,
          now: clock.now(),
        });
        if (!target) return { kind: 'invalid_name' as const };
      }
      const done = await confirm(tx, followUp, target.customer, target.created, input.actor);
      return { kind: 'saved' as const, ...done, createdCustomer: target.created };
    });
  }

  return {
    recordNote,
    chooseCustomer,
    recordAsCollaboration,
    ...createFollowUpChanges(deps),
    ...createFollowUpQueries(deps),
    /** A follow-up with its customer's name, for re-drawing its card. */
    loadWithCustomer: (workspaceId: number, id: number) => getFollowUpWithCustomer(db, workspaceId, id),
  };
}

export type FollowUpsService = ReturnType<typeof createFollowUpsService>;

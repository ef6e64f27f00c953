import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { customers, followUps, users } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { customerChangeEntry } from '../audit/audit-customer-change.js';
import { writeAuditEntries, type AuditEntry } from '../audit/write-audit.js';
import type { CustomerNameCache } from '../customers/customer-name-cache.js';
import {
  findCustomerByName,
  lockCustomer,
  lockCustomerForNote,
  type CustomerRecord,
  type LockedForNote,
} from '../customers/customers-repo.js';
import { ensureCustomer } from '../customers/ensure-customer.js';
import { usableCustomerName } from '../customers/normalize-name.js';
import type { ParsedNote } from '../notes/schema.js';
import type { UserRecord } from '../users/users-service.js';
import { mayUpdateCustomer } from '../ownership/scope.js';
import { customerUpdate, type CustomerEffect } from './apply-to-customer.js';
import { decideCustomer, type CustomerDecision } from './decide-customer.js';
import { createFollowUpQueries } from './follow-up-queries.js';
import {
  ensureContact,
  findBySourceMessage,
  getFollowUpWithCustomer,
  lockFollowUp,
  writeAudit,
  type FollowUpRecord,
} from './follow-ups-repo.js';
import { createFollowUpChanges, mayChange } from './follow-up-changes.js';
import { runTransaction } from '../../db/run-transaction.js';
import { readNoteEffect, snapshotOf } from './undo-snapshot.js';
import { closeAnswered } from '../reminder-actions/card-state.js';
import { openPrompt } from '../reminder-actions/note-prompts.js';

export type FollowUpDraft = ParsedNote;

/** The owner of a customer a note named, when it is not the author and the author does not manage them. */
export type OtherOwner = { id: number; platformUserId: string; name: string | null };

export type RecordNoteResult =
  | { kind: 'saved'; followUp: FollowUpRecord; customer: CustomerRecord; createdCustomer: boolean }
  /** The customer is someone else's: the note waits (a draft) for 记为协作跟进 or 申请转交, and changes nothing. */
  | { kind: 'owned_by_other'; followUp: FollowUpRecord; customer: CustomerRecord; owner: OtherOwner }
  | { kind: 'needs_customer'; followUp: FollowUpRecord; candidates: { id: number; name: string }[]; proposedName: string | null }
  | { kind: 'duplicate'; followUp: FollowUpRecord }
  /** Asked with `unlessPrompted`: the author has an open note prompt, which this message may answer; nothing was written. */
  | { kind: 'prompted' }
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

type Deps = {
  db: Db;
  clock: Clock;
  /**
   * The process's customer names (the matcher's cache): an exact name found there spares a query,
   * and a customer created here is announced to it so the author's next note matches it.
   */
  names?: Pick<CustomerNameCache, 'exactId' | 'created'>;
};

/** What the locking read of a known customer also found; unknown (undefined) on the other paths. */
type Known = Pick<LockedForNote, 'contact' | 'openReminders'>;

/** The follow-up columns a note sets when it is stored. */
type FollowUpValues = Omit<FollowUpRecord, 'id' | 'customerId' | 'contactId' | 'collaboration' | 'customerBefore' | 'cardMessageId'>;

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
   * What confirming `followUp` on `customer` does to the customer: the customer UPDATE (when the
   * note changes anything) and its contact, written here; the follow-up's confirmed columns with
   * the snapshot undo needs, the customer after, and the audit rows, for the caller to write. Both
   * rows must be locked by the caller, so the merge (tags above all) starts from the latest customer.
   */
  async function applyNote(
    tx: Tx,
    followUp: FollowUpRecord,
    target: { customer: CustomerRecord; created: boolean; known?: Known; applied?: CustomerRecord },
    author: UserRecord,
    now: Date,
  ) {
    const { customer, created, known } = target;
    const note = readNoteEffect(followUp.parsed);
    const update = target.applied ? {} : noteChanges(followUp, customer);
    const changed = Object.keys(update).length > 0;
    if (changed)
      await tx
        .update(customers)
        .set({ ...update, updatedAt: now })
        .where(eq(customers.id, customer.id));
    // A customer created in this transaction has no contact yet.
    const existingContact = created ? null : known?.contact;
    const contact = note.contact
      ? await ensureContact(tx, {
          workspaceId: followUp.workspaceId,
          customerId: customer.id,
          name: note.contact,
          phone: note.phone,
          email: note.email,
          now,
          ...(existingContact !== undefined ? { existing: existingContact } : {}),
        })
      : null;
    const after: CustomerRecord = target.applied ?? (changed ? { ...customer, ...update, updatedAt: now } : customer);
    return {
      set: {
        status: 'confirmed' as const,
        customerId: customer.id,
        contactId: contact?.id ?? null,
        customerBefore: snapshotOf(customer, created, contact?.created ? [contact.id] : []),
        updatedAt: now,
      },
      customer: after,
      audit: (followUpId: number): AuditEntry[] => {
        const customerEntry = customerChangeEntry({ before: customer, after, actor: author.ref, source: 'note', now });
        const created: AuditEntry = {
          workspaceId: followUp.workspaceId,
          actor: author.ref,
          action: 'follow_up.create',
          subjectType: 'follow_up',
          subjectId: followUpId,
          after: { customerId: customer.id, status: 'confirmed' },
          source: 'chat',
          now,
        };
        return customerEntry ? [created, customerEntry] : [created];
      },
      // A new customer has no reminders; a known one's were looked up with its lock.
      answersReminders: created ? false : (known?.openReminders ?? true),
    };
  }

  /** A follow-up answers the customer's open due/quiet reminders, however it was logged: their cards are spent. */
  async function answerReminders(tx: Tx, customerId: number, author: UserRecord, now: Date): Promise<void> {
    await closeAnswered(tx, customerId, {
      status: 'done',
      action: 'note',
      actedByUserId: author.id,
      actedAt: now,
      snoozedUntil: null,
      updatedAt: now,
    });
  }

  /** Confirms a stored draft (a pick from the card): the same changes as a note saved at once. */
  async function confirm(
    tx: Tx,
    followUp: FollowUpRecord,
    target: { customer: CustomerRecord; created: boolean },
    author: UserRecord,
  ): Promise<{ followUp: FollowUpRecord; customer: CustomerRecord }> {
    const now = clock.now();
    const applied = await applyNote(tx, followUp, target, author, now);
    await tx.update(followUps).set(applied.set).where(eq(followUps.id, followUp.id));
    await writeAuditEntries(tx, applied.audit(followUp.id));
    if (applied.answersReminders) await answerReminders(tx, target.customer.id, author, now);
    return { followUp: { ...followUp, ...applied.set }, customer: applied.customer };
  }

  /**
   * Stores a new note confirmed on its locked customer: one follow-up INSERT (no draft first), the
   * rows returned as written rather than read back.
   */
  async function insertConfirmed(
    tx: Tx,
    values: FollowUpValues,
    target: { customer: CustomerRecord; created: boolean; known?: Known; applied?: CustomerRecord },
    author: UserRecord,
    now: Date,
  ): Promise<{ followUp: FollowUpRecord; customer: CustomerRecord }> {
    const applied = await applyNote(tx, recordOf(values, 0), target, author, now);
    const [inserted] = await tx.insert(followUps).values({ ...values, ...applied.set });
    const followUp = { ...recordOf(values, inserted.insertId), ...applied.set };
    await writeAuditEntries(tx, applied.audit(followUp.id));
    if (applied.answersReminders) await answerReminders(tx, target.customer.id, author, now);
    return { followUp, customer: applied.customer };
  }

  /**
   * Which customer the note is about. An exact name or alias in the names cache spares the query;
   * the cache can be behind another replica (NAMES_FRESH_FOR_MS), which changes nothing when the
   * decision is to create (the transaction finds a customer of that name and takes it) and would
   * turn an exact match into a question: only then is the database asked.
   */
  async function decide(workspaceId: number, draft: FollowUpDraft, name: string | null): Promise<CustomerDecision> {
    if (!name) return decideCustomer(draft, null);
    const cached = deps.names?.exactId(workspaceId, name);
    if (cached !== undefined) {
      const decision = decideCustomer(draft, cached);
      if (decision.kind !== 'ask') return decision;
    }
    const exact = await findCustomerByName(db, workspaceId, name);
    return decideCustomer(draft, exact?.id ?? null);
  }

  /**
   * Records a note. The customer is decided from the parser's draft and the names cache, then
   * again in the transaction on the locked row (a known customer) or by name (`ensureCustomer`),
   * so a customer another replica created meanwhile is found, not duplicated. A message stored
   * before is recognised by the follow-up's unique key (`duplicate`), not by a read first.
   */
  async function recordNote(input: {
    workspaceId: number;
    author: UserRecord;
    text: string;
    sourceMessageId: string;
    occurredAt: Date;
    draft: FollowUpDraft;
    /** Log against this customer instead of the one the text names. */
    forCustomer?: ForcedCustomer;
    /**
     * Write nothing (`prompted`) when the author has an open note prompt (`openPrompt`): checked in
     * the transaction, with the customer's lock when the note names a known customer, so the check
     * costs no statement of its own there.
     */
    unlessPrompted?: boolean;
    outbound?: (result: RecordNoteResult) => OutboundEnvelope[];
  }): Promise<RecordNoteResult> {
    if (input.forCustomer) return recordForced(input, input.forCustomer);
    const { draft } = input;
    const name = usableCustomerName(draft.customer);
    const decision = await decide(input.workspaceId, draft, name);
    if (decision.kind === 'none') return { kind: 'not_understood' };
    const contactName = readNoteEffect(draft).contact?.slice(0, CONTACT_NAME_MAX) ?? null;
    try {
      const result = await runTransaction(db, async (tx) => {
        const now = clock.now();
        const values = followUpValues(input, now);
        const draftRow = async (customerId: number | null) => {
          const [inserted] = await tx.insert(followUps).values({ ...values, customerId });
          return { ...recordOf(values, inserted.insertId), customerId };
        };
        const ask = async (candidates: { id: number; name: string }[]): Promise<RecordNoteResult> => ({
          kind: 'needs_customer',
          followUp: await draftRow(null),
          candidates,
          // With no organisation named, the person is offered as the new customer (a walk-in).
          proposedName: name ?? usableCustomerName(contactName),
        });
        const promptOf = input.unlessPrompted ? { userId: input.author.id, now } : undefined;
        const locked =
          decision.kind === 'existing'
            ? await lockCustomerForNote(tx, input.workspaceId, decision.customerId, { contactName, promptOf })
            : null;
        if (promptOf && (locked ? locked.openPrompt : await openPrompt(tx, input.workspaceId, promptOf.userId, now))) return PROMPTED;
        let result: RecordNoteResult;
        if (decision.kind === 'ask') {
          result = await ask(decision.candidates);
        } else {
          // The known customer may have been deleted (its creating note undone) since we looked: then create it again by name.
          const target = locked
            ? { customer: locked.customer, created: false, known: locked }
            : name
              ? await ensureCustomer(tx, {
                  workspaceId: input.workspaceId,
                  author: input.author,
                  name,
                  now,
                  // A new customer is inserted with what the note says (no UPDATE after it).
                  changes: (bare) => noteChanges(recordOf(values, 0), bare),
                })
              : null;
          const other = target && !target.created ? await otherOwner(tx, input.author, target.customer) : null;
          if (target && other) {
            // A note about someone else's customer stays a draft pointing at it, until the author decides.
            result = { kind: 'owned_by_other', followUp: await draftRow(target.customer.id), customer: target.customer, owner: other };
          } else if (target) {
            result = {
              kind: 'saved',
              ...(await insertConfirmed(tx, values, target, input.author, now)),
              createdCustomer: target.created,
            };
          } else {
            result = await ask([]);
          }
        }
        for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
        return result;
      });
      if (result.kind === 'saved' && result.createdCustomer) deps.names?.created(input.workspaceId, result.customer);
      return result;
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
        const result: RecordNoteResult = {
          kind: 'saved',
          ...(await insertConfirmed(tx, followUpValues(input, now), { customer, created: false }, input.author, now)),
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
    const result = await runTransaction(db, async (tx) => {
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
      const done = await confirm(tx, followUp, target, input.actor);
      return { kind: 'saved' as const, ...done, createdCustomer: target.created };
    });
    if (result.kind === 'saved' && result.createdCustomer) deps.names?.created(input.workspaceId, result.customer);
    return result;
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

const PROMPTED: RecordNoteResult = { kind: 'prompted' };

/** What confirming the follow-up changes on the customer (`customerUpdate` of what the note says). */
function noteChanges(followUp: FollowUpRecord, customer: CustomerRecord): Partial<CustomerRecord> {
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
  return customerUpdate(customer, effect, followUp.occurredAt);
}

/** `contacts.name` is VARCHAR(100): `ensureContact` stores the name cut to this. */
const CONTACT_NAME_MAX = 100;

/** The row a note is stored as, a draft until `applyNote`'s columns confirm it. */
function followUpValues(
  input: { workspaceId: number; author: UserRecord; text: string; sourceMessageId: string; occurredAt: Date; draft: FollowUpDraft },
  now: Date,
): FollowUpValues {
  const { draft } = input;
  return {
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
  };
}

/** The stored row as the database holds it after the INSERT (its defaults, the amount in cents), without reading it back. */
function recordOf(values: FollowUpValues, id: number): FollowUpRecord {
  return {
    ...values,
    id,
    customerId: null,
    contactId: null,
    collaboration: false,
    customerBefore: null,
    cardMessageId: null,
    // DECIMAL(16,2) keeps cents.
    amount: values.amount === null ? null : Math.round(values.amount * 100) / 100,
  };
}

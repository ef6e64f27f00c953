import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { assignments, customers, followUps } from '../../db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { findCustomerByName, getCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import { normalizeCustomerName } from '../customers/normalize-name.js';
import type { ParsedNote } from '../notes/schema.js';
import type { UserRecord } from '../users/users-service.js';
import { customerUpdate, snapshotOf, type CustomerEffect } from './apply-to-customer.js';
import { decideCustomer } from './decide-customer.js';
import { createFollowUpQueries } from './follow-up-queries.js';
import { findBySourceMessage, getFollowUp, upsertContact, writeAudit, type FollowUpRecord } from './follow-ups-repo.js';
import { createFollowUpChanges, mayChange } from './follow-up-changes.js';

export type FollowUpDraft = ParsedNote;

export type RecordNoteResult =
  | { kind: 'saved'; followUp: FollowUpRecord; customer: CustomerRecord; createdCustomer: boolean }
  | { kind: 'needs_customer'; followUp: FollowUpRecord; candidates: { id: number; name: string }[]; proposedName: string | null }
  | { kind: 'duplicate'; followUp: FollowUpRecord }
  | { kind: 'not_understood' };

type Deps = { db: Db; clock: Clock };

/** MySQL/MariaDB "duplicate entry" for a unique key. */
const isDuplicateKey = (err: unknown) => (err as { errno?: number; cause?: { errno?: number } }).errno === 1062 || (err as { cause?: { errno?: number } }).cause?.errno === 1062;

/**
 * Follow-ups: recording a note, choosing its customer, undoing and editing it. Every change runs
 * in one transaction together with the outbox messages that report it.
 */
export function createFollowUpsService(deps: Deps) {
  const { db, clock } = deps;

  /** Finds or creates (race-safe, on the unique normalized name) the customer a note names. */
  async function ensureCustomer(tx: Tx, workspaceId: number, author: UserRecord, name: string, draft: Pick<FollowUpDraft, 'tier' | 'tags'>): Promise<{ customer: CustomerRecord; created: boolean }> {
    const existing = await findCustomerByName(tx, workspaceId, name);
    if (existing) return { customer: existing, created: false };
    const now = clock.now();
    const [result] = await tx.insert(customers).ignore().values({
      workspaceId,
      name: name.slice(0, 200),
      normalizedName: normalizeCustomerName(name),
      aliases: [],
      tier: draft.tier,
      tags: draft.tags,
      ownerUserId: author.id,
      teamId: author.teamId,
      createdAt: now,
      updatedAt: now,
    });
    const customer = await findCustomerByName(tx, workspaceId, name);
    if (!customer) throw new Error('customer vanished after insert');
    if (result.affectedRows === 1) {
      await tx.insert(assignments).values({ workspaceId, customerId: customer.id, fromUserId: null, toUserId: author.id, reason: 'create', actorUserId: author.id, createdAt: now });
    }
    return { customer, created: result.affectedRows === 1 };
  }

  /** Applies a confirmed follow-up to its customer and records the snapshot undo needs. */
  async function confirm(tx: Tx, followUp: FollowUpRecord, customer: CustomerRecord, created: boolean, author: UserRecord): Promise<{ followUp: FollowUpRecord; customer: CustomerRecord }> {
    const now = clock.now();
    const draft = followUp.parsed as Partial<FollowUpDraft>;
    const effect: CustomerEffect = {
      stage: followUp.stage ?? undefined,
      amount: followUp.amount ?? undefined,
      currency: followUp.currency,
      nextFollowUpAt: followUp.nextFollowUpAt ?? undefined,
      tier: draft.tier ?? undefined,
      tags: draft.tags ?? [],
      phone: draft.phone ?? undefined,
      email: draft.email ?? undefined,
    };
    const update = customerUpdate(customer, effect, followUp.occurredAt);
    if (Object.keys(update).length > 0) await tx.update(customers).set({ ...update, updatedAt: now }).where(eq(customers.id, customer.id));
    const contactId = draft.contact ? await upsertContact(tx, { workspaceId: followUp.workspaceId, customerId: customer.id, name: draft.contact, phone: draft.phone ?? null, email: draft.email ?? null, now }) : null;
    await tx
      .update(followUps)
      .set({ status: 'confirmed', customerId: customer.id, contactId, customerBefore: snapshotOf(customer, created), updatedAt: now })
      .where(eq(followUps.id, followUp.id));
    await writeAudit(tx, { workspaceId: followUp.workspaceId, actor: author.ref, action: 'follow_up.create', subjectId: followUp.id, after: { customerId: customer.id, status: 'confirmed' }, now });
    const saved = await getFollowUp(tx, followUp.workspaceId, followUp.id);
    const updated = await getCustomer(tx, followUp.workspaceId, customer.id);
    if (!saved || !updated) throw new Error('follow-up or customer vanished inside its transaction');
    return { followUp: saved, customer: updated };
  }

  async function recordNote(input: {
    workspaceId: number;
    author: UserRecord;
    text: string;
    sourceMessageId: string;
    occurredAt: Date;
    draft: FollowUpDraft;
    outbound?: (result: RecordNoteResult) => OutboundEnvelope[];
  }): Promise<RecordNoteResult> {
    const earlier = await findBySourceMessage(db, input.workspaceId, input.sourceMessageId);
    if (earlier) return { kind: 'duplicate', followUp: earlier };
    const { draft } = input;
    const exact = draft.customer ? await findCustomerByName(db, input.workspaceId, draft.customer) : null;
    const decision = decideCustomer(draft, exact?.id ?? null);
    if (decision.kind === 'none') return { kind: 'not_understood' };
    try {
      return await db.transaction(async (tx) => {
        const now = clock.now();
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
        const draftRow = await getFollowUp(tx, input.workspaceId, inserted.insertId);
        if (!draftRow) throw new Error('follow-up vanished after insert');
        let result: RecordNoteResult;
        if (decision.kind === 'ask') {
          result = { kind: 'needs_customer', followUp: draftRow, candidates: decision.candidates, proposedName: draft.customer };
        } else {
          const known = decision.kind === 'existing' ? await getCustomer(tx, input.workspaceId, decision.customerId) : null;
          const target = known ? { customer: known, created: false } : await ensureCustomer(tx, input.workspaceId, input.author, decision.kind === 'create' ? decision.name : (draft.customer ?? ''), draft);
          const done = await confirm(tx, draftRow, target.customer, target.created, input.author);
          result = { kind: 'saved', ...done, createdCustomer: target.created };
        }
        for (const message of input.outbound?.(result) ?? []) await enqueue(tx, message, now);
        return result;
      });
    } catch (err) {
      // A concurrent delivery of the same message won the unique key: this one is the duplicate.
      if (!isDuplicateKey(err)) throw err;
      const winner = await findBySourceMessage(db, input.workspaceId, input.sourceMessageId);
      if (!winner) throw err;
      return { kind: 'duplicate', followUp: winner };
    }
  }

  async function chooseCustomer(input: { workspaceId: number; actor: UserRecord; followUpId: number; choice: { customerId: number } | { newCustomerName: string } }) {
    return db.transaction(async (tx) => {
      const followUp = await getFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status !== 'draft') return { kind: 'already_done' as const, followUp };
      let target: { customer: CustomerRecord; created: boolean };
      if ('customerId' in input.choice) {
        const customer = await getCustomer(tx, input.workspaceId, input.choice.customerId);
        if (!customer) return { kind: 'not_found' as const };
        target = { customer, created: false };
      } else {
        target = await ensureCustomer(tx, input.workspaceId, input.actor, input.choice.newCustomerName, followUp.parsed as Partial<FollowUpDraft> & Pick<FollowUpDraft, 'tier' | 'tags'>);
      }
      const done = await confirm(tx, followUp, target.customer, target.created, input.actor);
      return { kind: 'saved' as const, ...done, createdCustomer: target.created };
    });
  }

  return { recordNote, chooseCustomer, ...createFollowUpChanges(deps), ...createFollowUpQueries(deps) };
}

export type FollowUpsService = ReturnType<typeof createFollowUpsService>;

import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { contacts, customers, followUps } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { auditCustomerChange } from '../audit/audit-customer-change.js';
import { getCustomer, lockCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import type { Channel, Stage } from '../notes/schema.js';
import type { UserRecord } from '../users/users-service.js';
import {
  deleteUnreferencedContacts,
  ensureContact,
  getFollowUp,
  lockFollowUp,
  otherConfirmed,
  writeAudit,
  type FollowUpRecord,
} from './follow-ups-repo.js';
import { fieldsSetLater, planRestore } from './plan-restore.js';
import { runTransaction } from '../../db/run-transaction.js';
import { readNoteEffect, readSnapshot } from './undo-snapshot.js';

export type FollowUpEdit = Partial<{
  contact: string | null;
  channel: Channel | null;
  stage: Stage | null;
  amount: number | null;
  nextFollowUpAt: Date | null;
  nextStep: string | null;
  needs: string | null;
  summary: string;
}>;

/** Where a correction came from, for the audit log: a card's button or form, or a typed command (`/改`). */
export type ChangeSource = 'card' | 'command';

/** Who may correct a follow-up: its author, or an admin (managers' powers come with reassignment). */
export const mayChange = (followUp: Pick<FollowUpRecord, 'authorUserId'>, actor: Pick<UserRecord, 'id' | 'role'>) =>
  followUp.authorUserId === actor.id || actor.role === 'admin';

/**
 * Undo and edit: the two ways a rep corrects what the bot recorded. Both lock the follow-up row,
 * then its customer's row (the order every transition here uses), and decide only on those
 * locked reads, so two clicks on one card apply once and the second sees what the first did.
 */
export function createFollowUpChanges(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** `source`: where the change came from, for the audit log (`card` unless said). */
  async function undo(input: { workspaceId: number; actor: UserRecord; followUpId: number; source?: ChangeSource }) {
    return runTransaction(db, async (tx) => {
      const followUp = await lockFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status === 'undone') return { kind: 'already_undone' as const, followUp };
      const now = clock.now();
      // A collaboration note never changed its customer, so there is nothing to put back.
      const customer =
        followUp.status === 'confirmed' && !followUp.collaboration
          ? await restoreCustomer(tx, followUp, now, { actor: input.actor.ref, source: input.source ?? 'card' })
          : null;
      await tx.update(followUps).set({ status: 'undone', updatedAt: now }).where(eq(followUps.id, followUp.id));
      await writeAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor.ref,
        action: 'follow_up.undo',
        subjectId: followUp.id,
        before: { status: followUp.status },
        after: { status: 'undone' },
        now,
      });
      const undone = await getFollowUp(tx, input.workspaceId, followUp.id);
      if (!undone) throw new Error('follow-up vanished inside its transaction');
      return { kind: 'undone' as const, followUp: undone, customer };
    });
  }

  /**
   * Puts back what this follow-up changed on its customer (see `planRestore`) and removes the
   * contacts it added that nothing else refers to. A customer the follow-up created and nobody
   * else followed up is deleted again. Returns the customer as it was before the deletion.
   */
  async function restoreCustomer(
    tx: Tx,
    followUp: FollowUpRecord,
    now: Date,
    audit: { actor: string; source: string },
  ): Promise<CustomerRecord | null> {
    if (followUp.customerId === null) return null;
    const customer = await lockCustomer(tx, followUp.workspaceId, followUp.customerId);
    if (!customer) return null;
    const snapshot = readSnapshot(followUp.customerBefore);
    // Confirming a follow-up of this customer takes its lock, so this list cannot change until we commit.
    const others = await otherConfirmed(tx, followUp.workspaceId, customer.id, followUp.id);
    if (snapshot?.created && others.length === 0) {
      await tx.delete(contacts).where(eq(contacts.customerId, customer.id));
      await tx.delete(customers).where(eq(customers.id, customer.id));
      await auditCustomerChange(tx, { before: customer, after: null, ...audit, now });
      return customer;
    }
    const update = planRestore({ followUp, note: readNoteEffect(followUp.parsed), snapshot, customer, others });
    await tx
      .update(customers)
      .set({ ...update, updatedAt: now })
      .where(eq(customers.id, customer.id));
    await deleteUnreferencedContacts(tx, followUp.workspaceId, snapshot?.createdContactIds ?? [], followUp.id);
    const restored = await getCustomer(tx, followUp.workspaceId, customer.id);
    if (restored) await auditCustomerChange(tx, { before: customer, after: restored, ...audit, now });
    return restored;
  }

  async function edit(input: { workspaceId: number; actor: UserRecord; followUpId: number; changes: FollowUpEdit; source?: ChangeSource }) {
    return runTransaction(db, async (tx) => {
      const followUp = await lockFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status === 'undone') return { kind: 'undone_already' as const };
      const confirmedCustomer =
        followUp.status === 'confirmed' && followUp.customerId !== null && !followUp.collaboration
          ? await lockCustomer(tx, input.workspaceId, followUp.customerId)
          : null;
      const now = clock.now();
      const c = input.changes;
      await tx
        .update(followUps)
        .set(followUpSet(followUp, c, now))
        .where(eq(followUps.id, followUp.id));
      const customer = confirmedCustomer && (await applyEditToCustomer(tx, followUp, confirmedCustomer, c, now));
      if (confirmedCustomer && customer)
        await auditCustomerChange(tx, {
          before: confirmedCustomer,
          after: customer,
          actor: input.actor.ref,
          source: input.source ?? 'card',
          now,
        });
      const edited = await getFollowUp(tx, input.workspaceId, followUp.id);
      if (!edited) throw new Error('follow-up vanished inside its transaction');
      const keys = Object.keys(c);
      await writeAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor.ref,
        action: 'follow_up.edit',
        subjectId: followUp.id,
        before: pick(followUp, keys),
        after: pick(edited, keys),
        now,
      });
      return { kind: 'edited' as const, followUp: edited, customer };
    });
  }

  /**
   * The correction reaches the customer only for fields no later confirmed follow-up has set (the
   * rule undo uses): editing an older note must not overwrite what a newer one established.
   */
  async function applyEditToCustomer(
    tx: Tx,
    followUp: FollowUpRecord,
    customer: CustomerRecord,
    c: FollowUpEdit,
    now: Date,
  ): Promise<CustomerRecord | null> {
    const later = fieldsSetLater(followUp.occurredAt, await otherConfirmed(tx, followUp.workspaceId, customer.id, followUp.id));
    const customerSet: Partial<CustomerRecord> = {};
    if (c.stage && !later.has('stage')) customerSet.stage = c.stage;
    if (c.amount !== undefined && c.amount !== null && !later.has('amount')) customerSet.amount = c.amount;
    if (c.nextFollowUpAt !== undefined && !later.has('nextFollowUpAt')) customerSet.nextFollowUpAt = c.nextFollowUpAt;
    if (Object.keys(customerSet).length > 0)
      await tx
        .update(customers)
        .set({ ...customerSet, updatedAt: now })
        .where(eq(customers.id, customer.id));
    if (c.contact) {
      const contact = await ensureContact(tx, {
        workspaceId: followUp.workspaceId,
        customerId: customer.id,
        name: c.contact,
        phone: null,
        email: null,
        now,
      });
      const snapshot = readSnapshot(followUp.customerBefore);
      // A contact the edit added is this follow-up's to take back on undo, like one the note added.
      const customerBefore =
        contact.created && snapshot
          ? { ...snapshot, createdContactIds: [...(snapshot.createdContactIds ?? []), contact.id] }
          : followUp.customerBefore;
      await tx.update(followUps).set({ contactId: contact.id, customerBefore }).where(eq(followUps.id, followUp.id));
    }
    return getCustomer(tx, followUp.workspaceId, customer.id);
  }

  return { undo, edit };
}

function followUpSet(followUp: FollowUpRecord, c: FollowUpEdit, now: Date): Partial<FollowUpRecord> {
  const set: Partial<FollowUpRecord> = { updatedAt: now };
  if (c.channel !== undefined) set.channel = c.channel;
  if (c.stage !== undefined) set.stage = c.stage;
  if (c.amount !== undefined) set.amount = c.amount;
  if (c.nextFollowUpAt !== undefined) set.nextFollowUpAt = c.nextFollowUpAt;
  if (c.nextStep !== undefined) set.nextStep = c.nextStep;
  if (c.needs !== undefined) set.needs = c.needs;
  if (c.summary !== undefined) set.summary = c.summary;
  if (c.contact !== undefined) set.parsed = { ...followUp.parsed, contact: c.contact };
  return set;
}

function pick(row: FollowUpRecord, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = key === 'contact' ? (row.parsed.contact ?? null) : (row as Record<string, unknown>)[key];
  return out;
}

import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts, customers, followUps } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { getCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import type { Channel, Stage } from '../notes/schema.js';
import type { UserRecord } from '../users/users-service.js';
import { getFollowUp, otherConfirmed, upsertContact, writeAudit, type FollowUpRecord } from './follow-ups-repo.js';

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

type Snapshot = { stage: Stage; amount: number | null; currency: string; nextFollowUpAt: string | null; tier: 'A' | 'B' | 'C' | null; created?: boolean };

/** Who may correct a follow-up: its author, or an admin (managers' powers come with reassignment). */
export const mayChange = (followUp: Pick<FollowUpRecord, 'authorUserId'>, actor: Pick<UserRecord, 'id' | 'role'>) => followUp.authorUserId === actor.id || actor.role === 'admin';

/** Undo and edit: the two ways a rep corrects what the bot recorded. */
export function createFollowUpChanges(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function undo(input: { workspaceId: number; actor: UserRecord; followUpId: number }) {
    return db.transaction(async (tx) => {
      const followUp = await getFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status === 'undone') return { kind: 'already_undone' as const };
      const now = clock.now();
      let customer: CustomerRecord | null = null;
      if (followUp.status === 'confirmed' && followUp.customerId !== null) {
        customer = await restoreCustomer(tx, followUp, now);
      }
      await tx.update(followUps).set({ status: 'undone', updatedAt: now }).where(eq(followUps.id, followUp.id));
      await writeAudit(tx, { workspaceId: input.workspaceId, actor: input.actor.ref, action: 'follow_up.undo', subjectId: followUp.id, before: { status: followUp.status }, after: { status: 'undone' }, now });
      const undone = await getFollowUp(tx, input.workspaceId, followUp.id);
      if (!undone) throw new Error('follow-up vanished inside its transaction');
      return { kind: 'undone' as const, followUp: undone, customer };
    });
  }

  /**
   * Puts back what this follow-up changed on its customer, field by field, unless a later
   * confirmed follow-up has set that field since (its value is the newer truth). A customer the
   * follow-up created and nobody else followed up is deleted again.
   */
  async function restoreCustomer(tx: Parameters<Parameters<Db['transaction']>[0]>[0], followUp: FollowUpRecord, now: Date): Promise<CustomerRecord | null> {
    const customerId = followUp.customerId;
    if (customerId === null) return null;
    const customer = await getCustomer(tx, followUp.workspaceId, customerId);
    if (!customer) return null;
    const before = (followUp.customerBefore ?? null) as Snapshot | null;
    const others = await otherConfirmed(tx, followUp.workspaceId, customerId, followUp.id);
    if (before?.created && others.length === 0) {
      await tx.delete(contacts).where(eq(contacts.customerId, customerId));
      await tx.delete(customers).where(eq(customers.id, customerId));
      return { ...customer };
    }
    const later = others.filter((o) => o.occurredAt >= followUp.occurredAt);
    const laterSet = (field: 'stage' | 'amount' | 'nextFollowUpAt') => later.some((o) => o[field] !== null);
    const update: Partial<CustomerRecord> = {};
    if (before) {
      if (followUp.stage !== null && !laterSet('stage')) update.stage = before.stage;
      if (followUp.amount !== null && !laterSet('amount')) {
        update.amount = before.amount;
        update.currency = before.currency;
      }
      if (followUp.nextFollowUpAt !== null && !laterSet('nextFollowUpAt')) update.nextFollowUpAt = before.nextFollowUpAt ? new Date(before.nextFollowUpAt) : null;
    }
    update.lastFollowUpAt = others[0]?.occurredAt ?? null;
    await tx.update(customers).set({ ...update, updatedAt: now }).where(eq(customers.id, customerId));
    return getCustomer(tx, followUp.workspaceId, customerId);
  }

  async function edit(input: { workspaceId: number; actor: UserRecord; followUpId: number; changes: FollowUpEdit }) {
    return db.transaction(async (tx) => {
      const followUp = await getFollowUp(tx, input.workspaceId, input.followUpId);
      if (!followUp) return { kind: 'not_found' as const };
      if (!mayChange(followUp, input.actor)) return { kind: 'forbidden' as const };
      if (followUp.status === 'undone') return { kind: 'undone_already' as const };
      const now = clock.now();
      const c = input.changes;
      const set: Partial<FollowUpRecord> = { updatedAt: now };
      if (c.channel !== undefined) set.channel = c.channel;
      if (c.stage !== undefined) set.stage = c.stage;
      if (c.amount !== undefined) set.amount = c.amount;
      if (c.nextFollowUpAt !== undefined) set.nextFollowUpAt = c.nextFollowUpAt;
      if (c.nextStep !== undefined) set.nextStep = c.nextStep;
      if (c.needs !== undefined) set.needs = c.needs;
      if (c.summary !== undefined) set.summary = c.summary;
      if (c.contact !== undefined) set.parsed = { ...followUp.parsed, contact: c.contact };
      await tx.update(followUps).set(set).where(eq(followUps.id, followUp.id));

      let customer: CustomerRecord | null = null;
      if (followUp.status === 'confirmed' && followUp.customerId !== null) {
        // The correction is the rep's latest word on the customer: apply what changed.
        const customerSet: Partial<CustomerRecord> = {};
        if (c.stage) customerSet.stage = c.stage;
        if (c.amount !== undefined && c.amount !== null) customerSet.amount = c.amount;
        if (c.nextFollowUpAt !== undefined) customerSet.nextFollowUpAt = c.nextFollowUpAt;
        if (Object.keys(customerSet).length > 0) await tx.update(customers).set({ ...customerSet, updatedAt: now }).where(eq(customers.id, followUp.customerId));
        if (c.contact) {
          const contactId = await upsertContact(tx, { workspaceId: input.workspaceId, customerId: followUp.customerId, name: c.contact, phone: null, email: null, now });
          await tx.update(followUps).set({ contactId }).where(eq(followUps.id, followUp.id));
        }
        customer = await getCustomer(tx, input.workspaceId, followUp.customerId);
      }
      const edited = await getFollowUp(tx, input.workspaceId, followUp.id);
      if (!edited) throw new Error('follow-up vanished inside its transaction');
      await writeAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor.ref,
        action: 'follow_up.edit',
        subjectId: followUp.id,
        before: pick(followUp, Object.keys(c)),
        after: pick(edited, Object.keys(c)),
        now,
      });
      return { kind: 'edited' as const, followUp: edited, customer };
    });
  }

  return { undo, edit };
}

function pick(row: FollowUpRecord, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = key === 'contact' ? (row.parsed.contact ?? null) : (row as Record<string, unknown>)[key];
  return out;
}

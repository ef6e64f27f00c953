import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog, contacts, customers, followUps } from '../../db/schema/index.js';
import type { ContactRow } from '../customers/customers-repo.js';

export type FollowUpRecord = typeof followUps.$inferSelect;

export async function getFollowUp(db: DbOrTx, workspaceId: number, id: number): Promise<FollowUpRecord | null> {
  const [row] = await db
    .select()
    .from(followUps)
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.id, id)))
    .limit(1);
  return row ?? null;
}

/** The follow-up row, locked until the transaction ends; every transition decides on this read. */
/** A follow-up of this workspace with its customer's name, for showing it on a card. */
export async function getFollowUpWithCustomer(
  db: DbOrTx,
  workspaceId: number,
  id: number,
): Promise<{ followUp: FollowUpRecord; customerName: string | null } | null> {
  const [found] = await db
    .select({ followUp: followUps, customerName: customers.name })
    .from(followUps)
    .leftJoin(customers, eq(customers.id, followUps.customerId))
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.id, id)))
    .limit(1);
  return found ?? null;
}

export async function lockFollowUp(db: DbOrTx, workspaceId: number, id: number): Promise<FollowUpRecord | null> {
  const [row] = await db
    .select()
    .from(followUps)
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.id, id)))
    .limit(1)
    .for('update');
  return row ?? null;
}

export async function findBySourceMessage(db: DbOrTx, workspaceId: number, sourceMessageId: string): Promise<FollowUpRecord | null> {
  const [row] = await db
    .select()
    .from(followUps)
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.sourceMessageId, sourceMessageId)))
    .limit(1);
  return row ?? null;
}

/** Other confirmed follow-ups of a customer, newest first (by time, not id: TiDB ids are not ordered). */
export async function otherConfirmed(db: DbOrTx, workspaceId: number, customerId: number, exceptId: number): Promise<FollowUpRecord[]> {
  return db
    .select()
    .from(followUps)
    .where(
      and(
        eq(followUps.workspaceId, workspaceId),
        eq(followUps.customerId, customerId),
        eq(followUps.status, 'confirmed'),
        // A colleague's collaboration note never set the customer's fields.
        eq(followUps.collaboration, false),
        ne(followUps.id, exceptId),
      ),
    )
    .orderBy(desc(followUps.occurredAt), desc(followUps.createdAt));
}

/**
 * One contact per customer and name; phone and email fill in when first known. `created` says
 * whether this call added the row, so an undo can take it away again. Callers hold the
 * customer's lock, so no other transaction of ours adds a contact to this customer meanwhile.
 */
export async function ensureContact(
  db: DbOrTx,
  input: {
    workspaceId: number;
    customerId: number;
    name: string;
    phone: string | null;
    email: string | null;
    now: Date;
    /** The contact of that name as the caller already read it under the customer's lock (null: none); read here when absent. */
    existing?: ContactRow | null;
  },
): Promise<{ id: number; created: boolean }> {
  const name = input.name.slice(0, 100);
  const [row] =
    input.existing !== undefined
      ? input.existing
        ? [input.existing]
        : []
      : await db
          .select({ id: contacts.id, phone: contacts.phone, email: contacts.email })
          .from(contacts)
          .where(and(eq(contacts.customerId, input.customerId), eq(contacts.name, name)))
          .limit(1)
          .for('update');
  if (!row) {
    const [inserted] = await db.insert(contacts).values({
      workspaceId: input.workspaceId,
      customerId: input.customerId,
      name,
      phone: input.phone,
      email: input.email,
      createdAt: input.now,
      updatedAt: input.now,
    });
    return { id: inserted.insertId, created: true };
  }
  if ((!row.phone && input.phone) || (!row.email && input.email)) {
    await db
      .update(contacts)
      .set({ phone: row.phone ?? input.phone, email: row.email ?? input.email, updatedAt: input.now })
      .where(eq(contacts.id, row.id));
  }
  return { id: row.id, created: false };
}

/** Deletes those of `contactIds` that no follow-up other than `exceptFollowUpId` still refers to (undone ones aside). */
export async function deleteUnreferencedContacts(
  db: DbOrTx,
  workspaceId: number,
  contactIds: number[],
  exceptFollowUpId: number,
): Promise<void> {
  if (contactIds.length === 0) return;
  const referenced = await db
    .select({ contactId: followUps.contactId })
    .from(followUps)
    .where(
      and(
        eq(followUps.workspaceId, workspaceId),
        inArray(followUps.contactId, contactIds),
        ne(followUps.id, exceptFollowUpId),
        ne(followUps.status, 'undone'),
      ),
    );
  const keep = new Set(referenced.map((r) => r.contactId));
  const unused = contactIds.filter((id) => !keep.has(id));
  if (unused.length > 0) await db.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, unused)));
}

export async function writeAudit(
  db: DbOrTx,
  entry: {
    workspaceId: number;
    actor: string;
    action: string;
    subjectId: number;
    before?: unknown;
    after?: unknown;
    source?: string;
    now: Date;
  },
): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId: entry.workspaceId,
    actor: entry.actor,
    action: entry.action,
    subjectType: 'follow_up',
    subjectId: String(entry.subjectId),
    before: entry.before ?? null,
    after: entry.after ?? null,
    source: entry.source ?? 'chat',
    createdAt: entry.now,
  });
}

import { and, desc, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog, contacts, followUps } from '../../db/schema/index.js';

export type FollowUpRecord = typeof followUps.$inferSelect;

export async function getFollowUp(db: DbOrTx, workspaceId: number, id: number): Promise<FollowUpRecord | null> {
  const [row] = await db.select().from(followUps).where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.id, id))).limit(1);
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
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.customerId, customerId), eq(followUps.status, 'confirmed'), ne(followUps.id, exceptId)))
    .orderBy(desc(followUps.occurredAt), desc(followUps.createdAt));
}

/** One contact per customer and name; phone and email fill in when first known. */
export async function upsertContact(db: DbOrTx, input: { workspaceId: number; customerId: number; name: string; phone: string | null; email: string | null; now: Date }): Promise<number> {
  await db
    .insert(contacts)
    .values({ workspaceId: input.workspaceId, customerId: input.customerId, name: input.name.slice(0, 100), phone: input.phone, email: input.email, createdAt: input.now, updatedAt: input.now })
    .onDuplicateKeyUpdate({ set: { updatedAt: input.now } });
  const [row] = await db.select({ id: contacts.id, phone: contacts.phone, email: contacts.email }).from(contacts).where(and(eq(contacts.customerId, input.customerId), eq(contacts.name, input.name.slice(0, 100)))).limit(1);
  if (!row) throw new Error('contact vanished after upsert');
  if ((!row.phone && input.phone) || (!row.email && input.email)) {
    await db.update(contacts).set({ phone: row.phone ?? input.phone, email: row.email ?? input.email }).where(eq(contacts.id, row.id));
  }
  return row.id;
}

export async function writeAudit(
  db: DbOrTx,
  entry: { workspaceId: number; actor: string; action: string; subjectId: number; before?: unknown; after?: unknown; source?: string; now: Date },
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

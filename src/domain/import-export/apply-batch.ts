import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { assignments, auditLog, contacts, customerAliases, customers, followUps } from '../../db/schema/index.js';
import { auditCustomerChange } from '../audit/audit-customer-change.js';
import type { CustomerRecord } from '../customers/customers-repo.js';
import { changeOwner } from '../ownership/change-owner.js';
import type { ImportRow } from './parse-row.js';
import { planUpdate } from './plan-update.js';
import type { OwnerUser } from './resolve-owners.js';

/** The audit actor and source of everything an import writes. */
export const IMPORT_ACTOR = 'cli';
export const IMPORT_SOURCE = 'import';

export type BatchRow = { row: ImportRow; owner: OwnerUser | null; writeNote: boolean };
export type BatchOutcome = { created: number; updated: number; unchanged: number; skipped: { rowNumber: number; reason: string }[] };

/** Another writer created one of the batch's customers meanwhile: the batch is planned again. */
export class ConcurrentCreate extends Error {}

/** `import:<hash>`: the same note on the same customer of the same workspace is one follow-up, however often it is imported. */
export const noteSourceId = (workspaceId: number, normalizedName: string, note: string) =>
  `import:${createHash('sha256').update(`${workspaceId}\n${normalizedName}\n${note}`).digest('hex').slice(0, 40)}`;

type Plan = BatchRow & {
  existing: CustomerRecord | null;
  fields: ReturnType<typeof planUpdate>;
  moveTo: OwnerUser | null;
  addContact: boolean;
  noteId: string | null;
};

/**
 * Plans and (with `tx`) writes one batch of rows. Matching customers are read by normalized
 * name, then by alias, and locked (`FOR UPDATE`) when writing; new customers are inserted in one
 * statement; notes become confirmed follow-ups keyed by `noteSourceId`, so they exist once. Owner
 * changes go through `changeOwner` (assignments, reminders, audit). Without `tx` nothing is
 * written and the outcome says what would happen.
 */
export async function applyBatch(
  db: DbOrTx,
  tx: Tx | null,
  input: { workspaceId: number; rows: BatchRow[]; now: Date; timeZone: string },
): Promise<BatchOutcome> {
  const { workspaceId, now } = input;
  const q = tx ?? db;
  const names = input.rows.map((r) => r.row.normalizedName);
  const byName = await matchCustomers(q, workspaceId, names, tx !== null);
  const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, skipped: [] };

  const claimed = new Map<number, number>();
  const plans: Plan[] = [];
  for (const r of input.rows) {
    const existing = byName.get(r.row.normalizedName) ?? null;
    if (existing) {
      const first = claimed.get(existing.id);
      if (first !== undefined) {
        outcome.skipped.push({ rowNumber: r.row.rowNumber, reason: `names the same customer as row ${first} (${existing.name})` });
        continue;
      }
      claimed.set(existing.id, r.row.rowNumber);
    }
    plans.push({
      ...r,
      existing,
      fields: existing ? planUpdate(existing, r.row, input.timeZone) : {},
      moveTo: existing && r.owner && r.owner.id !== existing.ownerUserId ? r.owner : null,
      addContact: Boolean(r.row.contact),
      noteId: r.writeNote && r.row.notes ? noteSourceId(workspaceId, existing?.normalizedName ?? r.row.normalizedName, r.row.notes) : null,
    });
  }
  await dropKnownContactsAndNotes(q, workspaceId, plans);

  for (const p of plans) {
    if (!p.existing) outcome.created += 1;
    else if (Object.keys(p.fields).length || p.moveTo || p.addContact || p.noteId) outcome.updated += 1;
    else outcome.unchanged += 1;
  }
  if (!tx) return outcome;

  const ids = await insertCustomers(tx, workspaceId, plans, now);
  for (const p of plans) if (p.existing) await updateCustomer(tx, p, now);
  const customerId = (p: Plan) => p.existing?.id ?? ids.get(p.row.normalizedName)!;
  const newContacts = plans.filter((p) => p.addContact);
  if (newContacts.length) {
    await tx
      .insert(contacts)
      .ignore()
      .values(
        newContacts.map((p) => ({
          workspaceId,
          customerId: customerId(p),
          name: p.row.contact!,
          phone: p.row.phone ?? null,
          createdAt: now,
          updatedAt: now,
        })),
      );
  }
  const notes = plans.filter((p) => p.noteId && p.owner);
  if (notes.length) {
    await tx
      .insert(followUps)
      .ignore()
      .values(
        notes.map((p) => ({
          workspaceId,
          customerId: customerId(p),
          authorUserId: p.owner!.id,
          rawText: p.row.notes!,
          parsed: { source: IMPORT_SOURCE },
          summary: p.row.notes!.slice(0, 500),
          sourceMessageId: p.noteId!,
          status: 'confirmed' as const,
          occurredAt: p.row.lastFollowUpAt?.at ?? now,
          createdAt: now,
          updatedAt: now,
        })),
      );
  }
  return outcome;
}

/** The batch's customers by normalized name (an alias counts as the name), locked when writing. */
async function matchCustomers(q: DbOrTx, workspaceId: number, names: string[], lock: boolean): Promise<Map<string, CustomerRecord>> {
  const found = new Map<string, CustomerRecord>();
  if (!names.length) return found;
  const byName = q
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.normalizedName, names)));
  for (const c of await (lock ? byName.for('update') : byName)) found.set(c.normalizedName, c);
  const rest = names.filter((n) => !found.has(n));
  if (!rest.length) return found;
  const byAlias = q
    .select({ alias: customerAliases.normalizedAlias, customer: customers })
    .from(customerAliases)
    .innerJoin(customers, eq(customers.id, customerAliases.customerId))
    .where(and(eq(customerAliases.workspaceId, workspaceId), inArray(customerAliases.normalizedAlias, rest)));
  for (const r of await (lock ? byAlias.for('update') : byAlias)) found.set(r.alias, r.customer);
  return found;
}

/** Contacts the customer already has and notes already imported are not changes. */
async function dropKnownContactsAndNotes(q: DbOrTx, workspaceId: number, plans: Plan[]): Promise<void> {
  const withContact = plans.filter((p) => p.addContact && p.existing);
  if (withContact.length) {
    const rows = await q
      .select({ customerId: contacts.customerId, name: contacts.name })
      .from(contacts)
      .where(
        inArray(
          contacts.customerId,
          withContact.map((p) => p.existing!.id),
        ),
      );
    // The unique key compares names case-insensitively (utf8mb4_unicode_ci); so does this.
    const known = new Set(rows.map((r) => `${r.customerId}\n${r.name.toLowerCase()}`));
    for (const p of withContact) if (known.has(`${p.existing!.id}\n${p.row.contact!.toLowerCase()}`)) p.addContact = false;
  }
  const ids = plans.flatMap((p) => (p.noteId ? [p.noteId] : []));
  if (ids.length) {
    const rows = await q
      .select({ id: followUps.sourceMessageId })
      .from(followUps)
      .where(and(eq(followUps.workspaceId, workspaceId), inArray(followUps.sourceMessageId, ids)));
    const known = new Set(rows.map((r) => r.id));
    for (const p of plans) if (p.noteId && known.has(p.noteId)) p.noteId = null;
  }
}

/** New customers in one INSERT, with their `create` assignment and audit rows; their ids by normalized name. */
async function insertCustomers(tx: Tx, workspaceId: number, plans: Plan[], now: Date): Promise<Map<string, number>> {
  const fresh = plans.filter((p) => !p.existing);
  const ids = new Map<string, number>();
  if (!fresh.length) return ids;
  const [result] = await tx
    .insert(customers)
    .ignore()
    .values(
      fresh.map(({ row, owner }) => ({
        workspaceId,
        name: row.name,
        normalizedName: row.normalizedName,
        stage: row.stage ?? 'lead',
        tier: row.tier ?? null,
        tags: row.tags ?? [],
        amount: row.amount?.amount ?? null,
        currency: row.amount?.currency ?? 'CNY',
        ownerUserId: owner?.id ?? null,
        teamId: owner?.teamId ?? null,
        pooledAt: owner ? null : now,
        phone: row.phone ?? null,
        lastFollowUpAt: row.lastFollowUpAt?.at ?? null,
        nextFollowUpAt: row.nextFollowUpAt?.at ?? null,
        createdAt: now,
        updatedAt: now,
      })),
    );
  if (result.affectedRows !== fresh.length) throw new ConcurrentCreate('a customer of the batch was created meanwhile');
  const rows = await tx
    .select({ id: customers.id, normalizedName: customers.normalizedName })
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        inArray(
          customers.normalizedName,
          fresh.map((p) => p.row.normalizedName),
        ),
      ),
    );
  for (const r of rows) ids.set(r.normalizedName, r.id);
  const owned = fresh.filter((p) => p.owner);
  if (owned.length) {
    await tx.insert(assignments).values(
      owned.map((p) => ({
        workspaceId,
        customerId: ids.get(p.row.normalizedName)!,
        fromUserId: null,
        toUserId: p.owner!.id,
        reason: 'create' as const,
        actorUserId: null,
        createdAt: now,
      })),
    );
  }
  await tx.insert(auditLog).values(
    fresh.map((p) => ({
      workspaceId,
      actor: IMPORT_ACTOR,
      action: 'customer.create',
      subjectType: 'customer',
      subjectId: String(ids.get(p.row.normalizedName)),
      before: null,
      after: { ownerUserId: p.owner?.id ?? null, teamId: p.owner?.teamId ?? null, stage: p.row.stage ?? 'lead' },
      source: IMPORT_SOURCE,
      createdAt: now,
    })),
  );
  return ids;
}

/** The changed fields (stage and amount audited), then the owner through `changeOwner`. */
async function updateCustomer(tx: Tx, p: Plan, now: Date): Promise<void> {
  let current = p.existing!;
  if (Object.keys(p.fields).length) {
    await tx
      .update(customers)
      .set({ ...p.fields, updatedAt: now })
      .where(eq(customers.id, current.id));
    const after = { ...current, ...p.fields, updatedAt: now };
    await auditCustomerChange(tx, { before: current, after, actor: IMPORT_ACTOR, source: IMPORT_SOURCE, now });
    current = after;
  }
  if (p.moveTo) {
    await changeOwner(tx, {
      customer: current,
      to: p.moveTo,
      reason: 'reassign',
      actorUserId: null,
      actorRef: IMPORT_ACTOR,
      source: IMPORT_SOURCE,
      now,
    });
  }
}

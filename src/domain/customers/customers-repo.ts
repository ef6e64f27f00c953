import { and, asc, desc, eq, exists, getTableColumns, gt, like, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { reusableQuery, slot } from '../../db/reusable-query.js';
import { contacts, customerAliases, customers, notePrompts, reminders } from '../../db/schema/index.js';
import { openAnsweredBy } from '../reminder-actions/card-state.js';
import { normalizeCustomerName } from './normalize-name.js';

export type CustomerRecord = typeof customers.$inferSelect;

/** A contact of the customer by name, as `ensureContact` needs it: null when there is none. */
export type ContactRow = { id: number; phone: string | null; email: string | null };

/** The locked customer with what a note about it needs to know, read in the same statement. */
export type LockedForNote = {
  customer: CustomerRecord;
  /** The note's contact (`contactName`), locked with the customer; null when the customer has none by that name. */
  contact: ContactRow | null;
  /** Whether the customer has open due or quiet reminders, which the note answers (`closeAnswered`). */
  openReminders: boolean;
  /** Whether `promptOf`'s user has an open note prompt (`openPrompt`); false when not asked. */
  openPrompt: boolean;
};

/**
 * `lockCustomer` for a note: the customer row locked, and in the same statement the note's contact
 * (locked too), whether open reminders wait for a follow-up and, with `promptOf`, whether that user
 * has an open note prompt (`openPrompt`'s condition). The two checks are plain reads (a locking
 * clause does not reach a subquery): a reminder the scan inserts after it is not answered by this
 * note, as it would not be by the UPDATE the check replaces, run a moment later.
 */
export async function lockCustomerForNote(
  db: DbOrTx,
  workspaceId: number,
  id: number,
  opts: { contactName: string | null; promptOf?: { userId: number; now: Date } },
): Promise<LockedForNote | null> {
  const { promptOf, contactName } = opts;
  const values = { workspaceId, id, contactName, promptUserId: promptOf?.userId ?? 0, now: promptOf?.now ?? new Date(0) };
  const statement = lockForNoteStatements[`${contactName === null ? 'plain' : 'contact'}${promptOf ? 'AndPrompt' : ''}`];
  const [row] = await statement(db, values);
  return row
    ? { customer: row.customer, contact: row.contact ?? null, openReminders: row.openReminders === 1, openPrompt: row.openPrompt === 1 }
    : null;
}

type LockForNoteValues = { workspaceId: number; id: number; contactName: string | null; promptUserId: number; now: Date };

/** `lockCustomerForNote`'s four statements (with or without the contact, with or without the prompt check), each built once. */
function lockForNoteStatement(withContact: boolean, withPrompt: boolean) {
  return reusableQuery<
    { customer: CustomerRecord; contact?: ContactRow | null; openReminders: number; openPrompt: number }[],
    LockForNoteValues
  >((db) => {
    const flag = (query: Parameters<typeof exists>[0]) => sql<number>`${exists(query)}`.mapWith(Number);
    const openReminders = flag(
      db
        .select({ one: sql`1` })
        .from(reminders)
        .where(openAnsweredBy(customers.id)),
    );
    const openPrompt = withPrompt
      ? flag(
          db
            .select({ one: sql`1` })
            .from(notePrompts)
            .where(
              and(
                eq(notePrompts.workspaceId, slot('workspaceId')),
                eq(notePrompts.userId, slot('promptUserId')),
                gt(notePrompts.expiresAt, slot('now')),
              ),
            ),
        )
      : sql<number>`0`.mapWith(Number);
    const where = and(eq(customers.workspaceId, slot('workspaceId')), eq(customers.id, slot('id')));
    if (!withContact)
      return db.select({ customer: customers, openReminders, openPrompt }).from(customers).where(where).limit(1).for('update');
    return db
      .select({
        customer: customers,
        contact: { id: contacts.id, phone: contacts.phone, email: contacts.email },
        openReminders,
        openPrompt,
      })
      .from(customers)
      .leftJoin(contacts, and(eq(contacts.customerId, customers.id), eq(contacts.name, slot('contactName'))))
      .where(where)
      .limit(1)
      .for('update');
  });
}
const lockForNoteStatements = {
  plain: lockForNoteStatement(false, false),
  plainAndPrompt: lockForNoteStatement(false, true),
  contact: lockForNoteStatement(true, false),
  contactAndPrompt: lockForNoteStatement(true, true),
};

export async function getCustomer(db: DbOrTx, workspaceId: number, id: number): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, id)))
    .limit(1);
  return row ?? null;
}

/**
 * The customer row, locked until the transaction ends (`SELECT … FOR UPDATE`). A locking read
 * returns the latest committed row, so what a transition decides on cannot change under it.
 */
export async function lockCustomer(db: DbOrTx, workspaceId: number, id: number): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, id)))
    .limit(1)
    .for('update');
  return row ?? null;
}

/** The customer with this normalized name, locked like `lockCustomer`. */
export async function lockCustomerByNormalizedName(
  db: DbOrTx,
  workspaceId: number,
  normalizedName: string,
): Promise<CustomerRecord | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.normalizedName, normalizedName)))
    .limit(1)
    .for('update');
  return row ?? null;
}

/**
 * By normalized name, else by alias (`customer_aliases`): one statement, the two indexed lookups
 * joined by UNION ALL, the name's row first.
 */
export async function findCustomerByName(db: DbOrTx, workspaceId: number, name: string): Promise<CustomerRecord | null> {
  const normalized = normalizeCustomerName(name);
  if (!normalized) return null;
  const columns = getTableColumns(customers);
  const nameMatch = db
    .select({ ...columns, byAlias: sql<number>`0`.as('by_alias') })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.normalizedName, normalized)));
  const aliasMatch = db
    .select({ ...columns, byAlias: sql<number>`1`.as('by_alias') })
    .from(customerAliases)
    .innerJoin(customers, eq(customers.id, customerAliases.customerId))
    .where(and(eq(customerAliases.workspaceId, workspaceId), eq(customerAliases.normalizedAlias, normalized)));
  const [found] = await nameMatch
    .unionAll(aliasMatch)
    .orderBy(asc(sql`by_alias`))
    .limit(1);
  if (!found) return null;
  const { byAlias: _byAlias, ...customer } = found;
  return customer;
}

/** `/查 云帆`: exact normalized name first, then names containing the query. */
export async function searchCustomers(db: DbOrTx, workspaceId: number, query: string, limit = 6): Promise<CustomerRecord[]> {
  // A query of punctuation only (`%`, `_`, `*`) normalizes to '': `LIKE '%%'` would match every
  // customer, so it matches none. Both patterns below are escaped: the query is never a pattern.
  const normalized = normalizeCustomerName(query);
  if (!normalized) return [];
  const exact = await findCustomerByName(db, workspaceId, query);
  if (exact) return [exact];
  const escape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        or(like(customers.name, `%${escape(query.trim())}%`), like(customers.normalizedName, `%${escape(normalized)}%`)),
      ),
    )
    .orderBy(desc(customers.lastFollowUpAt))
    .limit(limit);
}

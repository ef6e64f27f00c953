import { and, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { DbOrTx } from '../../db/client.js';
import { contacts, customers, followUps, users } from '../../db/schema/index.js';

type Stage = (typeof customers.$inferSelect)['stage'];
type Tier = (typeof customers.$inferSelect)['tier'];

/**
 * One customer as a reminder card shows it: its facts, a contact, the last follow-up (when, who,
 * one line) and the planned next step. `nextFollowUpAt`/`lastFollowUpAt` are the times the card's
 * buttons carry (`ReminderRef`), so a click after anything changed finds the card spent.
 */
export type ReminderView = {
  customer: {
    id: number;
    workspaceId: number;
    name: string;
    stage: Stage;
    tier: Tier;
    amount: number | null;
    currency: string;
    ownerUserId: number | null;
    nextFollowUpAt: Date | null;
    lastFollowUpAt: Date | null;
    createdAt: Date;
  };
  contact: { name: string; title: string | null; phone: string | null } | null;
  lastFollowUp: { at: Date; authorName: string | null; summary: string } | null;
  /** The planned next step of the last follow-up, when it named one. */
  nextStep: string | null;
};

/**
 * The views of these customers of one workspace (missing ids are left out), in the order asked.
 * Three indexed reads whatever the count: customers by primary key, their last confirmed own
 * follow-up through `follow_ups_customer_time_idx`, and their contacts.
 */
export async function loadReminderViews(db: DbOrTx, workspaceId: number, customerIds: readonly number[]): Promise<ReminderView[]> {
  if (customerIds.length === 0) return [];
  const rows = await db
    .select({
      id: customers.id,
      workspaceId: customers.workspaceId,
      name: customers.name,
      stage: customers.stage,
      tier: customers.tier,
      amount: customers.amount,
      currency: customers.currency,
      ownerUserId: customers.ownerUserId,
      nextFollowUpAt: customers.nextFollowUpAt,
      lastFollowUpAt: customers.lastFollowUpAt,
      createdAt: customers.createdAt,
      phone: customers.phone,
    })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, [...customerIds])));
  const last = await lastFollowUps(db, workspaceId, customerIds);
  const contactRows = await db
    .select({ customerId: contacts.customerId, id: contacts.id, name: contacts.name, title: contacts.title, phone: contacts.phone })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.customerId, [...customerIds])));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const views: ReminderView[] = [];
  for (const id of customerIds) {
    const row = byId.get(id);
    if (!row) continue;
    const f = last.get(id);
    // The contact the last follow-up spoke to, else the customer's first contact.
    const own = contactRows.filter((c) => c.customerId === id).sort((a, b) => a.id - b.id);
    const contact = own.find((c) => c.id === f?.contactId) ?? own[0] ?? null;
    const { phone, ...customer } = row;
    views.push({
      customer,
      contact: contact ? { name: contact.name, title: contact.title, phone: contact.phone ?? phone } : null,
      lastFollowUp: f ? { at: f.occurredAt, authorName: f.authorName, summary: f.summary } : null,
      nextStep: f?.nextStep ?? null,
    });
  }
  return views;
}

/** One customer's view, or null when it is not in the workspace. */
export async function loadReminderView(db: DbOrTx, workspaceId: number, customerId: number): Promise<ReminderView | null> {
  const [view] = await loadReminderViews(db, workspaceId, [customerId]);
  return view ?? null;
}

/** The latest confirmed follow-up of each customer that is its own (not a colleague's collaboration note). */
async function lastFollowUps(db: DbOrTx, workspaceId: number, customerIds: readonly number[]) {
  const author = alias(users, 'author');
  // Written out: the correlated subquery must name the outer row's table explicitly.
  const latestId = sql`(select f2.id from follow_ups f2 where f2.workspace_id = ${workspaceId} and f2.customer_id = ${followUps.customerId} and f2.status = 'confirmed' and f2.collaboration = 0 order by f2.occurred_at desc, f2.id desc limit 1)`;
  const rows = await db
    .select({
      customerId: followUps.customerId,
      occurredAt: followUps.occurredAt,
      summary: followUps.summary,
      nextStep: followUps.nextStep,
      contactId: followUps.contactId,
      authorName: author.name,
    })
    .from(followUps)
    .leftJoin(author, eq(author.id, followUps.authorUserId))
    .where(and(eq(followUps.workspaceId, workspaceId), inArray(followUps.customerId, [...customerIds]), eq(followUps.id, latestId)));
  return new Map(rows.map((r) => [r.customerId ?? 0, r]));
}

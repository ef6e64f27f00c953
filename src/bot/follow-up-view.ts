import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { customers, followUps } from '../db/schema/index.js';
import type { FollowUpView } from './cards/follow-up-cards.js';

type FollowUpRow = typeof followUps.$inferSelect;

/** What a card shows of a stored follow-up; the contact name lives in the parsed draft. */
export function toFollowUpView(row: FollowUpRow, customerName: string | null): FollowUpView {
  const contact = typeof row.parsed.contact === 'string' ? row.parsed.contact : null;
  return {
    id: row.id,
    customerName,
    contact,
    channel: row.channel,
    stage: row.stage,
    amount: row.amount,
    currency: row.currency,
    nextFollowUpAt: row.nextFollowUpAt,
    nextStep: row.nextStep,
    needs: row.needs,
    summary: row.summary,
  };
}

/** Loads a follow-up of this workspace with its customer's name, for re-rendering a card. */
export async function loadFollowUp(db: Db, workspaceId: number, id: number): Promise<{ row: FollowUpRow; view: FollowUpView } | null> {
  const [found] = await db
    .select({ row: followUps, customerName: customers.name })
    .from(followUps)
    .leftJoin(customers, eq(customers.id, followUps.customerId))
    .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.id, id)))
    .limit(1);
  if (!found) return null;
  const proposed = typeof found.row.parsed.customer === 'string' ? found.row.parsed.customer : null;
  return { row: found.row, view: toFollowUpView(found.row, found.customerName ?? proposed) };
}

import type { FollowUpRecord } from '../domain/follow-ups/follow-ups-repo.js';
import type { FollowUpView } from './cards/follow-up-cards.js';

/** What a card shows of a stored follow-up; the contact name lives in the parsed draft. */
export function toFollowUpView(row: FollowUpRecord, customerName: string | null): FollowUpView {
  const contact = typeof row.parsed.contact === 'string' ? row.parsed.contact : null;
  const proposed = typeof row.parsed.customer === 'string' ? row.parsed.customer : null;
  return {
    id: row.id,
    customerName: customerName ?? (row.customerId === null ? proposed : null),
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

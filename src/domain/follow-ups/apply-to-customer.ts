import type { CustomerRecord } from '../customers/customers-repo.js';

/** The fields a follow-up can set on its customer. */
export type CustomerEffect = {
  stage?: CustomerRecord['stage'];
  amount?: number;
  currency?: string;
  nextFollowUpAt?: Date;
  tier?: 'A' | 'B' | 'C';
  tags?: string[];
  phone?: string;
  email?: string;
};

/**
 * The customer update a confirmed follow-up causes: only what the note states changes; tags are
 * merged; the last follow-up time only moves forward. Pure, so it is tested without a database.
 */
export function customerUpdate(customer: CustomerRecord, effect: CustomerEffect, occurredAt: Date): Partial<CustomerRecord> {
  const update: Partial<CustomerRecord> = {};
  if (effect.stage) update.stage = effect.stage;
  if (effect.amount !== undefined) {
    update.amount = effect.amount;
    update.currency = effect.currency ?? customer.currency;
  }
  if (effect.nextFollowUpAt) update.nextFollowUpAt = effect.nextFollowUpAt;
  if (effect.tier) update.tier = effect.tier;
  if (effect.tags && effect.tags.some((t) => !customer.tags.includes(t))) update.tags = [...new Set([...customer.tags, ...effect.tags])];
  if (effect.phone && !customer.phone) update.phone = effect.phone;
  if (effect.email && !customer.email) update.email = effect.email;
  if (!customer.lastFollowUpAt || customer.lastFollowUpAt < occurredAt) update.lastFollowUpAt = occurredAt;
  return update;
}

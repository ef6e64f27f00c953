import type { CustomerRecord } from '../customers/customers-repo.js';
import type { FollowUpRecord } from './follow-ups-repo.js';
import { readNoteEffect, type NoteEffect, type UndoSnapshot } from './undo-snapshot.js';

type OtherFollowUp = Pick<FollowUpRecord, 'occurredAt' | 'stage' | 'amount' | 'nextFollowUpAt' | 'parsed'>;
export type CustomerField = 'stage' | 'amount' | 'nextFollowUpAt' | 'tier';

/**
 * The customer fields that a confirmed follow-up at or after `occurredAt` has set: its value is
 * the newer truth, so neither undoing nor editing an older follow-up may overwrite it.
 */
export function fieldsSetLater(occurredAt: Date, others: OtherFollowUp[]): Set<CustomerField> {
  const set = new Set<CustomerField>();
  for (const other of others) {
    if (other.occurredAt < occurredAt) continue;
    if (other.stage !== null) set.add('stage');
    if (other.amount !== null) set.add('amount');
    if (other.nextFollowUpAt !== null) set.add('nextFollowUpAt');
    if (readNoteEffect(other.parsed).tier !== null) set.add('tier');
  }
  return set;
}

/**
 * The customer update that undoes one follow-up, given the snapshot taken when it was applied and
 * the customer's other confirmed follow-ups. Pure, so it is tested without a database.
 * - stage, amount, next follow-up date and tier go back unless a later follow-up set them;
 * - tags it added go, unless another confirmed follow-up states them too;
 * - phone and email it filled go, unless another confirmed follow-up states the same value
 *   (older snapshots did not record them: left alone);
 * - the last follow-up time becomes the newest remaining one.
 */
export function planRestore(input: {
  followUp: Pick<FollowUpRecord, 'occurredAt' | 'stage' | 'amount' | 'nextFollowUpAt'>;
  note: NoteEffect;
  snapshot: UndoSnapshot | null;
  customer: CustomerRecord;
  others: OtherFollowUp[];
}): Partial<CustomerRecord> {
  const { followUp, note, snapshot: before, customer, others } = input;
  const update: Partial<CustomerRecord> = { lastFollowUpAt: latest(others) };
  if (!before) return update;
  const later = fieldsSetLater(followUp.occurredAt, others);
  const othersSay = others.map((o) => readNoteEffect(o.parsed));
  if (followUp.stage !== null && !later.has('stage')) update.stage = before.stage;
  if (followUp.amount !== null && !later.has('amount')) {
    update.amount = before.amount;
    update.currency = before.currency;
  }
  if (followUp.nextFollowUpAt !== null && !later.has('nextFollowUpAt'))
    update.nextFollowUpAt = before.nextFollowUpAt ? new Date(before.nextFollowUpAt) : null;
  if (note.tier !== null && customer.tier === note.tier && before.tier !== note.tier && !later.has('tier')) update.tier = before.tier;
  const added = note.tags.filter((t) => !before.tags.includes(t) && !othersSay.some((o) => o.tags.includes(t)));
  if (customer.tags.some((t) => added.includes(t))) update.tags = customer.tags.filter((t) => !added.includes(t));
  for (const field of ['phone', 'email'] as const) {
    const value = note[field];
    const filled = before[field] === null && value !== null && customer[field] === value;
    if (filled && !othersSay.some((o) => o[field] === value)) update[field] = null;
  }
  return update;
}

function latest(others: OtherFollowUp[]): Date | null {
  let newest: Date | null = null;
  for (const o of others) if (!newest || o.occurredAt > newest) newest = o.occurredAt;
  return newest;
}

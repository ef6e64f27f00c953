import type { CustomerRecord } from '../customers/customers-repo.js';
import type { ImportRow } from './parse-row.js';
import { sameDate } from './read-values.js';

type Fields = Partial<
  Pick<CustomerRecord, 'stage' | 'tier' | 'tags' | 'amount' | 'currency' | 'phone' | 'lastFollowUpAt' | 'nextFollowUpAt'>
>;

const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((t) => b.includes(t));

/**
 * What a row changes on an existing customer: only its filled cells, and only where they differ
 * from the stored value (a bare day in a date cell matches any time that day). The last
 * follow-up only moves forward: a sheet older than the bot's own notes cannot take it back.
 * The owner is compared separately (see `import-customers.ts`). Pure.
 */
export function planUpdate(existing: CustomerRecord, row: ImportRow, timeZone: string): Fields {
  const set: Fields = {};
  if (row.stage && row.stage !== existing.stage) set.stage = row.stage;
  if (row.tier && row.tier !== existing.tier) set.tier = row.tier;
  if (row.tags && !sameTags(row.tags, existing.tags)) set.tags = row.tags;
  if (row.amount && (row.amount.amount !== existing.amount || row.amount.currency !== existing.currency)) {
    set.amount = row.amount.amount;
    set.currency = row.amount.currency;
  }
  if (row.phone && row.phone !== existing.phone) set.phone = row.phone;
  const last = row.lastFollowUpAt;
  if (last && !sameDate(existing.lastFollowUpAt, last, timeZone) && (!existing.lastFollowUpAt || last.at > existing.lastFollowUpAt)) {
    set.lastFollowUpAt = last.at;
  }
  const next = row.nextFollowUpAt;
  if (next && !sameDate(existing.nextFollowUpAt, next, timeZone)) set.nextFollowUpAt = next.at;
  return set;
}

import { usableCustomerName } from '../customers/normalize-name.js';
import type { ParsedNote } from '../notes/schema.js';

/** Below this the parser is guessing at the name: ask rather than create a customer from it. */
const MIN_CONFIDENCE_TO_CREATE = 0.6;
/** A known customer is taken without asking only this sure, and this far ahead of the next. */
const KNOWN_SCORE = 0.85;
const KNOWN_MARGIN = 0.1;

export type CustomerDecision =
  | { kind: 'existing'; customerId: number }
  | { kind: 'create'; name: string }
  | { kind: 'ask'; candidates: { id: number; name: string }[] }
  | { kind: 'none' };

/**
 * Which customer a note is about. Pure: the parser's draft plus the id of an exact-name match
 * in, a decision out. `ask` makes the bot show candidate buttons and a "new customer" button.
 * A name of punctuation only (`客户：。。。`) is no name: it never becomes a customer.
 */
export function decideCustomer(
  draft: Pick<ParsedNote, 'customer' | 'confidence' | 'customerCandidates' | 'contact'>,
  exactMatchId: number | null,
): CustomerDecision {
  if (exactMatchId !== null) return { kind: 'existing', customerId: exactMatchId };
  const usableName = usableCustomerName(draft.customer);
  const candidates = draft.customerCandidates
    .map((c) => ({ id: Number(c.id), name: c.name, score: c.score }))
    .filter((c) => Number.isSafeInteger(c.id));
  const [top, second] = candidates;
  const strong = candidates.filter((c) => c.score >= KNOWN_SCORE);
  const ask = () => ({ kind: 'ask' as const, candidates: candidates.slice(0, 4).map(({ id, name }) => ({ id, name })) });
  if (top && top.score >= KNOWN_SCORE && (!second || top.score - second.score >= KNOWN_MARGIN))
    return { kind: 'existing', customerId: top.id };
  if (strong.length > 1) return ask();
  // A confident, specific new name beats loose resemblances (云帆物流 when 云帆科技 is known).
  if (usableName && draft.confidence >= MIN_CONFIDENCE_TO_CREATE) return { kind: 'create', name: usableName };
  if (candidates.length > 0) return ask();
  // No organisation, but a person (a B2C walk-in): ask, so the rep picks or creates the customer.
  if (!usableName) return draft.contact ? { kind: 'ask', candidates: [] } : { kind: 'none' };
  return { kind: 'ask', candidates: [] };
}

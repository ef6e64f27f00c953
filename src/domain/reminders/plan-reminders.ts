import type { Candidate } from './scan-reminders.js';

/** Customers a summary card names (the most overdue first); it counts the others. */
export const SUMMARY_NAMED = 5;

/** One rep's reminders of a run: the cards (most overdue first) and the rest, listed in one summary. */
export type RepPlan = { cards: Candidate[]; summary: Candidate[] };

const time = (d: Date | null) => d?.getTime() ?? 0;

/** Most overdue first: due by next follow-up time ascending, then quiet by baseline ascending; ties by id. */
export function byUrgency(a: Candidate, b: Candidate): number {
  if (a.kind !== b.kind) return a.kind === 'due' ? -1 : 1;
  const at = a.kind === 'due' ? time(a.nextAt) - time(b.nextAt) : a.subjectAt.getTime() - b.subjectAt.getTime();
  return at !== 0 ? at : a.customerId - b.customerId;
}

/** At most `maxCards` cards per rep per run; the rest go in the summary. Pure. */
export function planRep(candidates: readonly Candidate[], maxCards: number): RepPlan {
  const sorted = [...candidates].sort(byUrgency);
  return { cards: sorted.slice(0, maxCards), summary: sorted.slice(maxCards) };
}

/** Candidates by owner, each owner's in no particular order. */
export function groupByOwner(candidates: readonly Candidate[]): Map<number, Candidate[]> {
  const out = new Map<number, Candidate[]>();
  for (const c of candidates) {
    const list = out.get(c.ownerUserId);
    if (list) list.push(c);
    else out.set(c.ownerUserId, [c]);
  }
  return out;
}

/**
 * A recipient's delay within the spread window, the same on every run and replica (FNV-1a of the
 * user id), so one rep's cards leave together and in order while reps are spread apart.
 */
export function spreadOffsetMs(userId: number, spreadMinutes: number): number {
  const windowMs = spreadMinutes * 60_000;
  if (windowMs <= 0) return 0;
  let h = 0x811c9dc5;
  for (const ch of String(userId)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Whole seconds: enough to spread, and readable in the outbox.
  return (h % Math.max(1, Math.floor(windowMs / 1000))) * 1000;
}

/** A possible new owner of a spread handover and how many customers they own right now. */
export type SpreadRecipient = { id: number; owned: number };

/**
 * `/交接 @A 平均分配`: who gets which customer. Fewest customers first: each customer goes to the
 * recipient who owns the fewest at that moment, counting what this plan already gave them; ties go
 * to the lower user id, so the plan is the same on every run. Pure, so a resumed run that re-reads
 * the owners' counts continues the same levelling.
 */
export function planSpread(customerIds: readonly number[], recipients: readonly SpreadRecipient[]): Map<number, number> {
  const plan = new Map<number, number>();
  if (recipients.length === 0) return plan;
  const load = recipients.map((r) => ({ ...r })).sort((a, b) => a.owned - b.owned || a.id - b.id);
  for (const customerId of customerIds) {
    // n ≤ 500 customers a batch and a team of tens: a linear scan beats keeping a heap.
    let best = load[0]!;
    for (const r of load) if (r.owned < best.owned || (r.owned === best.owned && r.id < best.id)) best = r;
    plan.set(customerId, best.id);
    best.owned += 1;
  }
  return plan;
}

/** How many customers each recipient gets from a plan, in the recipients' order (for cards and dry runs). */
export function tally(plan: ReadonlyMap<number, number>, recipientIds: readonly number[]): { id: number; count: number }[] {
  const counts = new Map<number, number>(recipientIds.map((id) => [id, 0]));
  for (const to of plan.values()) counts.set(to, (counts.get(to) ?? 0) + 1);
  return [...counts].map(([id, count]) => ({ id, count }));
}

import type { CustomerRow, Person, Stage } from './figures.js';

export type RiskRules = { quietDays: { A: number; B: number; C: number }; atRiskDays: number };

export type AtRiskCustomer = {
  customerId: number;
  name: string;
  stage: Stage;
  amount: number | null;
  owner: Person | null;
  ownerId: number;
  /** Whole days since the next follow-up was due (0: not overdue, or less than a day). */
  overdueDays: number;
  /** Whole days since the last follow-up (or since it was created, if never). */
  silentDays: number;
  /** The silence allowed: the tier's quiet days, never more than `digest.atRiskDays`. */
  quietLimit: number;
  score: number;
};

export const AT_RISK_LIMIT = 5;
const DAY_MS = 86_400_000;

/**
 * The customers most at risk, most urgent first. A customer qualifies when its next follow-up is
 * overdue or it has been silent past its quiet limit (the tier's `reminders.quietDays`, capped at
 * `digest.atRiskDays`, untiered as C). Its score is the days it is late (the larger of days overdue
 * and days past the quiet limit), plus one, weighted by the deal's size:
 * `(lateDays + 1) × (1 + log10(1 + amount / 10,000))`, so a ¥1,000,000 deal 10 days late
 * (11 × 3.0 = 33) outranks a deal without amount 25 days late (26), while a large deal one day late
 * (2 × 3.0 = 6) does not outrank a small one three weeks late. Ties: larger amount, then lower id.
 */
export function rankAtRisk(
  open: CustomerRow[],
  ctx: { asOf: Date; rules: RiskRules; ownerOf: (id: number) => Person | null; limit?: number },
): AtRiskCustomer[] {
  const asOf = ctx.asOf.getTime();
  const days = (ms: number) => Math.max(0, Math.floor(ms / DAY_MS));
  const out: AtRiskCustomer[] = [];
  for (const c of open) {
    if (c.ownerUserId === null) continue;
    const quietLimit = Math.min(ctx.rules.quietDays[c.tier ?? 'C'], ctx.rules.atRiskDays);
    const silentDays = days(asOf - (c.lastFollowUpAt ?? c.createdAt).getTime());
    const overdue = c.nextFollowUpAt !== null && c.nextFollowUpAt.getTime() < asOf;
    if (!overdue && silentDays < quietLimit) continue;
    const overdueDays = overdue ? days(asOf - c.nextFollowUpAt!.getTime()) : 0;
    const lateDays = Math.max(overdueDays, silentDays >= quietLimit ? silentDays - quietLimit : 0);
    const score = (lateDays + 1) * (1 + Math.log10(1 + (c.amount ?? 0) / 10_000));
    out.push({
      customerId: c.id,
      name: c.name,
      stage: c.stage,
      amount: c.amount,
      owner: ctx.ownerOf(c.ownerUserId),
      ownerId: c.ownerUserId,
      overdueDays,
      silentDays,
      quietLimit,
      score: Math.round(score * 100) / 100,
    });
  }
  out.sort((a, b) => b.score - a.score || (b.amount ?? 0) - (a.amount ?? 0) || a.customerId - b.customerId);
  return out.slice(0, ctx.limit ?? AT_RISK_LIMIT);
}

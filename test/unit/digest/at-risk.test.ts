import { describe, expect, it } from 'vitest';
import { rankAtRisk } from '../../../src/domain/digest/at-risk.js';
import type { CustomerRow } from '../../../src/domain/digest/figures.js';

const AS_OF = new Date('2026-11-23T00:00:00Z');
const daysBefore = (n: number) => new Date(AS_OF.getTime() - n * 86_400_000);
const rules = { quietDays: { A: 7, B: 14, C: 30 }, atRiskDays: 21 };
let nextId = 1;
const customer = (v: Partial<CustomerRow>): CustomerRow => ({
  id: nextId++,
  name: `c${nextId}`,
  ownerUserId: 1,
  tier: null,
  stage: 'quote',
  amount: null,
  lastFollowUpAt: daysBefore(1),
  nextFollowUpAt: null,
  createdAt: daysBefore(100),
  ...v,
});
const rank = (rows: CustomerRow[], limit?: number) =>
  rankAtRisk(rows, { asOf: AS_OF, rules, ownerOf: () => null, ...(limit ? { limit } : {}) }).map((r) => r.name);

describe('at-risk ranking: days late, weighted by amount', () => {
  it('leaves out customers neither overdue nor past their quiet limit, and the pool', () => {
    const fine = customer({ name: 'fine', tier: 'A', lastFollowUpAt: daysBefore(6) });
    const pooled = customer({ name: 'pool', ownerUserId: null, nextFollowUpAt: daysBefore(5) });
    const due = customer({ name: 'due', nextFollowUpAt: daysBefore(0.5) });
    expect(rank([fine, pooled, due])).toEqual(['due']);
  });

  it('caps the quiet limit at atRiskDays and counts an untiered customer as C', () => {
    const c20 = customer({ name: 'c20', lastFollowUpAt: daysBefore(20) });
    const c21 = customer({ name: 'c21', lastFollowUpAt: daysBefore(21) });
    const neverFollowed = customer({ name: 'never', lastFollowUpAt: null, createdAt: daysBefore(25) });
    expect(rank([c20, c21, neverFollowed])).toEqual(['never', 'c21']);
  });

  it('a large deal a little late does not outrank a small one long late; a large one as late does', () => {
    const bigSoon = customer({ name: 'bigSoon', amount: 1_000_000, nextFollowUpAt: daysBefore(1) });
    const smallLong = customer({ name: 'smallLong', amount: 0, nextFollowUpAt: daysBefore(20) });
    const bigLong = customer({ name: 'bigLong', amount: 1_000_000, nextFollowUpAt: daysBefore(10) });
    expect(rank([bigSoon, smallLong, bigLong])).toEqual(['bigLong', 'smallLong', 'bigSoon']);
  });

  it('takes the larger of days overdue and days past the quiet limit; ties go to the larger amount, then the older id', () => {
    const overdue = customer({ name: 'overdue', tier: 'A', lastFollowUpAt: daysBefore(8), nextFollowUpAt: daysBefore(5) });
    const quiet = customer({ name: 'quiet', tier: 'A', lastFollowUpAt: daysBefore(12) });
    const [o, q] = rankAtRisk([overdue, quiet], { asOf: AS_OF, rules, ownerOf: () => null });
    expect([o?.name, o?.overdueDays, o?.score]).toEqual(['overdue', 5, 6]);
    expect([q?.name, q?.overdueDays, q?.silentDays, q?.score]).toEqual(['quiet', 0, 12, 6]);
    const tieSmall = customer({ name: 'tieSmall', amount: 10, nextFollowUpAt: daysBefore(3) });
    const tieFirst = customer({ name: 'tieFirst', nextFollowUpAt: daysBefore(3) });
    const tieSecond = customer({ name: 'tieSecond', nextFollowUpAt: daysBefore(3) });
    expect(rank([tieSecond, tieFirst, tieSmall].reverse())).toEqual(['tieSmall', 'tieFirst', 'tieSecond']);
  });

  it('keeps five', () => {
    const rows = Array.from({ length: 8 }, (_, i) => customer({ name: `n${i}`, nextFollowUpAt: daysBefore(i + 1) }));
    expect(rank(rows)).toEqual(['n7', 'n6', 'n5', 'n4', 'n3']);
  });
});

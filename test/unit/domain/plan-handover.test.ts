import { describe, expect, it } from 'vitest';
import { planSpread, tally } from '../../../src/domain/ownership/plan-handover.js';

describe('planSpread (fewest customers first)', () => {
  it.each([
    [
      'levels an uneven team',
      10,
      [
        { id: 2, owned: 3 },
        { id: 3, owned: 0 },
        { id: 4, owned: 5 },
      ],
      [3, 6, 1],
    ],
    [
      'splits evenly from zero, lower id first on ties',
      5,
      [
        { id: 7, owned: 0 },
        { id: 5, owned: 0 },
      ],
      [2, 3],
    ],
    ['gives everything to the only recipient', 4, [{ id: 1, owned: 100 }], [4]],
    [
      'gives nothing to someone far ahead',
      3,
      [
        { id: 1, owned: 0 },
        { id: 2, owned: 50 },
      ],
      [3, 0],
    ],
  ])('%s', (_name, n, recipients, expected) => {
    const ids = Array.from({ length: n }, (_, i) => 1000 + i);
    const plan = planSpread(ids, recipients);
    expect(plan.size).toBe(n);
    expect(
      tally(
        plan,
        recipients.map((r) => r.id),
      ).map((t) => t.count),
    ).toEqual(expected);
  });

  it('is the same plan when re-run batch by batch with counts re-read (a resumed run continues the levelling)', () => {
    const ids = Array.from({ length: 9 }, (_, i) => i + 1);
    const whole = tally(
      planSpread(ids, [
        { id: 1, owned: 0 },
        { id: 2, owned: 2 },
      ]),
      [1, 2],
    );
    const first = planSpread(ids.slice(0, 4), [
      { id: 1, owned: 0 },
      { id: 2, owned: 2 },
    ]);
    const [a, b] = tally(first, [1, 2]);
    const second = planSpread(ids.slice(4), [
      { id: 1, owned: a!.count },
      { id: 2, owned: 2 + b!.count },
    ]);
    const split = tally(new Map([...first, ...second]), [1, 2]);
    expect(split).toEqual(whole);
  });

  it('plans nothing without recipients', () => {
    expect(planSpread([1, 2], []).size).toBe(0);
  });
});

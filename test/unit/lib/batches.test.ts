import { describe, expect, it } from 'vitest';
import { chunks, wholeGroups } from '../../../src/lib/batches.js';

describe('batches', () => {
  it('slices a list in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });

  it('packs whole groups up to the limit, never splitting one; an oversized group stands alone', () => {
    const groups = [3, 4, 2, 9, 1].map((n, i) => ({ id: i, n }));
    expect(wholeGroups(groups, (g) => g.n, 8).map((b) => b.map((g) => g.id))).toEqual([[0, 1], [2], [3], [4]]);
    expect(wholeGroups(groups, (g) => g.n, 100).map((b) => b.length)).toEqual([5]);
  });
});

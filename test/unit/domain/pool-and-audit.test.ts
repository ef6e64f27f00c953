import { describe, expect, it } from 'vitest';
import { customerFieldChanges } from '../../../src/domain/audit/audit-customer-change.js';
import { readPoolCursor, readPoolFilter, writePoolCursor } from '../../../src/domain/ownership/list-pool.js';

describe('readPoolFilter', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['A', { tier: 'A' }],
    ['b', { tier: 'B' }],
    ['C类', { tier: 'C' }],
    ['A级客户', { tier: 'A' }],
    ['制造业', { tag: '制造业' }],
    ['AB', { tag: 'AB' }],
    ['A 类 重点', { tag: 'A 类 重点' }],
  ])('%j → %j', (text, expected) => {
    expect(readPoolFilter(text)).toEqual(expected);
  });
});

describe('pool cursor', () => {
  it('round-trips and refuses anything it did not write', () => {
    expect(readPoolCursor(writePoolCursor({ activeAt: 1764036005000, id: 42 }))).toEqual({ activeAt: 1764036005000, id: 42 });
    for (const bad of [undefined, '', '1.2.3', '-1.2', '1e3.2', "1.2' OR 1=1", '1.']) expect(readPoolCursor(bad)).toBeNull();
  });
});

describe('customerFieldChanges', () => {
  const c = (stage: 'lead' | 'quote', amount: number | null, currency = 'CNY') => ({ stage, amount, currency });
  it.each([
    ['nothing changed', c('lead', null), c('lead', null), null],
    ['stage only', c('lead', 5), c('quote', 5), { before: { stage: 'lead' }, after: { stage: 'quote' } }],
    ['amount only', c('lead', null), c('lead', 500000), { before: { amount: null }, after: { amount: 500000 } }],
    [
      'currency with the same number',
      c('lead', 60000),
      c('lead', 60000, 'USD'),
      { before: { amount: 60000, currency: 'CNY' }, after: { amount: 60000, currency: 'USD' } },
    ],
    ['currency without an amount', c('lead', null), c('lead', null, 'USD'), null],
  ])('%s', (_name, before, after, expected) => {
    expect(customerFieldChanges(before, after)).toEqual(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeCustomerName, usableCustomerName } from '../../../src/domain/customers/normalize-name.js';
import { decideCustomer } from '../../../src/domain/follow-ups/decide-customer.js';

describe('normalizeCustomerName', () => {
  it.each([
    ['杭州云帆科技有限公司', '杭州云帆科技'],
    ['杭州云帆科技', '杭州云帆科技'],
    [' 美的集团股份有限公司 ', '美的'],
    ['Acme Robotics, Inc.', 'acmerobotics'],
    ['ＡＣＭＥ　Ltd', 'acme'],
    ['集团', '集团'],
  ])('%s → %s', (name, key) => {
    expect(normalizeCustomerName(name)).toBe(key);
  });

  it.each([['。。。'], ['...'], ['  '], [''], ['——！']])('%j is no usable name', (name) => {
    expect(usableCustomerName(name)).toBeNull();
  });
});

describe('decideCustomer', () => {
  const draft = (
    customer: string | null,
    confidence: number,
    candidates: { id: string; name: string; score: number }[] = [],
    contact: string | null = null,
  ) => ({
    customer,
    confidence,
    customerCandidates: candidates,
    contact,
  });

  it('takes an exact name match', () => {
    expect(decideCustomer(draft('云帆科技', 0.7), 7)).toEqual({ kind: 'existing', customerId: 7 });
  });
  it('takes a clear known candidate', () => {
    expect(decideCustomer(draft('云帆科技', 0.9, [{ id: '3', name: '杭州云帆科技有限公司', score: 0.9 }]), null)).toEqual({
      kind: 'existing',
      customerId: 3,
    });
  });
  it('asks between close candidates', () => {
    const d = draft('云帆', 0.5, [
      { id: '1', name: '云帆科技', score: 0.88 },
      { id: '2', name: '云帆物流', score: 0.88 },
    ]);
    expect(decideCustomer(d, null)).toEqual({
      kind: 'ask',
      candidates: [
        { id: 1, name: '云帆科技' },
        { id: 2, name: '云帆物流' },
      ],
    });
  });
  it('creates a new customer from a confident name, asks about an unsure one', () => {
    expect(decideCustomer(draft('鑫源化工', 0.7), null)).toEqual({ kind: 'create', name: '鑫源化工' });
    expect(decideCustomer(draft('Mark Chen', 0.5), null)).toEqual({ kind: 'ask', candidates: [] });
  });
  it('records nothing without a customer or a person', () => {
    expect(decideCustomer(draft(null, 0), null)).toEqual({ kind: 'none' });
  });
  it('asks when the note names a person and no organisation (a walk-in)', () => {
    expect(decideCustomer(draft(null, 0, [], '陈先生'), null)).toEqual({ kind: 'ask', candidates: [] });
  });
  it('treats a name of punctuation only as no name', () => {
    expect(decideCustomer(draft('。。。', 0.95), null)).toEqual({ kind: 'none' });
    expect(decideCustomer(draft('...', 0.95, [{ id: '4', name: '云帆科技', score: 0.7 }]), null)).toEqual({
      kind: 'ask',
      candidates: [{ id: 4, name: '云帆科技' }],
    });
  });
});

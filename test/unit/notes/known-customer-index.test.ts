import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusNotes, customerNames } from '../../../bench/customer-names.js';
import { parseNote, type KnownCustomer } from '../../../src/domain/notes/index.js';
import { attachIndex, createKnownCustomerIndex } from '../../../src/domain/notes/known-customer-index.js';
import { matchKnownCustomers } from '../../../src/domain/notes/match-known-customer.js';

const opts = { now: new Date('2026-11-25T10:00:00+08:00'), timeZone: 'Asia/Shanghai' };

/** The same customers as a plain list (scanned) and as an indexed list; list order = recency. */
function bothWays(known: KnownCustomer[]) {
  const index = createKnownCustomerIndex();
  known.forEach((c, i) => index.set(c, known.length - i));
  return { plain: known, indexed: attachIndex([...known], { index, admits: () => true }) };
}

describe('known-customer index', () => {
  it('matches exactly what the scan matches, on every corpus note with 2,000 known customers', () => {
    const known = customerNames(2000).map((name, i) => ({ id: String(i + 1), name, aliases: i % 7 === 0 ? [`别名${i}`] : [] }));
    const { plain, indexed } = bothWays(known);
    let matched = 0;
    for (const { text } of corpusNotes()) {
      const extracted = parseNote(text, opts).customer;
      const expected = matchKnownCustomers(text, extracted, plain);
      expect(matchKnownCustomers(text, extracted, indexed), text).toEqual(expected);
      if (expected.length > 0) matched += 1;
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('matches exactly what the scan matches on generated names and notes', () => {
    // A small alphabet, so names overlap each other and the notes often.
    const piece = fc.constantFrom(
      '云',
      '帆',
      '科技',
      '有限公司',
      '杭州',
      '星',
      '河',
      'a',
      'b',
      ' ',
      '物流',
      '银行',
      '集团',
      'Ltd',
      '的',
      '王总',
      '𠀋',
    );
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    const customer = fc.record({ name: text, aliases: fc.array(text, { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(customer, { maxLength: 30 }), text, fc.option(text), (customers, note, extracted) => {
        const known = customers.map((c, i) => ({ id: String(i + 1), ...c }));
        const { plain, indexed } = bothWays(known);
        expect(matchKnownCustomers(note, extracted, indexed)).toEqual(matchKnownCustomers(note, extracted, plain));
      }),
      { numRuns: 3000 },
    );
  });

  it('matches what the scan matches after many adds, replacements and deletions (the filter grows and shares buckets)', () => {
    // Hundreds of short names from a small alphabet: the start-key filter grows several times,
    // and many of its buckets hold several keys before some of them are deleted again.
    const name = fc
      .array(fc.constantFrom('云', '帆', '星', '河', '科技', '杭州', 'a', 'b', 'c', '物流', '𠀋'), { minLength: 1, maxLength: 6 })
      .map((p) => p.join(''));
    const op = fc.record({ id: fc.integer({ min: 1, max: 400 }), name, remove: fc.boolean() });
    const note = fc.array(fc.constantFrom('云', '帆', '星', '河', '科技', '杭州', 'a', 'b', 'c', '物流', '的', '王总', '𠀋'), {
      maxLength: 16,
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 900 }), fc.array(note, { minLength: 1, maxLength: 20 }), (ops, notes) => {
        const index = createKnownCustomerIndex();
        const live = new Map<string, { customer: KnownCustomer; recency: number }>();
        ops.forEach(({ id, name, remove }, t) => {
          if (remove) {
            index.delete(String(id));
            live.delete(String(id));
          } else {
            index.set({ id: String(id), name }, t);
            live.set(String(id), { customer: { id: String(id), name }, recency: t });
          }
        });
        expect(index.size).toBe(live.size);
        // The scan ranks equal scores by list order: most recent first.
        const plain = [...live.values()].sort((a, b) => b.recency - a.recency).map((c) => c.customer);
        const indexed = attachIndex([...plain], { index, admits: () => true });
        for (const pieces of notes) {
          const text = pieces.join('');
          expect(matchKnownCustomers(text, null, indexed)).toEqual(matchKnownCustomers(text, null, plain));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('follows changes and leaves out what the list does not admit', () => {
    const index = createKnownCustomerIndex();
    index.set({ id: '1', name: '杭州云帆科技有限公司' }, 1);
    index.set({ id: '2', name: '华信银行', aliases: ['华行'] }, 2);
    const list = attachIndex([{ id: '1', name: '杭州云帆科技有限公司' }], { index, admits: (c) => c.id !== '3' });
    expect(matchKnownCustomers('给云帆王总打电话', null, list).map((m) => m.id)).toEqual(['1']);
    expect(matchKnownCustomers('去华行', null, list)).toEqual([{ id: '2', name: '华信银行', score: 0.97 }]);
    index.set({ id: '1', name: '云帆物流' }, 1);
    index.set({ id: '3', name: '云帆能源' }, 3);
    expect(matchKnownCustomers('给杭州云帆科技有限公司打电话', null, list).map((m) => m.name)).toEqual(['云帆物流']);
    index.delete('1');
    expect(matchKnownCustomers('给云帆王总打电话', null, list)).toEqual([]);
    expect(index.size).toBe(2);
  });

  it('still finds a full name after another one with the same first characters is replaced or deleted', () => {
    const index = createKnownCustomerIndex();
    index.set({ id: '1', name: '云·海物流' }, 1);
    index.set({ id: '2', name: '云·帆科技' }, 2);
    const list = attachIndex([{ id: '2', name: '云·帆科技' }], { index, admits: () => true });
    // Only the full name is in the note (its core, 云帆, is not): found by its first characters alone.
    index.set({ id: '1', name: '杭州云海' }, 1);
    expect(matchKnownCustomers('拜访云·帆科技', null, list)).toEqual([{ id: '2', name: '云·帆科技', score: 1 }]);
    index.set({ id: '3', name: '云·山' }, 3);
    index.delete('3');
    expect(matchKnownCustomers('拜访云·帆科技', null, list)).toEqual([{ id: '2', name: '云·帆科技', score: 1 }]);
    index.delete('2');
    expect(matchKnownCustomers('拜访云·帆科技', null, list)).toEqual([]);
  });
});

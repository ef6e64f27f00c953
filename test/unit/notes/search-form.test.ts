import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchForm } from '../../../src/domain/notes/known-customer-index.js';

/** The chain searchForm stands for. */
const reference = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

// The edges of its fast path (ASCII capitals and the ASCII spaces, the first and last CJK unified
// ideographs and their neighbours) and what NFKC or lowercasing changes outside it.
const piece = fc.constantFrom(
  'A',
  'Z',
  '@',
  '[',
  'a',
  'z',
  ' ',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u001f',
  '\u4e00',
  '\u9fff',
  '\u4dff',
  '\ua000',
  '云帆科技',
  'Ｃ',
  '１',
  '\u3000',
  '\u00a0',
  'İ',
  'Σ',
  'ﬁ',
  'é',
  'e\u0301',
  '\u0301',
  '㈱',
  '\ud840\udc0b',
  '\ud840',
);

describe('searchForm', () => {
  it.each(['', '杭州云帆科技有限公司', 'Northwind Traders', '给 ABC公司\t打电话', 'ＡＢＣ公司', 'Café Ｘ', 'İstanbul Σ'])(
    'is the NFKC, lowercase, spaceless form of %j',
    (text) => {
      expect(searchForm(text)).toBe(reference(text));
    },
  );

  it('equals the chain on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
          fc.string({ unit: 'binary' }),
        ),
        (text) => {
          expect(searchForm(text)).toBe(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

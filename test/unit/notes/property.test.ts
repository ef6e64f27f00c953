import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNote, parsedNoteSchema } from '../../../src/domain/notes/index.js';

// Pieces real notes are made of, so the generator reaches the rules, not only random noise.
const pieces = [
  '客户:',
  '联系人:',
  '预算',
  '万',
  '下周',
  '三',
  '月底',
  '12月',
  '5日',
  '王总',
  '科技',
  '电话',
  '签约',
  '#',
  'A级',
  '$',
  '1',
  '0',
  ',',
  '\n',
  ' ',
  'Dec',
  'next',
  'k',
  '点',
  '下午',
  '的',
  '给',
];
const noteLike = fc
  .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

describe('parseNote properties', () => {
  it('never throws and always returns the contract shape', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), noteLike),
        fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
        (text, ms) => {
          const note = parseNote(text, { now: new Date(ms), timeZone: 'Asia/Shanghai', knownCustomers: [{ id: '1', name: '云帆科技' }] });
          expect(parsedNoteSchema.safeParse(note).success).toBe(true);
          if (note.nextFollowUpAt) expect(Number.isNaN(Date.parse(note.nextFollowUpAt))).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles very long input (cut to the first 4,000 characters)', () => {
    const note = parseNote('预算50万,下周三 云帆科技 王总 '.repeat(2000), {
      now: new Date('2026-11-25T10:00:00+08:00'),
      timeZone: 'Asia/Shanghai',
    });
    expect(note).toMatchObject({ customer: '云帆科技', amount: 500000 });
    expect([...note.summary].length).toBeLessThanOrEqual(140);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinCjk } from '../../../src/domain/notes/channel-and-stage.js';

/** The regular expression joinCjk stands for (a newline ends a clause and is never joined away). */
const reference = (text: string) =>
  !text.includes(' ') || !/[\u4e00-\u9fa5][^\S\n]+[\u4e00-\u9fa5]/.test(text)
    ? text
    : text.replace(/(?<![\u4e00-\u9fa5])([\u4e00-\u9fa5]+)[^\S\n]+(?=([\u4e00-\u9fa5]+))/g, (_all, before: string, after: string) =>
        before.length >= 3 && after.length >= 3 ? `${before},` : before,
      );

const piece = fc.constantFrom(
  '顺丰',
  '仓储项目',
  '钱总',
  '报价已发',
  '王',
  ' ',
  '  ',
  '\n',
  '\t',
  '\u3000',
  '\u00a0',
  '\ufeff',
  'a',
  'Acme',
  ',',
  '1',
  '𠀋',
  '\u9fa6',
  '\u4e00',
);

describe('joinCjk', () => {
  it('gives what the regular expression gives', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        expect(joinCjk(text)).toBe(reference(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('joins short chunks and keeps a break between long ones', () => {
    expect(joinCjk('报价 已发')).toBe('报价已发');
    expect(joinCjk('下周二发合同 报价已发过了')).toBe('下周二发合同,报价已发过了');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clauses, MAX_NOTE_CHARS, normalizeText } from '../../../src/domain/notes/normalize-text.js';

/** Every replacement applied in turn, as normalizeText did before it skipped the ones with nothing to change. */
function reference(input: string): string {
  return input
    .slice(0, MAX_NOTE_CHARS)
    .normalize('NFKC')
    .replace(/[\u3001]/g, ',')
    .replace(/[\u3002]/g, '.')
    .replace(/[「」『』【】]/g, ' ')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+/g, ' ')
    .trim();
}

// What the replacements act on, what NFKC turns into it (full-width space and comma, ｡), and plain text.
const piece = fc.constantFrom(
  '、',
  '。',
  '｡',
  '「',
  '」',
  '『',
  '』',
  '【',
  '】',
  '\u200b',
  '\u200c',
  '\u200d',
  '\ufeff',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u3000',
  ' ',
  '  ',
  '\u00a0',
  '\u2002',
  '，',
  'Ａ',
  '王总',
  'a',
  '1',
  'e\u0301',
  '',
);

describe('normalizeText', () => {
  it('gives what every replacement in turn gives, whichever of them have something to change', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(normalizeText(text)).toBe(reference(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('leaves a note with nothing to replace as NFKC made it, trimmed', () => {
    expect(normalizeText(' 拜访云帆科技王总,报价已发 ')).toBe('拜访云帆科技王总,报价已发');
    expect(normalizeText('ＡＢＣ公司　王总、下周一。')).toBe('ABC公司 王总,下周一.');
  });
});

describe('clauses', () => {
  /** The regex clauses() stands for: a comma or point between digits belongs to a number. */
  function reference(text: string): { text: string; start: number }[] {
    const out: { text: string; start: number }[] = [];
    const re = /(?:[^,.;!?\n]|(?<=\d)[,.](?=\d))+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const trimmed = m[0].trim();
      if (trimmed) out.push({ text: trimmed, start: m.index + m[0].indexOf(trimmed) });
    }
    return out;
  }

  it('splits at punctuation and newlines, trimmed, with start offsets', () => {
    expect(clauses(' 拜访云帆, 报价已发.\n 下周三 ')).toEqual([
      { text: '拜访云帆', start: 1 },
      { text: '报价已发', start: 7 },
      { text: '下周三', start: 14 },
    ]);
  });

  it('keeps a comma or point between digits inside its clause', () => {
    expect(clauses('报价 USD 68,500 已发, 单价1.5万')).toEqual([
      { text: '报价 USD 68,500 已发', start: 0 },
      { text: '单价1.5万', start: 18 },
    ]);
  });

  it('gives the trimmed runs between , . ; ! ? and newlines, whatever the text', () => {
    const mark = fc.constantFrom(',', '.', ';', '!', '?', '\n', '\r', ' ', '\t', '\u3000', '\u00a0', ':', '，', '王总', 'a', '');
    fc.assert(
      fc.property(fc.array(fc.oneof(mark, fc.string({ maxLength: 3 })), { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        expect(clauses(text)).toEqual(reference(text));
      }),
      { numRuns: 5000 },
    );
  });
});

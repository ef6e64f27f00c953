import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinCjk, STAGE_ANY_CJK_SOURCE, STAGE_ANY_SOURCE } from '../../../src/domain/notes/channel-and-stage.js';
import { byFirstChar, firstChars, nextMatchAt, withFirstChars, type FirstCharTable } from '../../../src/domain/notes/first-chars.js';
import { clauses, normalizeText } from '../../../src/domain/notes/normalize-text.js';

describe('firstChars', () => {
  it.each([
    ['报价|方案', '报方'],
    ['[报保包]价|\\d+万', '报保包0123456789'],
    ['(?<!留)电话|\\bcall', '电cC'],
    ['(?:^|今天)去了', '今去'],
    ['(?:现场)?勘察', '现勘'],
    ['(?:签|(?:已|刚)签)约', '签已刚'],
  ])('%s → %s', (source, chars) => {
    expect(firstChars(source)).toBe(chars);
  });

  it('leaves out branches that need a Latin letter first, for text with none', () => {
    expect(firstChars('\\bquote\\b|报价|(?:sent|发了)方案', true)).toBe('报发');
  });

  it.each(['.报价', '[^,]报价', '\\s*报价', 'x*', '(?:a|)', '[a-z]价'])('reads no start in %s: null', (source) => {
    expect(firstChars(source)).toBeNull();
  });
});

const fixtures = ['notes.labelled.jsonl', 'notes.round7-blind.jsonl', 'notes.round8-blind.jsonl', 'stage-wording.jsonl'];
const corpusClauses = fixtures.flatMap((file) =>
  readFileSync(join(process.cwd(), 'test', 'fixtures', 'notes', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => clauses(joinCjk(normalizeText((JSON.parse(line) as { text: string }).text))).map((c) => c.text)),
);

/** Where a scan that steps one past each match start finds matches, as stageOf scans. */
function starts(re: RegExp, text: string): number[] {
  const out: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m.index);
    re.lastIndex = m.index + 1;
  }
  return out;
}

/** The same starts through a table split by first character. */
function tableStarts(table: FirstCharTable, text: string): number[] {
  const out: number[] = [];
  for (let at = nextMatchAt(table, text, 0); at >= 0; at = nextMatchAt(table, text, at + 1)) out.push(at);
  return out;
}

describe('byFirstChar', () => {
  it('splits an alternation by the characters its branches start with', () => {
    const table = byFirstChar('报价|(?<!没)发了|\\bquote', 'i');
    expect(table.patterns.map((p) => p.source)).toEqual(['报价', '(?<!没)发了', '\\bquote']);
    expect(tableStarts(table, '没发了报价,发了 Quote')).toEqual([3, 6, 9]);
  });

  it('tries the whole alternation everywhere when a start is not read', () => {
    const table = byFirstChar('[^,]报价|方案', 'i');
    expect(table.patterns).toHaveLength(1);
    expect(tableStarts(table, '发报价,方案')).toEqual([0, 4]);
  });
});

describe('the stage scan with its first characters in front', () => {
  const plain = new RegExp(STAGE_ANY_SOURCE, 'gi');
  const led = new RegExp(withFirstChars(STAGE_ANY_SOURCE), 'gi');
  const cjkLed = new RegExp(withFirstChars(STAGE_ANY_CJK_SOURCE, true), 'gi');

  it('is led by a lookahead (the cues are read, not left unfiltered)', () => {
    expect(led.source.startsWith('(?=[')).toBe(true);
    expect(cjkLed.source.startsWith('(?=[')).toBe(true);
  });

  const table = byFirstChar(STAGE_ANY_SOURCE, 'i');
  const cjkTable = byFirstChar(STAGE_ANY_CJK_SOURCE, 'i', true);

  it('is split by first character (the cues are read, not left unfiltered)', () => {
    expect(table.patterns.length).toBeGreaterThan(50);
    expect(cjkTable.patterns.length).toBeGreaterThan(50);
  });

  it('finds the cues the plain scan finds, in every fixture clause', () => {
    for (const clause of corpusClauses) {
      expect(starts(led, clause), clause).toEqual(starts(plain, clause));
      expect(tableStarts(table, clause), clause).toEqual(starts(plain, clause));
      if (!/[A-Za-z]/.test(clause)) {
        expect(starts(cjkLed, clause), clause).toEqual(starts(plain, clause));
        expect(tableStarts(cjkTable, clause), clause).toEqual(starts(plain, clause));
      }
    }
  });

  it('finds the cues the plain scan finds, in text made of cue words and other characters', () => {
    const piece = fc.constantFrom(
      '报价',
      '已',
      '发',
      '了',
      '合同',
      '签',
      '方案',
      '需求',
      '确认',
      '谈',
      '价格',
      '没',
      '在',
      '王总',
      ' ',
      ',',
      '1',
      '万',
      '丢单',
      '选了',
      '别家',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(starts(cjkLed, text)).toEqual(starts(plain, text));
        expect(tableStarts(cjkTable, text)).toEqual(starts(plain, text));
      }),
      { numRuns: 2000 },
    );
  });
});

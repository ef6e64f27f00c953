import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// customer.ts watches the pairs of 了给跟和与向到去 (and contact.ts those of the surnames).
import '../../../src/domain/notes/customer.js';
import { isDictionaryPair } from '../../../src/domain/notes/segmenter.js';

const require = createRequire(import.meta.url);
const words = new Set(
  readFileSync(join(dirname(require.resolve('@node-rs/jieba/dict.js')), 'dict.txt'), 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? ''),
);

describe('isDictionaryPair', () => {
  it('answers as the dictionary does for every pair with a watched character (了, 和) and every dictionary character', () => {
    const chars = [...new Set([...words].filter((w) => w.length === 1))];
    const wrong: string[] = [];
    let found = 0;
    for (const watched of ['了', '和']) {
      for (const c of chars) {
        if (isDictionaryPair(watched, c) !== words.has(watched + c)) wrong.push(watched + c);
        if (isDictionaryPair(c, watched) !== words.has(c + watched)) wrong.push(c + watched);
        if (words.has(watched + c)) found++;
      }
    }
    expect(wrong).toEqual([]);
    expect(found).toBeGreaterThan(40);
  });

  it('reads other lengths as the word a + b', () => {
    expect(isDictionaryPair('', '了解')).toBe(true);
    expect(isDictionaryPair('了解', '')).toBe(true);
    expect(isDictionaryPair('', '了')).toBe(false);
    expect(isDictionaryPair('', '')).toBe(false);
    expect(isDictionaryPair('\u0000', '\u0000')).toBe(false);
  });
});

// Notes and known-customer names for the benchmarks and the matcher's equivalence test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const corpusLine = z.object({ text: z.string(), expect: z.object({ customer: z.string().nullable().optional() }).optional() });

/** The labelled notes of `test/fixtures/notes` and `../shared/corpus` (when present). */
export function corpusNotes(): { text: string; customer: string | null }[] {
  const files = [join('test', 'fixtures', 'notes', 'notes.labelled.jsonl'), join('..', 'shared', 'corpus', 'notes.sample.jsonl')].filter(
    (f) => existsSync(f),
  );
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => corpusLine.parse(JSON.parse(line)))
      .map((l) => ({ text: l.text, customer: l.expect?.customer ?? null })),
  );
}

const PLACES = ['', '', '杭州', '上海', '深圳', '苏州', '成都', '北京', '南京', '武汉'];
const CHARS = '云帆星河恒瑞华信中天宏达金鼎博远嘉禾瑞丰鸿运新创汇智德源凯盛永泰明阳海润东方正邦安泰盛世宇航联合卓越鼎新同舟长青';
const TRADES = ['科技', '医疗', '物流', '地产', '食品', '机械', '软件', '电子', '能源', '贸易', '制造', '传媒'];
const LEGAL = ['有限公司', '', '集团', '股份有限公司'];
const LATIN = ['Nor', 'th', 'wind', 'Con', 'to', 'so', 'Fab', 'ri', 'kam', 'Ini', 'tech', 'Glo', 'bex', 'Umb', 'rella'];

/** A deterministic generator (LCG), so every run measures the same names. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * `count` distinct customer names: the corpus's own customers first (so notes do match some),
 * then made-up ones in the same style (place, two-character core, trade, legal form; one in ten Latin).
 */
export function customerNames(count: number, seed = 42): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const names = new Set(corpusNotes().flatMap((n) => (n.customer ? [n.customer] : [])));
  while (names.size < count) {
    if (next() < 0.1) names.add(`${pick(LATIN)}${pick(LATIN)}${pick(LATIN)} ${pick(['Ltd', 'Inc', 'Group', 'Co'])}`);
    else names.add(`${pick(PLACES)}${pick([...CHARS])}${pick([...CHARS])}${pick(TRADES)}${pick(LEGAL)}`);
  }
  return [...names].slice(0, count);
}

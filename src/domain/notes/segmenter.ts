import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as JiebaModule from '@node-rs/jieba';
import { isClauseEnd } from './normalize-text.js';

type Jieba = JiebaModule.Jieba;

/**
 * Words jieba must keep whole (the user dictionary; the tag is informational, the parser reads
 * words, not tags, since jieba's tags for brand names are unreliable: 小米/n, 招行/v):
 * - `title`: forms of address that follow a surname (王总, 刘园长, 何姐);
 * - `dept`: the words a department ends with (品牌部, 信息科, 事业部);
 * - `crm`: CRM words that are never part of a customer's name (报价, 方案, 项目, 预算);
 * - `label`: labels written before a name (B级客户, 老客户, 新线索).
 */
const USER_WORDS: [string, string][] = [
  ...'总|总监|总经理|总裁|总工|董事长|经理|主任|行长|处长|局长|院长|园长|校长|部长|科长|所长|厂长|主管|老板|老师|教授|博士|医生|律师|秘书|助理|专员|书记|会计|阿姨|叔叔|大姐|大哥|先生|女士|小姐'
    .split('|')
    .map((w): [string, string] => [w, 'title']),
  ...'事业部|事业群|品牌部|市场部|采购部|运营部|技术部|财务部|信息部|信息科|信息处|信息中心|设备科|设备处|总务处|办公室|项目组|政企部|工程部|行政部|人事部|法务部|研发部|销售部|客服部|物流部|仓储部|供应链部|心内科|放射科|检验科|药剂科'
    .split('|')
    .map((w): [string, string] => [w, 'dept']),
  ...'报价|报价单|方案|项目|预算|合同|签约|签单|成交|丢单|需求|演示|试用|回款|付款|发票|样品|产品|价格'
    .split('|')
    .map((w): [string, string] => [w, 'crm']),
  ...'老客户|新客户|大客户|意向客户|潜在客户|新线索|客户'.split('|').map((w): [string, string] => [w, 'label']),
  // Verbs and particles reps glue to names: 跟了下小红书, 去了趟比亚迪.
  ...'跟了下|跟了一下|聊了下|聊了一下|去了趟|去了一趟|跑了趟|打了个|打了通|来电|回电|电联|致电|拜访了|拜访|走访|面谈|约了'
    .split('|')
    .map((w): [string, string] => [w, 'v']),
];

let instance: Jieba | null = null;
/**
 * Two-character dictionary words that hold one of the characters asked about (see
 * `isDictionaryPair`), each as its two UTF-16 codes in one Int32 (`pairKey`), in an
 * open-addressing table (0: an empty slot): a lookup builds no string, and the table takes a
 * tenth of the memory of a Set of the words (about 30,000 of them).
 */
let pairs: { table: Int32Array; bits: number } | null = null;
let pairChars = '';

const pairKey = (first: number, second: number) => (first << 16) | second;
const pairSlot = (key: number, bits: number) => Math.imul(key, 0x9e3779b1) >>> (32 - bits);

function pairTable(keys: number[]): { table: Int32Array; bits: number } {
  let bits = 4;
  while (1 << bits < keys.length * 2) bits++;
  const table = new Int32Array(1 << bits);
  const mask = table.length - 1;
  for (const key of keys) {
    let at = pairSlot(key, bits);
    while (table[at] !== 0 && table[at] !== key) at = (at + 1) & mask;
    table[at] = key;
  }
  return { table, bits };
}

/**
 * The segmenter, loaded on first use, so that notes without Chinese, and processes that never
 * parse one, do not pay for it. jieba keeps every dictionary word in memory (about 100 bytes a
 * word, 350,000 words); its tags are dropped (`cut` never reads them; 6 MB less), and the file is
 * read here rather than through `@node-rs/jieba/dict.js`, which also holds its 6 MB keyword
 * (IDF) table in memory for as long as the process lives.
 */
function jieba(): Jieba {
  if (instance) return instance;
  const require = createRequire(import.meta.url);
  const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof JiebaModule;
  const dict = readFileSync(join(dirname(require.resolve('@node-rs/jieba/dict.js')), 'dict.txt'));
  const pairKeys: number[] = [];
  const wanted = new Set(pairChars);
  // `word freq` lines, written over the file's own bytes (each is no longer than `word freq tag`).
  let length = 0;
  // Lines are `word freq tag`; a two-character Chinese word is six UTF-8 bytes then a space.
  // Scanning bytes keeps the 5 MB dictionary from being decoded into 350,000 strings.
  for (let at = 0; at < dict.length;) {
    let end = dict.indexOf(0x0a, at);
    if (end < 0) end = dict.length;
    if (dict[at + 6] === 0x20 && end - at > 6) {
      const word = Buffer.from(dict.buffer, dict.byteOffset + at, 6).toString('utf8');
      if (word.length === 2 && (wanted.has(word[0] ?? '') || wanted.has(word[1] ?? ''))) {
        pairKeys.push(pairKey(word.charCodeAt(0), word.charCodeAt(1)));
      }
    }
    const afterWord = dict.indexOf(0x20, at);
    const afterFreq = afterWord >= 0 && afterWord < end ? dict.indexOf(0x20, afterWord + 1) : -1;
    const cut = afterFreq >= 0 && afterFreq < end ? afterFreq : end;
    length += dict.copy(dict, length, at, cut);
    dict[length++] = 0x0a;
    at = end + 1;
  }
  const created = JiebaClass.withDict(dict.subarray(0, length));
  // A high frequency makes jieba prefer our words over splitting them.
  created.loadDict(Buffer.from(USER_WORDS.map(([w, tag]) => `${w} 100000 ${tag}`).join('\n')));
  pairs = pairTable(pairKeys);
  instance = created;
  return created;
}

/** Chinese text as words. Deterministic: the same text always gives the same words. */
export function segment(text: string): string[] {
  if (!text) return [];
  return jieba().cut(text, true);
}

/**
 * Declares the characters `isDictionaryPair` is asked about (before the dictionary loads), so
 * that only their pairs are kept: a few thousand words instead of 110,000.
 */
export function watchPairsOf(chars: string): void {
  pairChars += chars;
}

/** Whether `a` + `b` is a word of jieba's dictionary (公关, 协和, 了解); one of them must be watched. */
export function isDictionaryPair(a: string, b: string): boolean {
  jieba();
  if (!pairs) return false;
  // Callers pass one character each; anything else is read as the word a + b.
  const word = a.length === 1 && b.length === 1 ? null : a + b;
  if (word !== null && word.length !== 2) return false;
  const key = word === null ? pairKey(a.charCodeAt(0), b.charCodeAt(0)) : pairKey(word.charCodeAt(0), word.charCodeAt(1));
  if (key === 0) return false;
  const { table, bits } = pairs;
  const mask = table.length - 1;
  for (let at = pairSlot(key, bits); ; at = (at + 1) & mask) {
    const held = table[at];
    if (held === key) return true;
    if (held === 0) return false;
  }
}

/** Words of the dictionary only (no guessing of unknown words): 跟锐达 → 跟 / 锐 / 达, 到家 stays whole. */
export function segmentDictionary(text: string): string[] {
  if (!text) return [];
  return jieba().cut(text, false);
}

export type PlacedWord = { word: string; start: number; end: number };

/** The clauses of the last note segmented, by start offset: a note's candidates share them. */
let lastNote: { text: string; clauses: Map<number, PlacedWord[]> } | null = null;

/**
 * The words of the clause of `text` that holds `offset`, placed at their offsets in `text`
 * (UTF-16, as `indexOf` counts). Only that clause is segmented: jieba's cost grows with the
 * length of what it reads, and a name never spans a comma. jieba's words cover the text in
 * order, spaces included.
 */
export function wordsAround(text: string, offset: number): PlacedWord[] {
  if (!lastNote || lastNote.text !== text) lastNote = { text, clauses: new Map() };
  let start = offset;
  while (start > 0 && !isClauseEnd(text.charCodeAt(start - 1))) start--;
  let words = lastNote.clauses.get(start);
  if (words) return words;
  let end = offset;
  const length = text.length;
  while (end < length && !isClauseEnd(text.charCodeAt(end))) end++;
  words = [];
  let at = start;
  for (const word of segment(text.slice(start, end))) {
    words.push({ word, start: at, end: at + word.length });
    at += word.length;
  }
  lastNote.clauses.set(start, words);
  return words;
}

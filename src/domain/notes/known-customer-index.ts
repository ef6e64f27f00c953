import { ORG_TAIL } from './customer.js';
import type { KnownCustomer } from './schema.js';

const LEGAL = /(股份有限公司|有限责任公司|有限公司|分公司|公司|集团|\s+(inc|ltd|corp|co|llc|limited|group)\.?)$/i;
const PLACES =
  /^(北京|上海|天津|重庆|深圳|广州|杭州|南京|苏州|成都|武汉|西安|长沙|郑州|青岛|宁波|厦门|福州|合肥|济南|沈阳|大连|哈尔滨|长春|昆明|贵阳|南宁|南昌|太原|石家庄|无锡|佛山|东莞|珠海|温州|绍兴|嘉兴|常州|烟台|泉州|中山|惠州|广东|浙江|江苏|山东|四川|湖北|湖南|河南|河北|福建|安徽|辽宁|陕西|江西|云南|广西|山西|贵州|吉林|黑龙江|内蒙古|新疆|海南|甘肃|宁夏|青海|西藏|中国)(市|省)?/;

/** 杭州云帆科技有限公司 → 云帆: what people actually call a company in a note. */
export function coreName(name: string): string {
  let s = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s()（）·,.-]/g, '');
  for (let i = 0; i < 3; i++) s = s.replace(LEGAL, '').trim();
  const withoutPlace = s.replace(PLACES, '');
  if ([...withoutPlace].length >= 2) s = withoutPlace;
  const withoutIndustry = s.replace(ORG_TAIL, '');
  if ([...withoutIndustry].length >= 2) s = withoutIndustry;
  return s;
}

/**
 * The two forms a name or alias is searched for in a note: as written (no spaces) and its core;
 * `coreChars` is the core's length in characters (code points), which the matcher tests often.
 */
export type LabelForms = { full: string; core: string; coreChars: number };

/**
 * `text.normalize('NFKC').toLowerCase().replace(/\s+/g, '')`: the form a note or a name is
 * searched in. Text of ASCII and CJK unified ideographs only (most notes) is NFKC already and
 * lowercases as ASCII does, so it skips ICU's passes (and is returned as is when it holds no
 * capital and no space); anything else takes the whole chain.
 */
export function searchForm(text: string): string {
  let upper = false;
  let space = false;
  // Lengths are read once per string in these loops: notes come in many of V8's string shapes,
  // which can make `.length` a megamorphic load rather than a field read.
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) upper = true;
      // The ASCII characters of \s: tab, line feed, vertical tab, form feed, carriage return, space.
      else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) space = true;
    } else if (c < 0x4e00 || c > 0x9fff) return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  }
  const lower = upper ? text.toLowerCase() : text;
  return space ? lower.replace(/\s+/g, '') : lower;
}

export function labelForms(text: string): LabelForms {
  const core = coreName(text);
  return { full: text.normalize('NFKC').toLowerCase().replace(/\s+/g, ''), core, coreChars: [...core].length };
}

/**
 * A known customer with its labels (name first, then aliases); `recency` orders equal scores;
 * `seen` is the number of the last `candidates` call that listed it (no Set per call).
 */
export type IndexedCustomer = { customer: KnownCustomer; labels: LabelForms[]; recency: number; seen: number };

/** Every substring of `s` of `n` UTF-16 units. */
function* grams(s: string, n: number): Generator<string> {
  for (let i = 0; i + n <= s.length; i++) yield s.slice(i, i + n);
}

/** A label is keyed by its first characters up to this many (UTF-16 units). */
const KEY = 4;

/** FNV-1a over UTF-16 codes, then a multiplicative mix (its top bits pick a filter bucket). */
const HASH_SEED = 0x811c9dc5 | 0;
const hashStep = (h: number, code: number) => Math.imul(h ^ code, 0x01000193);
const hashEnd = (h: number) => Math.imul(h ^ (h >>> 15), 0x9e3779b1);
/** A bigram's bit in the 65,536-bit first filter. */
const firstBit = (first: number, second: number) => Math.imul((first << 16) | second, 0x9e3779b1) >>> 16;

/** `[...s].length >= 2` without building the array: a lone surrogate counts as a code point. */
function twoCodePointsOrMore(s: string): boolean {
  if (s.length !== 2) return s.length > 2;
  const first = s.charCodeAt(0);
  const second = s.charCodeAt(1);
  return !(first >= 0xd800 && first <= 0xdbff && second >= 0xdc00 && second <= 0xdfff);
}

type Held = { entry: IndexedCustomer; starts: Set<string>; inner: Set<string> };

/**
 * Known customers by short keys of their labels, so a note costs lookups per character of the
 * note rather than a scan of every name. Keys are UTF-16 substrings:
 * - `byStart`: the first 2 to 4 characters of each label's full form and of its core (the whole
 *   form when shorter). A full form or core found in the note (or a core inside the extracted
 *   name's core) starts with one of their 2-, 3- or 4-grams. Four characters rather than two:
 *   `南京`, `上海` start hundreds of full names, `co`, `in`, `th` hundreds of Latin cores and
 *   every English note, but few notes name a customer beginning with `南京阳瑞` or `nort`.
 * - `byInner`: every bigram and every 4-gram of each core. An extracted core inside a
 *   customer's core is found by the extracted core's first 4 characters (first 2 when shorter).
 * `candidates` is a superset of the customers that can score; the matcher scores each one.
 */
export function createKnownCustomerIndex() {
  const byId = new Map<string, Held>();
  const byStart = new Map<string, Set<IndexedCustomer>>();
  const byInner = new Map<string, Set<IndexedCustomer>>();
  /**
   * A filter in front of `byStart`, so that most of a note's 2-, 3- and 4-grams are passed over
   * without building a string: each key's UTF-16 codes are hashed with Int32 arithmetic
   * (`hashStep`, `hashEnd`), and each bucket holds two numbers side by side (one cache line):
   * how many keys fall in it and the XOR of their hashes, so that a bucket of one key also rules
   * out every other gram that falls in it. At least 2 buckets per key (grown and refilled when
   * keys pass half of them). A typed array, because a Map keyed by codes boxes every number
   * above 2^30 (every pair of Chinese characters) on each lookup.
   */
  let bucketBits = 9;
  let buckets = new Int32Array(2 << bucketBits);
  const bump = (key: string, by: number) => {
    let h = HASH_SEED;
    for (let k = 0; k < key.length; k++) h = hashStep(h, key.charCodeAt(k));
    const hash = hashEnd(h);
    const at = (hash >>> (32 - bucketBits)) << 1;
    buckets[at] = (buckets[at] ?? 0) + by;
    buckets[at + 1] = (buckets[at + 1] ?? 0) ^ hash;
  };
  /**
   * In front of that, one bit per hash of a key's first two characters (8 KB, so it stays in the
   * fastest cache, unlike the buckets of 2,000 customers): a position whose bigram has no bit
   * set starts no key, and most positions of a note have none. `firstCounts` counts the keys
   * behind each bit, so that deleting one clears the bit only when it was the last.
   */
  const firstBits = new Uint8Array(1 << 13);
  const firstCounts = new Map<number, number>();
  const bumpFirst = (key: string, by: number) => {
    const bit = firstBit(key.charCodeAt(0), key.charCodeAt(1));
    const n = (firstCounts.get(bit) ?? 0) + by;
    if (n > 0) firstCounts.set(bit, n);
    else firstCounts.delete(bit);
    const byte = bit >>> 3;
    firstBits[byte] = n > 0 ? (firstBits[byte] ?? 0) | (1 << (bit & 7)) : (firstBits[byte] ?? 0) & ~(1 << (bit & 7));
  };
  const put = (map: Map<string, Set<IndexedCustomer>>, key: string, entry: IndexedCustomer) => {
    const set = map.get(key);
    if (set) return void set.add(entry);
    map.set(key, new Set([entry]));
    if (map !== byStart) return;
    bumpFirst(key, 1);
    bump(key, 1);
    if (byStart.size > 1 << (bucketBits - 1)) {
      bucketBits += 1;
      buckets = new Int32Array(2 << bucketBits);
      for (const k of byStart.keys()) bump(k, 1);
    }
  };
  const drop = (map: Map<string, Set<IndexedCustomer>>, key: string, entry: IndexedCustomer) => {
    const set = map.get(key);
    set?.delete(entry);
    if (set?.size !== 0) return;
    map.delete(key);
    if (map !== byStart) return;
    bumpFirst(key, -1);
    bump(key, -1);
  };

  function remove(id: string): void {
    const held = byId.get(id);
    if (!held) return;
    for (const key of held.starts) drop(byStart, key, held.entry);
    for (const key of held.inner) drop(byInner, key, held.entry);
    byId.delete(id);
  }

  /** The number of the current `candidates` call (a double: it does not wrap). */
  let call = 0;
  /** Adds each of `set` to `out` unless this call listed it already. */
  function addAll(set: Set<IndexedCustomer>, out: IndexedCustomer[]): void {
    for (const entry of set) {
      if (entry.seen === call) continue;
      entry.seen = call;
      out.push(entry);
    }
  }

  /** Adds to `out` the customers with a `byStart` key at some position of `s`. */
  function addStartsIn(s: string, out: IndexedCustomer[]): void {
    const length = s.length;
    for (let i = 0; i + 2 <= length; i++) {
      const first = s.charCodeAt(i);
      const bit = firstBit(first, s.charCodeAt(i + 1));
      if (((firstBits[bit >>> 3] ?? 0) & (1 << (bit & 7))) === 0) continue;
      let h = hashStep(HASH_SEED, first);
      for (let n = 2; n <= KEY && i + n <= length; n++) {
        h = hashStep(h, s.charCodeAt(i + n - 1));
        const hash = hashEnd(h);
        const at = (hash >>> (32 - bucketBits)) << 1;
        const inBucket = buckets[at];
        if (inBucket === 0 || (inBucket === 1 && buckets[at + 1] !== hash)) continue;
        const set = byStart.get(s.slice(i, i + n));
        if (set) addAll(set, out);
      }
    }
  }

  return {
    get size() {
      return byId.size;
    },
    /** Adds the customer, or replaces the one with its id. */
    set(customer: KnownCustomer, recency: number): void {
      remove(customer.id);
      const entry: IndexedCustomer = { customer, labels: [customer.name, ...(customer.aliases ?? [])].map(labelForms), recency, seen: 0 };
      const starts = new Set<string>();
      const inner = new Set<string>();
      for (const { full, core, coreChars } of entry.labels) {
        if (full.length >= 2) starts.add(full.slice(0, KEY));
        if (coreChars >= 2) {
          starts.add(core.slice(0, KEY));
          for (const g of grams(core, 2)) inner.add(g);
          for (const g of grams(core, KEY)) inner.add(g);
        }
      }
      for (const key of starts) put(byStart, key, entry);
      for (const key of inner) put(byInner, key, entry);
      byId.set(customer.id, { entry, starts, inner });
    },
    /** Changes only the tie-break order; no keys move. */
    setRecency(id: string, recency: number): void {
      const held = byId.get(id);
      if (held) held.entry.recency = recency;
    },
    delete: remove,
    /**
     * Customers that may score for a note (`haystack` and `extractedCore` as the matcher forms
     * them), each once, in no particular order.
     */
    candidates(haystack: string, extractedCore: string | null): IndexedCustomer[] {
      const out: IndexedCustomer[] = [];
      call += 1;
      addStartsIn(haystack, out);
      if (extractedCore && twoCodePointsOrMore(extractedCore)) {
        // A core the note holds as written has its keys found in the note already.
        if (!haystack.includes(extractedCore)) addStartsIn(extractedCore, out);
        const inner = byInner.get(extractedCore.slice(0, extractedCore.length >= KEY ? KEY : 2));
        if (inner) addAll(inner, out);
      }
      return out;
    },
  };
}

export type KnownCustomerIndex = ReturnType<typeof createKnownCustomerIndex>;

/** An index handed along with a list of known customers, and which of its customers the list holds. */
export type AttachedIndex = { index: KnownCustomerIndex; admits: (customer: KnownCustomer) => boolean };

/**
 * `ParseOptions.knownCustomers` is a plain array (the parser's contract); a cache that keeps an
 * index attaches it to the array it hands out, and the matcher looks it up here. Held weakly:
 * the index lives as long as the array.
 */
const attached = new WeakMap<readonly KnownCustomer[], AttachedIndex>();

export function attachIndex<T extends readonly KnownCustomer[]>(list: T, index: AttachedIndex): T {
  attached.set(list, index);
  return list;
}

export function attachedIndex(list: readonly KnownCustomer[]): AttachedIndex | undefined {
  return attached.get(list);
}

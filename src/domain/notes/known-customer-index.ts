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

export function labelForms(text: string): LabelForms {
  const core = coreName(text);
  return { full: text.normalize('NFKC').toLowerCase().replace(/\s+/g, ''), core, coreChars: [...core].length };
}

/** A known customer with its labels (name first, then aliases); `recency` orders equal scores. */
export type IndexedCustomer = { customer: KnownCustomer; labels: LabelForms[]; recency: number };

function* bigrams(s: string): Generator<string> {
  for (let i = 0; i + 2 <= s.length; i++) yield s.slice(i, i + 2);
}

/** A full form is keyed by its first characters up to this many (UTF-16 units). */
const FULL_KEY = 4;

/**
 * Known customers by short keys of their labels, so a note costs lookups per character of the
 * note rather than a scan of every name. Keys are UTF-16 substrings:
 * - `byFullStart`: the first 2 to 4 characters of each label's full form (its whole form when
 *   shorter). A full form found in the note starts with one of the note's 2-, 3- or 4-grams.
 *   Four characters rather than two: `南京`, `上海` start hundreds of full names, but few notes
 *   name a customer beginning with `南京阳瑞`.
 * - `byCoreStart`: the first bigram of each core. A core found in the note, or inside the
 *   extracted name's core, starts with one of their bigrams.
 * - `byCoreBigram`: every bigram of each core. An extracted core inside a customer's core is
 *   found by the extracted core's first bigram.
 * `candidates` is a superset of the customers that can score; the matcher scores each one.
 */
export function createKnownCustomerIndex() {
  const byId = new Map<string, { entry: IndexedCustomer; fullStarts: Set<string>; coreStarts: Set<string>; coreBigrams: Set<string> }>();
  const byFullStart = new Map<string, Set<IndexedCustomer>>();
  const byCoreStart = new Map<string, Set<IndexedCustomer>>();
  const byCoreBigram = new Map<string, Set<IndexedCustomer>>();
  /**
   * How many keys of `byFullStart` and `byCoreStart` begin with each bigram, by the bigram's two
   * UTF-16 codes as one number: most of a note's bigrams begin none, and are passed over without
   * building a string.
   */
  const startBigrams = new Map<number, number>();
  const codeOf = (s: string, at: number) => s.charCodeAt(at) * 0x10000 + s.charCodeAt(at + 1);
  const count = (key: string, by: number) => {
    const code = codeOf(key, 0);
    const n = (startBigrams.get(code) ?? 0) + by;
    if (n > 0) startBigrams.set(code, n);
    else startBigrams.delete(code);
  };
  const put = (map: Map<string, Set<IndexedCustomer>>, key: string, entry: IndexedCustomer) => {
    const set = map.get(key);
    if (set) set.add(entry);
    else {
      map.set(key, new Set([entry]));
      if (map !== byCoreBigram) count(key, 1);
    }
  };
  const drop = (map: Map<string, Set<IndexedCustomer>>, key: string, entry: IndexedCustomer) => {
    const set = map.get(key);
    set?.delete(entry);
    if (set?.size === 0) {
      map.delete(key);
      if (map !== byCoreBigram) count(key, -1);
    }
  };

  function remove(id: string): void {
    const held = byId.get(id);
    if (!held) return;
    for (const key of held.fullStarts) drop(byFullStart, key, held.entry);
    for (const key of held.coreStarts) drop(byCoreStart, key, held.entry);
    for (const key of held.coreBigrams) drop(byCoreBigram, key, held.entry);
    byId.delete(id);
  }

  return {
    get size() {
      return byId.size;
    },
    /** Adds the customer, or replaces the one with its id. */
    set(customer: KnownCustomer, recency: number): void {
      remove(customer.id);
      const entry: IndexedCustomer = { customer, labels: [customer.name, ...(customer.aliases ?? [])].map(labelForms), recency };
      const fullStarts = new Set<string>();
      const coreStarts = new Set<string>();
      const coreBigrams = new Set<string>();
      for (const { full, core, coreChars } of entry.labels) {
        if (full.length >= 2) fullStarts.add(full.slice(0, FULL_KEY));
        if (coreChars >= 2) {
          coreStarts.add(core.slice(0, 2));
          for (const b of bigrams(core)) coreBigrams.add(b);
        }
      }
      for (const key of fullStarts) put(byFullStart, key, entry);
      for (const key of coreStarts) put(byCoreStart, key, entry);
      for (const key of coreBigrams) put(byCoreBigram, key, entry);
      byId.set(customer.id, { entry, fullStarts, coreStarts, coreBigrams });
    },
    /** Changes only the tie-break order; no keys move. */
    setRecency(id: string, recency: number): void {
      const held = byId.get(id);
      if (held) held.entry.recency = recency;
    },
    delete: remove,
    /** Customers that may score for a note (`haystack` and `extractedCore` as the matcher forms them). */
    candidates(haystack: string, extractedCore: string | null): Set<IndexedCustomer> {
      const out = new Set<IndexedCustomer>();
      const addAll = (set: Set<IndexedCustomer> | undefined) => {
        if (set) for (const entry of set) out.add(entry);
      };
      for (let i = 0; i + 2 <= haystack.length; i++) {
        if (!startBigrams.has(codeOf(haystack, i))) continue;
        const bigram = haystack.slice(i, i + 2);
        addAll(byFullStart.get(bigram));
        for (let n = 3; n <= FULL_KEY && i + n <= haystack.length; n++) addAll(byFullStart.get(haystack.slice(i, i + n)));
        addAll(byCoreStart.get(bigram));
      }
      if (extractedCore && [...extractedCore].length >= 2) {
        for (const b of bigrams(extractedCore)) addAll(byCoreStart.get(b));
        addAll(byCoreBigram.get(extractedCore.slice(0, 2)));
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

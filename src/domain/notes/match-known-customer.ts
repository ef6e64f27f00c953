import { ORG_TAIL } from './customer.js';
import {
  attachedIndex,
  labelForms,
  searchForm,
  type AttachedIndex,
  type IndexedCustomer,
  type LabelForms,
} from './known-customer-index.js';
import type { KnownCustomer } from './schema.js';

export { coreName } from './known-customer-index.js';

/** Known-customer labels repeat on every note of a workspace: their normalized forms are cached. */
const labelCache = new Map<string, LabelForms>();
const LABEL_CACHE_MAX = 50_000;

function label(name: string): LabelForms {
  let cached = labelCache.get(name);
  if (!cached) {
    cached = labelForms(name);
    if (labelCache.size >= LABEL_CACHE_MAX) labelCache.clear();
    labelCache.set(name, cached);
  }
  return cached;
}

type Match = { id: string; name: string; score: number };

/**
 * What every customer is scored against, computed once per note. Whether the extracted name is
 * specific (has an organisation ending) is read only when a score needs it (`specific`: -1 until
 * then), as most notes' candidates are decided without it.
 */
type NoteForms = {
  haystack: string;
  extracted: string | null;
  extractedCore: string | null;
  extractedFull: string | null;
  specific: number;
};

function noteForms(text: string, extracted: string | null): NoteForms {
  if (!extracted) return { haystack: searchForm(text), extracted: null, extractedCore: null, extractedFull: null, specific: 0 };
  // The extracted name's forms come from the label cache.
  const { core, coreChars, full } = label(extracted);
  return {
    haystack: searchForm(text),
    extracted,
    // An extracted core of one character matches nothing (as a core of one character does not).
    extractedCore: coreChars >= 2 ? core : null,
    // `云帆物流` names another company than the known `云帆科技`, though both contain 云帆.
    extractedFull: full,
    specific: -1,
  };
}

function extractedIsSpecific(note: NoteForms): boolean {
  if (note.specific < 0) note.specific = note.extracted !== null && ORG_TAIL.test(note.extracted.normalize('NFKC')) ? 1 : 0;
  return note.specific === 1;
}

/**
 * The full name or an alias in the text is a near-certain match; the core name (`云帆` for
 * `杭州云帆科技有限公司`) a strong one; overlap with the extracted name a weaker one. 0: no match.
 */
function score(labels: LabelForms[], note: NoteForms): number {
  const { haystack, extractedCore, extractedFull } = note;
  let best = 0;
  for (let i = 0; i < labels.length; i++) {
    const { full, core, coreChars } = labels[i] as LabelForms;
    if (full.length >= 2 && haystack.includes(full)) best = Math.max(best, i === 0 ? 1 : 0.97);
    else if (coreChars >= 2 && haystack.includes(core)) {
      const other = extractedFull !== null && !full.includes(extractedFull) && !extractedFull.includes(full) && extractedIsSpecific(note);
      best = Math.max(best, other ? 0.6 : 0.88);
    } else if (extractedCore && coreChars >= 2 && (extractedCore.includes(core) || core.includes(extractedCore)))
      best = Math.max(best, 0.6);
  }
  return best;
}

/**
 * Known customers the note mentions, best first (equal scores: most recent first, as listed).
 * An index (a cache's `AttachedIndex`, or a list handed out with one by `attachIndex`) is searched,
 * so the cost follows the note's length, not the number of customers; a plain list is scanned.
 */
export function matchKnownCustomers(text: string, extracted: string | null, known: readonly KnownCustomer[] | AttachedIndex): Match[] {
  const note = noteForms(text, extracted);
  const attached = 'index' in known ? known : attachedIndex(known);
  const out: (Match & { recency: number })[] = [];
  // Two loops rather than one over an array or a set: a loop that saw both runs slower on either.
  // Each scores in place: no closure made per note (under tsx each also paid esbuild's __name).
  if (attached) {
    const found = attached.index.candidates(note.haystack, note.extractedCore);
    for (let i = 0; i < found.length; i++) {
      const { customer, labels, recency } = found[i] as IndexedCustomer;
      if (!attached.admits(customer)) continue;
      const s = score(labels, note);
      if (s > 0) out.push({ id: customer.id, name: customer.name, score: s, recency });
    }
  } else if (!('index' in known)) {
    for (let i = 0; i < known.length; i++) {
      const customer = known[i] as KnownCustomer;
      const s = score([customer.name, ...(customer.aliases ?? [])].map(label), note);
      if (s > 0) out.push({ id: customer.id, name: customer.name, score: s, recency: -i });
    }
  }
  if (out.length > 1) out.sort(bestFirst);
  const best: Match[] = [];
  for (let i = 0; i < out.length && i < 8; i++) {
    const { id, name, score } = out[i] as Match;
    best.push({ id, name, score });
  }
  return best;
}

/** Higher score first, then more recent, then by id: a total order, so the candidates' order does not matter. */
function bestFirst(a: Match & { recency: number }, b: Match & { recency: number }): number {
  return b.score - a.score || b.recency - a.recency || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

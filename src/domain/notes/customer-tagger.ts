import { segment } from './segmenter.js';
import { WEIGHTS } from './customer-tagger-weights.js';

/**
 * A learned second opinion on the customer's name, for notes where the rules find none: a
 * structured perceptron (Collins 2002, averaged) that tags each character as the start of the
 * name, inside it or outside, from the characters around it and jieba's words, decoded with
 * Viterbi. It is trained from the labelled fixture notes by `trainCustomerTagger` (run by
 * test/unit/notes/customer-tagger-weights.test.ts, which also checks that the weights in
 * customer-tagger-weights.ts are the ones the fixtures give). Pure and deterministic.
 *
 * Features are hashed into a fixed number of buckets (no feature strings are built, so a note
 * costs no allocation per character beyond its arrays).
 */
const BUCKET_BITS = 18;
const BUCKETS = 1 << BUCKET_BITS;
/** Outside the name, its first character, a later character. */
export const TAG_COUNT = 3;
const OUTSIDE = 0;
const FIRST = 1;
const INSIDE = 2;
/** Feature templates per character (see `featuresOf`). */
export const FEATURES_PER_CHAR = 19;

/** A note's characters (UTF-16 units, as the rest of the parser counts) and, per character, its features' buckets. */
export type Featurized = { text: string; features: Int32Array };

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x5bd1e995);
  return h ^ (h >>> 15);
}

const hash = (template: number, a: number, b = 0, c = 0, d = 0) =>
  (mix(mix(mix(mix(Math.imul(template + 1, 0x9e3779b1), a), b), c), d) >>> 0) & (BUCKETS - 1);

/** 0 space, 1 CJK, 2 upper-case Latin, 3 lower-case Latin, 4 digit, 5 anything else. */
function kind(code: number): number {
  if (code === 0x20 || code === 0x0a || code === 0x09) return 0;
  if (code >= 0x4e00 && code <= 0x9fa5) return 1;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0xc0 && code <= 0xde)) return 2;
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0xdf && code <= 0x24f)) return 3;
  if (code >= 0x30 && code <= 0x39) return 4;
  return 5;
}

/** A word's characters as one number for hashing (words of up to four units; longer ones share a bucket). */
function wordKey(text: string, start: number, end: number): number {
  if (end - start > 4) return 0x7fffffff;
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** The features of every character of `text`: FEATURES_PER_CHAR buckets each. */
export function featuresOf(text: string): Featurized {
  const n = text.length;
  const features = new Int32Array(n * FEATURES_PER_CHAR);
  // Per character: where its word starts and ends, and the words before and after it.
  const wordStart = new Int32Array(n);
  const wordEnd = new Int32Array(n);
  let at = 0;
  for (const word of segment(text)) {
    for (let i = at; i < at + word.length && i < n; i++) {
      wordStart[i] = at;
      wordEnd[i] = at + word.length;
    }
    at += word.length;
  }
  for (let i = at; i < n; i++) {
    wordStart[i] = i;
    wordEnd[i] = i + 1;
  }
  const c = (i: number) => (i < 0 ? 1 : i >= n ? 2 : text.charCodeAt(i) + 3);
  const bias = hash(0, 0);
  // The keys of the character's word and of the words either side, read once per word.
  let word = 0;
  let next = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const s = wordStart[i] ?? i;
    const e = wordEnd[i] ?? i + 1;
    if (i === s) {
      word = wordKey(text, s, e);
      next = e < n ? wordKey(text, e, wordEnd[e] ?? e + 1) : 1;
      prev = s > 0 ? wordKey(text, wordStart[s - 1] ?? s - 1, s) : 1;
    }
    // B, M, E or S: where the character sits in its word.
    const place = e - s === 1 ? 3 : i === s ? 0 : i === e - 1 ? 2 : 1;
    const f = i * FEATURES_PER_CHAR;
    features[f] = bias;
    features[f + 1] = hash(1, c(i));
    features[f + 2] = hash(2, c(i - 1));
    features[f + 3] = hash(3, c(i + 1));
    features[f + 4] = hash(4, c(i - 2));
    features[f + 5] = hash(5, c(i + 2));
    features[f + 6] = hash(6, c(i - 1), c(i));
    features[f + 7] = hash(7, c(i), c(i + 1));
    features[f + 8] = hash(8, c(i + 1), c(i + 2));
    features[f + 9] = hash(9, c(i - 2), c(i - 1));
    features[f + 10] = hash(10, kind(text.charCodeAt(i)));
    features[f + 11] = hash(
      11,
      i > 0 ? kind(text.charCodeAt(i - 1)) : 6,
      kind(text.charCodeAt(i)),
      i + 1 < n ? kind(text.charCodeAt(i + 1)) : 6,
    );
    features[f + 12] = hash(12, place);
    features[f + 13] = hash(13, word);
    features[f + 14] = hash(14, i < 3 ? 0 : i > n - 3 ? 2 : 1);
    features[f + 15] = hash(15, place >= 2 ? next : 0);
    features[f + 16] = hash(16, place === 0 || place === 3 ? prev : 0);
    features[f + 17] = hash(17, c(e - 1), place);
    features[f + 18] = hash(18, c(e - 2), c(e - 1), place);
  }
  return { text, features };
}

/** The model: per bucket one weight per tag, and the tag-to-tag transitions (from the start, then from each tag). */
export type TaggerWeights = { emissions: Float32Array; transitions: Float32Array };

export const emptyWeights = (): TaggerWeights => ({
  emissions: new Float32Array(BUCKETS * TAG_COUNT),
  transitions: new Float32Array((TAG_COUNT + 1) * TAG_COUNT),
});

/** The best tags for the note (Viterbi; INSIDE only after FIRST or INSIDE), with its margin over tagging nothing. */
export function decode(x: Featurized, w: TaggerWeights): { tags: Uint8Array; margin: number } {
  const n = x.text.length;
  const tags = new Uint8Array(n);
  if (n === 0) return { tags, margin: 0 };
  const score = new Float64Array(n * TAG_COUNT);
  const back = new Uint8Array(n * TAG_COUNT);
  let outsideOnly = 0;
  for (let i = 0; i < n; i++) {
    const emit = [0, 0, 0];
    for (let k = 0; k < FEATURES_PER_CHAR; k++) {
      const b = (x.features[i * FEATURES_PER_CHAR + k] ?? 0) * TAG_COUNT;
      emit[0]! += w.emissions[b] ?? 0;
      emit[1]! += w.emissions[b + 1] ?? 0;
      emit[2]! += w.emissions[b + 2] ?? 0;
    }
    outsideOnly += (emit[0] ?? 0) + (w.transitions[(i === 0 ? 0 : 1 + OUTSIDE) * TAG_COUNT + OUTSIDE] ?? 0);
    for (let t = 0; t < TAG_COUNT; t++) {
      let best = -Infinity;
      let from = 0;
      if (i === 0) best = t === INSIDE ? -Infinity : (w.transitions[t] ?? 0);
      else
        for (let p = 0; p < TAG_COUNT; p++) {
          if (t === INSIDE && p === OUTSIDE) continue;
          const v = (score[(i - 1) * TAG_COUNT + p] ?? 0) + (w.transitions[(1 + p) * TAG_COUNT + t] ?? 0);
          if (v > best) {
            best = v;
            from = p;
          }
        }
      score[i * TAG_COUNT + t] = best + (emit[t] ?? 0);
      back[i * TAG_COUNT + t] = from;
    }
  }
  let t = 0;
  for (let k = 1; k < TAG_COUNT; k++) if ((score[(n - 1) * TAG_COUNT + k] ?? 0) > (score[(n - 1) * TAG_COUNT + t] ?? 0)) t = k;
  const best = score[(n - 1) * TAG_COUNT + t] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    tags[i] = t;
    t = back[i * TAG_COUNT + t] ?? 0;
  }
  return { tags, margin: best - outsideOnly };
}

const isLatin = (code: number) => kind(code) === 2 || kind(code) === 3;

/**
 * The first tagged name in `text`, trimmed, or null. Characters are tagged one by one, so a name
 * may stop inside a Latin word (`Bluegate Property M`): it is widened to the whole word.
 */
export function firstName(text: string, tags: Uint8Array): string | null {
  let start = tags.indexOf(FIRST);
  if (start < 0) return null;
  let end = start + 1;
  while (end < tags.length && tags[end] === INSIDE) end++;
  while (start > 0 && isLatin(text.charCodeAt(start)) && isLatin(text.charCodeAt(start - 1))) start--;
  while (end < text.length && isLatin(text.charCodeAt(end - 1)) && isLatin(text.charCodeAt(end))) end++;
  const name = text.slice(start, end).trim();
  return name.length > 0 ? name : null;
}

let loaded: TaggerWeights | null = null;

/** The stored weights (customer-tagger-weights.ts: bucket indices and their three weights, base64). */
function weights(): TaggerWeights {
  if (loaded) return loaded;
  const w = emptyWeights();
  const index = new Int32Array(new Uint8Array(Buffer.from(WEIGHTS.buckets, 'base64')).buffer);
  const values = new Float32Array(new Uint8Array(Buffer.from(WEIGHTS.values, 'base64')).buffer);
  for (let k = 0; k < index.length; k++)
    for (let t = 0; t < TAG_COUNT; t++) w.emissions[(index[k] ?? 0) * TAG_COUNT + t] = values[k * TAG_COUNT + t] ?? 0;
  w.transitions.set(WEIGHTS.transitions);
  loaded = w;
  return w;
}

/** The customer's name as the learned model reads it, with how far it prefers it to no name; null when it finds none. */
export function tagCustomer(text: string): { name: string; margin: number } | null {
  if (!text) return null;
  const { tags, margin } = decode(featuresOf(text), weights());
  const name = firstName(text, tags);
  return name ? { name, margin } : null;
}

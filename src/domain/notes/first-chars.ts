/**
 * The characters a match of a pattern can start with, read from the pattern's source: the first
 * character of each branch (a letter in both cases), the characters of a plain class (`[报保包]`),
 * or the first characters of a group that opens it; past an optional token (`(?:现场)?勘察`, `^|`)
 * those of what follows too. Lookarounds, anchors and `\b` consume nothing and are skipped. With
 * `noLatin`, for text with no Latin letter, a branch that starts with a Latin letter is left out,
 * since it cannot match such a text. Any branch whose start is not read that simply (a negated or
 * ranged class, `.`, an escape other than `\b` and `\d`) makes the answer null: the caller then
 * scans without a prefilter.
 *
 * A big alternation is tried branch by branch at every position; `(?=[…])` in front lets the
 * positions where no branch can start fail on one class test instead.
 */
export function firstChars(source: string, noLatin = false): string | null {
  const firsts = alternationFirsts(source, noLatin);
  // A pattern that can match the empty string can match anywhere.
  return firsts === null || firsts.nullable ? null : [...firsts.chars].join('');
}

/** `source` led by a lookahead of its first characters, or `source` itself when they are not known. */
export function withFirstChars(source: string, noLatin = false): string {
  const chars = firstChars(source, noLatin);
  if (chars === null) return source;
  return `(?=[${chars.replace(/[\]\\^-]/g, '\\$&')}])(?:${source})`;
}

/**
 * An alternation split by the characters its branches can start with: for each such character,
 * a sticky pattern of only the branches that can start with it, in their order.
 */
export type FirstCharTable = { slots: Uint8Array; patterns: RegExp[] };

/**
 * `source` as a `FirstCharTable` (the flags are the pattern's; `y` is added). When a branch's
 * first characters are not known (see `firstChars`), every character gets the whole alternation:
 * slower, never wrong. (The alternation must not match the empty string, which no cue does.)
 *
 * Finding where a cue starts then costs a typed-array read per character of the text and, where
 * a branch can start, a pattern of a few branches. The whole alternation led by `withFirstChars`
 * pays a class test per character (a call into V8's runtime for a class of a hundred characters)
 * and tries all of its ~200 branches wherever the class lets it through.
 */
export function byFirstChar(source: string, flags: string, noLatin = false): FirstCharTable {
  const unfiltered = () => ({ slots: new Uint8Array(0x10000).fill(1), patterns: [new RegExp(source, `${flags}y`)] });
  const byChar = new Map<string, string[]>();
  for (const branch of branches(source)) {
    const firsts = branchFirsts(branch, noLatin);
    if (firsts === null || firsts.nullable) return unfiltered();
    for (const c of firsts.chars) {
      if (c.length !== 1) return unfiltered();
      const list = byChar.get(c) ?? [];
      list.push(branch);
      byChar.set(c, list);
    }
  }
  // Characters with the same branches (a letter in both cases) share one pattern.
  const slotOf = new Map<string, number>();
  const patterns: RegExp[] = [];
  const slots = new Uint8Array(0x10000);
  for (const [c, list] of byChar) {
    const alternation = list.join('|');
    let slot = slotOf.get(alternation);
    if (slot === undefined) {
      patterns.push(new RegExp(alternation, `${flags}y`));
      slot = patterns.length;
      if (slot > 0xff) return unfiltered();
      slotOf.set(alternation, slot);
    }
    slots[c.charCodeAt(0)] = slot;
  }
  return { slots, patterns };
}

/**
 * Where the first match of the table's alternation at or after `from` starts, or -1: the same
 * start as the whole alternation's `exec` from `lastIndex = from` would give.
 */
export function nextMatchAt(table: FirstCharTable, text: string, from: number): number {
  const { slots, patterns } = table;
  const length = text.length;
  for (let at = from; at < length; at++) {
    const slot = slots[text.charCodeAt(at)] as number;
    if (slot === 0) continue;
    const pattern = patterns[slot - 1] as RegExp;
    pattern.lastIndex = at;
    if (pattern.test(text)) return at;
  }
  return -1;
}

type Firsts = { chars: Set<string>; nullable: boolean };

function alternationFirsts(source: string, noLatin: boolean): Firsts | null {
  const out: Firsts = { chars: new Set<string>(), nullable: false };
  for (const branch of branches(source)) {
    const firsts = branchFirsts(branch, noLatin);
    if (firsts === null) return null;
    for (const c of firsts.chars) out.chars.add(c);
    out.nullable ||= firsts.nullable;
  }
  return out;
}

/** The top-level branches of an alternation (outside groups and classes). */
function branches(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Where the group opening at `open` closes, or -1. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** A quantifier, lazy or not; the ones that allow no repetition at all are optional. */
const QUANTIFIER = /^(?:[?*+]|\{\d+(?:,\d*)?\})\??/;
const OPTIONAL = /^(?:[?*]|\{0[,}])/;
const DIGITS = '0123456789';

/** The first characters of a branch, and whether it can match the empty string. */
function branchFirsts(branch: string, noLatin: boolean): Firsts | null {
  if (branch === '') return { chars: new Set(), nullable: true };
  // Lookarounds, anchors and \b consume nothing: what follows them starts the match.
  if (/^\(\?<?[=!]/.test(branch)) {
    const end = groupEnd(branch, 0);
    return end < 0 || QUANTIFIER.test(branch.slice(end + 1)) ? null : branchFirsts(branch.slice(end + 1), noLatin);
  }
  if (branch.startsWith('\\b')) return branchFirsts(branch.slice(2), noLatin);
  if (branch[0] === '^' || branch[0] === '$') return branchFirsts(branch.slice(1), noLatin);
  let first: Firsts | null;
  let rest: string;
  if (branch[0] === '(') {
    const end = groupEnd(branch, 0);
    if (end < 0) return null;
    const inner = branch.startsWith('(?:')
      ? branch.slice(3, end)
      : branch.startsWith('(?<')
        ? branch.slice(branch.indexOf('>') + 1, end)
        : branch.slice(1, end);
    first = alternationFirsts(inner, noLatin);
    rest = branch.slice(end + 1);
  } else {
    const plainClass = /^\[([^\]\\^-]+)\]/.exec(branch);
    const token = plainClass?.[0] ?? (branch.startsWith('\\d') ? '\\d' : branch[0] && !'\\[.|)'.includes(branch[0]) ? branch[0] : null);
    if (token === null) return null;
    const chars = plainClass ? [...(plainClass[1] ?? '')] : token === '\\d' ? [...DIGITS] : [token];
    first = { chars: new Set(), nullable: false };
    for (const c of chars) {
      // Text with no Latin letter: a branch that needs one first cannot match it.
      if (/[A-Za-z]/.test(c) && noLatin) continue;
      first.chars.add(c.toLowerCase()).add(c.toUpperCase());
    }
    rest = branch.slice(token.length);
  }
  if (first === null) return null;
  const quantifier = QUANTIFIER.exec(rest)?.[0] ?? '';
  rest = rest.slice(quantifier.length);
  // An optional first token, or one that may match nothing: what follows may start the match too.
  if (!first.nullable && !OPTIONAL.test(quantifier)) return first;
  const after = branchFirsts(rest, noLatin);
  if (after === null) return null;
  for (const c of after.chars) first.chars.add(c);
  return { chars: first.chars, nullable: after.nullable };
}

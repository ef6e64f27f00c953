/** Notes longer than this are cut: nobody types more after a call, and rules stay linear. */
export const MAX_NOTE_CHARS = 4000;

/** Anything the replacements of `normalizeText` would change, after NFKC. */
const REPLACED = /[\u3001\u3002「」『』【】\u200b-\u200d\ufeff\r\t\u3000]| {2}/;

/**
 * Full-width letters, digits and punctuation become half-width (NFKC), Chinese punctuation that
 * NFKC keeps (、。「」) is mapped to ASCII, and runs of spaces collapse. Newlines are kept: the
 * template form is line-based.
 */
export function normalizeText(input: string): string {
  const folded = input.slice(0, MAX_NOTE_CHARS).normalize('NFKC');
  // Most notes hold none of what the replacements below change (NFKC has already turned the
  // ideographic space into a space): one scan instead of six.
  if (!REPLACED.test(folded)) return folded.trim();
  return folded
    .replace(/[\u3001]/g, ',')
    .replace(/[\u3002]/g, '.')
    .replace(/[「」『』【】]/g, ' ')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+/g, ' ')
    .trim();
}

/** `,` `.` `;` `!` `?` and the newline: what ends a clause (/[,.;!?\n]/ on one code, no string made). */
export const isClauseEnd = (c: number) => c === 0x2c || c === 0x2e || c === 0x3b || c === 0x21 || c === 0x3f || c === 0x0a;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Splits into clauses at punctuation and newlines, keeping each clause's start offset: the runs
 * between clause ends, trimmed, empty ones left out (a loop over the codes, not a regex per run).
 * A comma or point between digits is part of a number (`USD 68,500 已发`), not the end of a clause.
 */
export function clauses(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  // The length read once: the notes' strings come in many of V8's string shapes (flat, sliced,
  // concatenated; one- or two-byte), which can make `.length` a megamorphic load, not a field read.
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    if (i < length) {
      const c = text.charCodeAt(i);
      if (!isClauseEnd(c)) continue;
      if ((c === 0x2c || c === 0x2e) && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) continue;
    }
    if (i > start) {
      const run = text.slice(start, i);
      const trimmed = run.trim();
      if (trimmed) out.push({ text: trimmed, start: start + run.indexOf(trimmed) });
    }
    start = i + 1;
  }
  return out;
}

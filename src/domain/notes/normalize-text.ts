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

/**
 * Splits into clauses at punctuation and newlines, keeping each clause's start offset. A comma
 * or point between digits is part of a number (`USD 68,500 已发`), not the end of a clause.
 */
export function clauses(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  const re = /(?:[^,.;!?\n]|(?<=\d)[,.](?=\d))+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const trimmed = m[0].trim();
    if (trimmed) out.push({ text: trimmed, start: m.index + m[0].indexOf(trimmed) });
  }
  return out;
}

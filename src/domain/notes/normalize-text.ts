/** Notes longer than this are cut: nobody types more after a call, and rules stay linear. */
export const MAX_NOTE_CHARS = 4000;

/**
 * Full-width letters, digits and punctuation become half-width (NFKC), Chinese punctuation that
 * NFKC keeps (、。「」) is mapped to ASCII, and runs of spaces collapse. Newlines are kept: the
 * template form is line-based.
 */
export function normalizeText(input: string): string {
  return input
    .slice(0, MAX_NOTE_CHARS)
    .normalize('NFKC')
    .replace(/[\u3001]/g, ',')
    .replace(/[\u3002]/g, '.')
    .replace(/[「」『』【】]/g, ' ')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+/g, ' ')
    .trim();
}

/** Splits into clauses at punctuation and newlines, keeping each clause's start offset. */
export function clauses(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  const re = /[^,.;!?\n]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const trimmed = m[0].trim();
    if (trimmed) out.push({ text: trimmed, start: m.index + m[0].indexOf(trimmed) });
  }
  return out;
}

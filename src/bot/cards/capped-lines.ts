/**
 * The first `max` items as lines, then one line counting the rest (`more(rest)`) when there are
 * more: how a card lists customers without growing past what a phone shows.
 */
export function cappedLines<T>(items: readonly T[], max: number, line: (item: T) => string, more: (rest: number) => string): string[] {
  const lines = items.slice(0, max).map(line);
  if (items.length > max) lines.push(more(items.length - max));
  return lines;
}

import { parseNote, type ParsedNote } from '../../src/domain/notes/index.js';

export const NOW = new Date('2026-11-25T10:00:00+08:00');

/** A parser draft for a note, with overrides: the shape the bot hands the domain. */
export function draftFor(
  text: string,
  overrides: Partial<ParsedNote> = {},
  knownCustomers: { id: string; name: string; aliases?: string[] }[] = [],
): ParsedNote {
  return { ...parseNote(text, { now: NOW, timeZone: 'Asia/Shanghai', knownCustomers }), ...overrides };
}

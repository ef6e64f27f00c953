export { parseNote, isActionable } from './parse-note.js';
export { warmUpNoteParser } from './warm-up.js';
export { createNoteExtractor, type ModelPort, type NoteExtractor } from './note-extractor.js';
export { parsedNoteSchema, type ParsedNote, type KnownCustomer, type ParseOptions, type Channel, type Stage } from './schema.js';

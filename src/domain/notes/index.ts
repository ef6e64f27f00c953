export { parseNote, isActionable } from './parse-note.js';
export { parsedNoteSchema, type ParsedNote, type KnownCustomer, type ParseOptions, type Channel, type Stage } from './schema.js';

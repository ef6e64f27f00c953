import { createInterface } from 'node:readline';
import { parseNote } from '../../domain/notes/index.js';
import type { CliCommand } from '../types.js';

const USAGE =
  'genjin parse --now <ISO8601> [--tz Asia/Shanghai] "note text"\n       genjin parse --now <ISO8601> [--tz Asia/Shanghai] --jsonl < notes.jsonl';

type Flags = { now: Date; timeZone: string; jsonl: boolean; text: string | null };

function readFlags(args: string[]): Flags | string {
  let now = new Date();
  let timeZone = 'Asia/Shanghai';
  let jsonl = false;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--now') {
      const value = args[++i] ?? '';
      now = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(now.getTime()))
        return `--now must be an ISO 8601 time such as 2026-11-25T10:00:00+08:00 (got "${value}")`;
    } else if (arg === '--tz') {
      timeZone = args[++i] ?? '';
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
      } catch {
        return `--tz must be an IANA time zone such as Asia/Shanghai (got "${timeZone}")`;
      }
    } else if (arg === '--jsonl') {
      jsonl = true;
    } else {
      rest.push(arg);
    }
  }
  if (!jsonl && rest.length !== 1) return 'give the note as one quoted argument, or --jsonl to read JSON lines from stdin';
  return { now, timeZone, jsonl, text: jsonl ? null : (rest[0] ?? '') };
}

/** Prints the parser's draft as JSON: one object, or one per input line with --jsonl. No database needed. */
export const parseCommand: CliCommand = {
  name: 'parse',
  summary: 'parse a follow-up note (or JSON lines with a "text" field) into the draft JSON',
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin parse: ${flags}\nusage: ${USAGE}\n`);
      return 2;
    }
    const opts = { now: flags.now, timeZone: flags.timeZone };
    if (!flags.jsonl) {
      io.stdout.write(`${JSON.stringify(parseNote(flags.text ?? '', opts))}\n`);
      return 0;
    }
    let lineNo = 0;
    let bad = 0;
    for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      let text = '';
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === 'object' && 'text' in parsed && typeof parsed.text === 'string') text = parsed.text;
        else throw new Error('no "text" string field');
      } catch (err) {
        // One output line per input line keeps outputs aligned with inputs for scoring.
        bad++;
        io.stderr.write(`genjin parse: line ${lineNo}: ${(err as Error).message}; parsed as empty text\n`);
      }
      io.stdout.write(`${JSON.stringify(parseNote(text, opts))}\n`);
    }
    return bad > 0 ? 1 : 0;
  },
};

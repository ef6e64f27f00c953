import { mergeModelDraft, modelDraftSchema } from './merge-model-draft.js';
import { parseNote } from './parse-note.js';
import type { ParseOptions, ParsedNote } from './schema.js';

/** The model as the domain sees it: text in, text out (the HTTP client lives in src/llm). */
export type ModelPort = { complete(system: string, user: string): Promise<string> };
type Log = { warn(obj: object, msg: string): void };

const SYSTEM_PROMPT = `You extract CRM follow-up notes into JSON. Answer with one JSON object only, with these keys:
customer (organisation as written, not the person), contact (the person spoken to, as written, e.g. 王总),
channel (call|wechat|visit|email|meeting|other), stage (lead|qualified|proposal|quote|negotiation|won|lost; a plan does not change the stage),
amount (number in the note's currency, 50万 = 500000), currency (ISO code, CNY unless stated),
nextFollowUpAt (ISO 8601 with offset, only for a fixed day; vague phrases like 下周 or 过段时间 are null),
nextStep, needs. Use null for anything the note does not state. Never invent.`;

/**
 * The parser used by the bot: the rules, optionally helped by a model. Any model failure
 * (error, timeout, invalid JSON, wrong shape) leaves the rules' draft as the answer.
 */
export function createNoteExtractor(deps: { model: ModelPort | null; log?: Log }) {
  return {
    async extract(text: string, opts: ParseOptions): Promise<ParsedNote> {
      const rules = parseNote(text, opts);
      if (!deps.model) return rules;
      try {
        const user = `Now: ${opts.now.toISOString()} (time zone ${opts.timeZone}, weeks start on Monday).\nNote:\n${text.slice(0, 4000)}`;
        const raw = await deps.model.complete(SYSTEM_PROMPT, user);
        // Some servers wrap JSON mode answers in a Markdown fence.
        const parsed = modelDraftSchema.safeParse(JSON.parse(raw.trim().replace(/^```(?:json)?\s*|\s*```$/g, '')));
        if (!parsed.success) {
          deps.log?.warn({ issues: parsed.error.issues.length }, 'model answer did not match the draft schema; using the rules alone');
          return rules;
        }
        return mergeModelDraft(rules, parsed.data, text);
      } catch (err) {
        deps.log?.warn({ err: (err as Error).name, message: (err as Error).message }, 'model extraction failed; using the rules alone');
        return rules;
      }
    },
  };
}

export type NoteExtractor = ReturnType<typeof createNoteExtractor>;

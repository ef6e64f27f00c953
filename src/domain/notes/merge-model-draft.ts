import { z } from 'zod';
import { CHANNELS, STAGES, type ParsedNote } from './schema.js';

/** What we ask the model for: the contract's fields, every one optional. */
export const modelDraftSchema = z
  .object({
    customer: z.string().min(1).max(200).nullable(),
    contact: z.string().min(1).max(100).nullable(),
    channel: z.enum(CHANNELS).nullable(),
    stage: z.enum(STAGES).nullable(),
    amount: z.number().nonnegative().finite().nullable(),
    currency: z.string().length(3).nullable(),
    nextFollowUpAt: z.string().nullable(),
    nextStep: z.string().max(500).nullable(),
    needs: z.string().max(500).nullable(),
  })
  .partial();

export type ModelDraft = z.infer<typeof modelDraftSchema>;

const compact = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
/** Text that names a fixed day; without it a model's date is a guess (下周, 过段时间 → null). */
const FIXED_DAY_HINT =
  /\d|[一二三四五六七八九十]+\s*[日号]|[周星期礼拜][一二三四五六日天]|明天|后天|今天|月底|月末|月初|tomorrow|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday/i;
const AMOUNT_HINT = /\d|[一二两三四五六七八九十百千万亿]/;

/**
 * Merges a validated model draft into the rules' draft. Rules win on dates and amounts they
 * found; the model fills what the rules missed and may name the customer and contact, but only
 * with words that appear in the note, so a hallucinated name never becomes a record.
 */
export function mergeModelDraft(rules: ParsedNote, model: ModelDraft, text: string): ParsedNote {
  const note = compact(text);
  const inNote = (value: string | null | undefined): value is string => Boolean(value && note.includes(compact(value)));
  const merged: ParsedNote = { ...rules };

  if (inNote(model.customer)) {
    const agrees = rules.customer !== null && compact(rules.customer).includes(compact(model.customer));
    if (!rules.customer || rules.customerCandidates.length === 0 || agrees) merged.customer = agrees ? rules.customer : model.customer;
    merged.confidence = agrees ? Math.max(rules.confidence, 0.9) : rules.customer ? Math.min(rules.confidence, 0.6) : 0.7;
  }
  if (inNote(model.contact)) merged.contact = model.contact;
  merged.channel = model.channel ?? rules.channel;
  merged.stage = model.stage ?? rules.stage;
  merged.nextStep = model.nextStep ?? rules.nextStep;
  merged.needs = model.needs ?? rules.needs;

  if (rules.amount === null && model.amount !== undefined && model.amount !== null && AMOUNT_HINT.test(text)) {
    merged.amount = model.amount;
    merged.currency = model.currency ?? rules.currency;
  }
  if (rules.nextFollowUpAt === null && model.nextFollowUpAt && FIXED_DAY_HINT.test(text)) {
    const at = new Date(model.nextFollowUpAt);
    if (!Number.isNaN(at.getTime()) && /[+-]\d{2}:\d{2}$|Z$/.test(model.nextFollowUpAt)) merged.nextFollowUpAt = model.nextFollowUpAt;
  }
  return merged;
}

import type { AttachedIndex } from './known-customer-index.js';
import { z } from 'zod';

export const CHANNELS = ['call', 'wechat', 'visit', 'email', 'meeting', 'other'] as const;
export const STAGES = ['lead', 'qualified', 'proposal', 'quote', 'negotiation', 'won', 'lost'] as const;

/** The parser's output: the contract in docs/parsing.md, plus the known customers it may mean. */
export const parsedNoteSchema = z.object({
  customer: z.string().nullable(),
  contact: z.string().nullable(),
  channel: z.enum(CHANNELS).nullable(),
  stage: z.enum(STAGES).nullable(),
  amount: z.number().nonnegative().nullable(),
  currency: z.string().length(3),
  /** ISO 8601 with the workspace zone's offset, e.g. 2026-12-01T09:00:00+08:00. */
  nextFollowUpAt: z.string().nullable(),
  nextStep: z.string().nullable(),
  needs: z.string().nullable(),
  summary: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  tier: z.enum(['A', 'B', 'C']).nullable(),
  /** How sure the parser is of `customer`, 0..1; the bot asks when it is low. */
  confidence: z.number().min(0).max(1),
  /** Known customers the note may mean, best first; empty when none were given. */
  customerCandidates: z.array(z.object({ id: z.string(), name: z.string(), score: z.number().min(0).max(1) })),
});

export type ParsedNote = z.infer<typeof parsedNoteSchema>;
export type Channel = (typeof CHANNELS)[number];
export type Stage = (typeof STAGES)[number];
export type KnownCustomer = { id: string; name: string; aliases?: string[] };

export type ParseOptions = {
  now: Date;
  timeZone: string;
  /** The workspace's customers the note may name: a list (scanned), or a cache's index with the ones in scope (`AttachedIndex`). */
  knownCustomers?: KnownCustomer[] | AttachedIndex;
  /** Hour given to a date written without a time. */
  defaultHour?: number;
};

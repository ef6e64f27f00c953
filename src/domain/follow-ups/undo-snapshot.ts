import { z } from 'zod';
import { STAGES, TIERS, type CustomerSnapshot } from '../../db/schema/index.js';
import type { CustomerRecord } from '../customers/customers-repo.js';

/**
 * What `follow_ups.customer_before` holds: the customer before the follow-up was applied, plus
 * what undo needs to take back. `phone`, `email` and `createdContactIds` were added later; rows
 * written before them lack the keys, and their undo leaves phone, email and contacts alone.
 */
export type UndoSnapshot = CustomerSnapshot & {
  created?: boolean;
  phone?: string | null;
  email?: string | null;
  /** Contacts this follow-up (or an edit of it) added to the customer. */
  createdContactIds?: number[];
};

const snapshotSchema = z.object({
  stage: z.enum(STAGES),
  amount: z.number().nullable(),
  currency: z.string(),
  lastFollowUpAt: z.string().nullable().catch(null),
  nextFollowUpAt: z.string().nullable(),
  tier: z.enum(TIERS).nullable().catch(null),
  tags: z.array(z.string()).catch([]),
  created: z.boolean().optional(),
  phone: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  createdContactIds: z.array(z.number().int()).optional(),
});

export function snapshotOf(customer: CustomerRecord, created: boolean, createdContactIds: number[]): UndoSnapshot {
  return {
    stage: customer.stage,
    amount: customer.amount,
    currency: customer.currency,
    lastFollowUpAt: customer.lastFollowUpAt?.toISOString() ?? null,
    nextFollowUpAt: customer.nextFollowUpAt?.toISOString() ?? null,
    tier: customer.tier,
    tags: customer.tags,
    created,
    phone: customer.phone,
    email: customer.email,
    createdContactIds,
  };
}

/** The stored snapshot, or null when there is none or it is not one we wrote. */
export function readSnapshot(value: unknown): UndoSnapshot | null {
  const parsed = snapshotSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const noteEffectSchema = z.object({
  contact: z.string().nullable().catch(null),
  tier: z.enum(TIERS).nullable().catch(null),
  tags: z.array(z.string()).catch([]),
  phone: z.string().nullable().catch(null),
  email: z.string().nullable().catch(null),
});

/** What a follow-up's stored draft (`follow_ups.parsed`) says about the customer beyond its own columns. */
export type NoteEffect = z.infer<typeof noteEffectSchema>;

export function readNoteEffect(parsed: unknown): NoteEffect {
  return noteEffectSchema.parse(typeof parsed === 'object' && parsed !== null ? parsed : {});
}

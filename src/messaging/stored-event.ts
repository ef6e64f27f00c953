import { z } from 'zod';
import { PLATFORM_NAME_RE } from '../lib/platform-name.js';
import { addressSchema } from './card-schema.js';
import type { InboundEvent } from './types.js';

/**
 * The normalized event as the inbox stores it (`inbound_events.payload`), and its reading back.
 * The work after an acknowledgement runs from this row, so it must survive a restart and a
 * deploy: dates travel as ISO strings and the shape is checked when read, never cast.
 */
const platform = z.string().regex(PLATFORM_NAME_RE);

const messageEvent = z.object({
  type: z.literal('message'),
  platform,
  eventId: z.string().min(1),
  tenant: z.string().min(1),
  messageId: z.string().min(1),
  conversation: addressSchema,
  chatType: z.enum(['direct', 'group']),
  senderId: z.string().min(1),
  text: z.string(),
  mentionsBot: z.boolean(),
  mentions: z
    .array(z.object({ id: z.string().min(1).max(191), name: z.string().max(100) }))
    .max(50)
    .optional(),
  sentAt: z.coerce.date(),
});

const cardActionEvent = z.object({
  type: z.literal('card_action'),
  platform,
  eventId: z.string().min(1),
  tenant: z.string().min(1),
  operatorId: z.string().min(1),
  action: z.object({ name: z.string().min(1), args: z.record(z.string(), z.string()) }),
  values: z.record(z.string(), z.string()).optional(),
  form: z.record(z.string(), z.string()).optional(),
  conversation: addressSchema.optional(),
  messageId: z.string().optional(),
});

const storedEvent = z.discriminatedUnion('type', [messageEvent, cardActionEvent]);

/** JSON-safe form of an event (`Date` becomes an ISO string). */
export function toStoredEvent(event: InboundEvent): Record<string, unknown> {
  return event.type === 'message' ? { ...event, sentAt: event.sentAt.toISOString() } : { ...event };
}

/** The event back from its row; null when the row holds something this version cannot run. */
export function fromStoredEvent(payload: unknown): InboundEvent | null {
  const parsed = storedEvent.safeParse(payload);
  return parsed.success ? parsed.data : null;
}

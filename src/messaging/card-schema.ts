import { z } from 'zod';
import { PLATFORM_NAME_RE } from '../lib/platform-name.js';
import type { Address, Card, CardControl, MessengerPayload, OutboundMessage } from './types.js';

/**
 * zod forms of the neutral types, for what comes back from storage (outbox payloads outlive a
 * deploy). Typed against the TypeScript types, so the two cannot drift apart.
 */
export const addressSchema: z.ZodType<Address> = z.object({
  platform: z.string().regex(PLATFORM_NAME_RE),
  kind: z.enum(['user', 'chat']),
  id: z.string().min(1).max(191),
});

/** Rows written before addresses (`feishu:oc_…`, `wecom:bot:…`, `wecom:<userid>`) still deliver. */
const legacyAddress = z.string().transform((value, ctx): Address => {
  const [platform = '', ...rest] = value.split(':');
  const id = rest.join(':');
  if (platform === 'wecom' && id.startsWith('bot:')) return { platform, kind: 'chat', id: id.slice(4) };
  if (platform === 'feishu') return { platform, kind: id.startsWith('ou_') ? 'user' : 'chat', id };
  if (platform === 'wecom' && id) return { platform, kind: 'user', id };
  ctx.addIssue({ code: 'custom', message: `not an address: ${value.slice(0, 40)}` });
  return z.NEVER;
});

const action = z.object({ name: z.string().min(1), args: z.record(z.string(), z.string()) });
const fields = z.array(z.object({ label: z.string(), value: z.string() }));
const button = z.object({ label: z.string(), style: z.enum(['primary', 'danger', 'default']).optional(), action });
const option = z.object({ label: z.string(), value: z.string() });
const controlBase = { name: z.string().min(1), placeholder: z.string(), submitLabel: z.string(), action };
const control: z.ZodType<CardControl> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('select'), ...controlBase, options: z.array(option), initial: z.string().optional() }),
  z.object({ kind: z.literal('person'), ...controlBase, people: z.array(z.object({ id: z.string(), name: z.string() })) }),
  z.object({ kind: z.literal('date'), ...controlBase, initial: z.string().optional(), choices: z.array(option) }),
]);

export const cardSchema: z.ZodType<Card> = z.object({
  title: z.string(),
  tone: z.enum(['blue', 'green', 'orange', 'red', 'grey']),
  mentions: z.array(z.object({ user: addressSchema, name: z.string() })).optional(),
  fields: fields.optional(),
  text: z.string().optional(),
  sections: z
    .array(
      z.object({
        title: z.string().optional(),
        rows: z.array(
          z.object({ text: z.string(), fields: fields.optional(), buttons: z.array(button).optional(), control: control.optional() }),
        ),
      }),
    )
    .optional(),
  chart: z
    .object({
      title: z.string(),
      categories: z.array(z.string()),
      series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })),
    })
    .optional(),
  controls: z.array(control).optional(),
  notes: z.array(z.string()).optional(),
  buttons: z.array(button).optional(),
  form: z
    .object({
      name: z.string(),
      submitLabel: z.string(),
      submit: action,
      fallbackText: z.string().optional(),
      fallbackButton: button.optional(),
      inputs: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          value: z.string().optional(),
          placeholder: z.string().optional(),
          multiline: z.boolean().optional(),
        }),
      ),
    })
    .optional(),
});

export const messageSchema: z.ZodType<OutboundMessage> = z.union([
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('card'), card: cardSchema }),
]);

/** The outbox `payload` of a messenger delivery. */
export const messengerPayloadSchema: z.ZodType<MessengerPayload> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('send'),
    to: z.union([addressSchema, legacyAddress]),
    message: messageSchema,
    replyTo: z.string().optional(),
    idempotencyKey: z.string().optional(),
    link: z.object({ kind: z.enum(['follow_up', 'reminder']), id: z.number().int().positive() }).optional(),
  }),
  z.object({ kind: z.literal('update'), messageId: z.string().min(1), message: messageSchema, to: addressSchema.optional() }),
]);

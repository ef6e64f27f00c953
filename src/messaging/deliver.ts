import { z } from 'zod';
import type { OutboxRow } from '../delivery/outbox-worker.js';
import { AppError } from '../lib/errors.js';
import type { MessengerClient, OutboundMessage, Platform } from './types.js';

const actionSchema = z.object({ name: z.string(), args: z.record(z.string(), z.string()) });
const cardSchema = z.object({
  title: z.string(),
  tone: z.enum(['blue', 'green', 'orange', 'red', 'grey']),
  fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  text: z.string().optional(),
  notes: z.array(z.string()).optional(),
  buttons: z.array(z.object({ label: z.string(), style: z.enum(['primary', 'danger', 'default']).optional(), action: actionSchema })).optional(),
  form: z
    .object({
      name: z.string(),
      submitLabel: z.string(),
      submit: actionSchema,
      fallbackText: z.string().optional(),
      inputs: z.array(z.object({ name: z.string(), label: z.string(), value: z.string().optional(), placeholder: z.string().optional(), multiline: z.boolean().optional() })),
    })
    .optional(),
});
const messageSchema: z.ZodType<OutboundMessage> = z.union([
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('card'), card: cardSchema }),
]);
const conversationSchema = z.string().regex(/^(feishu|wecom):.+$/) as z.ZodType<`${Platform}:${string}`>;

/** The outbox `payload` of a messenger delivery; rows are ours, but they outlive deploys. */
export const messengerPayloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('send'), to: conversationSchema, message: messageSchema, replyTo: z.string().optional(), idempotencyKey: z.string().optional() }),
  z.object({ kind: z.literal('update'), messageId: z.string(), message: messageSchema }),
]);

/**
 * The outbox worker's `deliver`: routes a row to its platform's client by the target prefix.
 * A row no client can take (platform switched off, payload from an incompatible version) fails
 * for good with a message saying why, instead of retrying forever.
 */
export function createMessengerDeliver(clients: Partial<Record<Platform, MessengerClient>>) {
  return async (row: OutboxRow): Promise<{ ref?: string }> => {
    const platform = row.target.split(':', 1)[0];
    const client = platform === 'feishu' || platform === 'wecom' ? clients[platform] : undefined;
    if (!client) {
      throw new AppError('platform_error', `no messenger is configured for "${platform}"; set its environment variables or delete the row`, { retryable: false });
    }
    const parsed = messengerPayloadSchema.safeParse(row.payload);
    if (!parsed.success) throw new AppError('malformed', `outbox payload is not a messenger payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { retryable: false });
    const payload = parsed.data;
    if (payload.kind === 'send') {
      // Every retry of a row carries the same key (Feishu `uuid`, WeCom card task_id), so a send that
      // timed out after the platform took it is not shown twice when it is retried.
      const sent = await client.send(payload.to, payload.message, { replyTo: payload.replyTo, idempotencyKey: payload.idempotencyKey ?? `ob-${row.id}` });
      return { ref: sent.messageId };
    }
    await client.update(payload.messageId, payload.message);
    return {};
  };
}

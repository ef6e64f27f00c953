import type { OutboxRow } from '../delivery/outbox-worker.js';
import { AppError } from '../lib/errors.js';
import { adaptCard } from './adapt-card.js';
import type { PlatformAdapter } from './adapter.js';
import { messengerPayloadSchema } from './card-schema.js';
import type { CardLink, OutboundMessage } from './types.js';

/**
 * The outbox worker's `deliver`: parses the row, routes it to its platform's adapter, and fits a
 * card to the adapter's capabilities first. What one card cannot carry is sent right after it
 * (continuation cards); each part carries the row's key plus its index, so a retry of the row
 * is recognised by the platform part by part. A row no adapter can take (platform switched off,
 * payload from an incompatible version) fails for good with a message saying why. Returns the
 * platform's ref of the (first) message sent, and for a card that shows a row (`link`) that row:
 * the outbox worker stores the ref on it in the statement that marks the outbox row sent.
 */
export function createMessengerDeliver(adapters: ReadonlyMap<string, PlatformAdapter>) {
  return async (row: OutboxRow): Promise<{ ref?: string; link?: CardLink }> => {
    const parsed = messengerPayloadSchema.safeParse(row.payload);
    if (!parsed.success)
      throw new AppError('malformed', `outbox payload is not a messenger payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
        retryable: false,
      });
    const payload = parsed.data;
    const platform = payload.kind === 'send' ? payload.to.platform : (payload.to?.platform ?? row.target.split(':', 1)[0] ?? '');
    const adapter = adapters.get(platform);
    if (!adapter)
      throw new AppError(
        'platform_error',
        `no messenger is configured for "${platform}"; set its environment variables or delete the row`,
        { retryable: false },
      );
    const [first, ...rest] = fit(payload.message, adapter);
    if (!first) throw new AppError('malformed', 'nothing to send', { retryable: false });
    // Every retry of a row carries the same key (Feishu `uuid`, WeCom card task_id), so a send that
    // timed out after the platform took it is not shown twice when it is retried.
    const key = payload.kind === 'send' ? (payload.idempotencyKey ?? `ob-${row.id}`) : `ob-${row.id}`;
    let ref: string | undefined;
    if (payload.kind === 'send') {
      ref = await adapter.send(payload.to, first, { replyTo: payload.replyTo, idempotencyKey: key });
    } else {
      if (rest.length > 0 && !payload.to)
        throw new AppError('malformed', `update of ${payload.messageId} needs more than one card but has no address for the rest`, {
          retryable: false,
        });
      await adapter.update(payload.messageId, first);
    }
    const to = payload.to;
    for (const [i, part] of rest.entries()) if (to) await adapter.send(to, part, { idempotencyKey: `${key}-${i + 1}`.slice(0, 50) });
    // The card's row is linked to its ref by the outbox worker, in the statement that marks the row sent.
    if (!ref) return {};
    return payload.kind === 'send' && payload.link ? { ref, link: payload.link } : { ref };
  };
}

function fit(message: OutboundMessage, adapter: PlatformAdapter): OutboundMessage[] {
  if (message.kind === 'text') return [message];
  return adaptCard(message.card, adapter.capabilities).map((card) => ({ kind: 'card', card }));
}

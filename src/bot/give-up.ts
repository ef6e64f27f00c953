import { addressKey, userAddress, type InboundEvent, type MessengerPayload } from '../messaging/types.js';
import { TEXT } from './cards/i18n.js';
import type { BotDeps } from './context.js';

/**
 * Every attempt at an event failed: say so, once (dedupe key), so the rep sends it again instead
 * of believing it was logged. The workspace's language when it can be read, the default otherwise.
 */
export async function giveUp(deps: BotDeps, event: InboundEvent): Promise<void> {
  const workspace = await deps.users.findWorkspace(event.platform, event.tenant).catch(() => null);
  const t = TEXT[workspace?.locale ?? deps.config.locale];
  const to = event.type === 'message' ? event.conversation : (event.conversation ?? userAddress(event.platform, event.operatorId));
  const payload: MessengerPayload = {
    kind: 'send',
    to,
    message: { kind: 'text', text: event.type === 'message' ? t.noteLost : t.clickLost },
    ...(event.type === 'message' ? { replyTo: event.messageId, idempotencyKey: `x-${event.messageId}`.slice(0, 50) } : {}),
  };
  await deps.outbox.enqueue({
    target: addressKey(to),
    workspaceId: workspace?.id,
    dedupeKey: `giveup:${event.platform}:${event.eventId}`.slice(0, 191),
    payload,
  });
}

import type { PlatformAdapter } from '../../src/messaging/adapter.js';
import type { Address, OutboundMessage } from '../../src/messaging/types.js';
import { FEISHU_CAPABILITIES } from '../../src/platforms/feishu/adapter.js';
import type { FeishuClient } from '../../src/platforms/feishu/client.js';

/** The Feishu adapter's outbound side over a client the test built (with its own timeouts, base URL). */
export function feishuAdapterFor(client: Pick<FeishuClient, 'send' | 'update'>): Map<string, PlatformAdapter> {
  return new Map([
    [
      'feishu',
      {
        platform: 'feishu',
        capabilities: FEISHU_CAPABILITIES,
        send: (to: Address, message: OutboundMessage, opts?: { replyTo?: string; idempotencyKey?: string }) =>
          client.send(to, message, opts),
        update: (ref: string, message: OutboundMessage) => client.update(ref, message),
      },
    ],
  ]);
}

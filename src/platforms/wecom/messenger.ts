import type { MessengerClient } from '../../messaging/types.js';
import { BOT_PREFIX } from './smart-bot.js';

/**
 * One WeCom messenger for the outbox: `wecom:bot:<chat>` goes through the smart bot's long
 * connection, every other `wecom:<userid>` through the self-built app's API.
 */
export function createWecomMessenger(parts: { app: MessengerClient | null; bot: MessengerClient | null }): MessengerClient {
  const pick = (target: string): MessengerClient => {
    const client = target.startsWith(BOT_PREFIX) ? parts.bot : parts.app;
    if (!client) throw new Error(`no WeCom ${target.startsWith(BOT_PREFIX) ? 'smart bot (WECOM_BOT_ID)' : 'app (WECOM_CORP_ID)'} is configured for ${target}`);
    return client;
  };
  return {
    platform: 'wecom',
    send: (to, message, opts) => pick(to).send(to, message, opts),
    update: (messageId, message) => pick('wecom:').update(messageId, message),
  };
}

import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AcceptDeps } from '../../messaging/accept-inbound.js';
import type { Background, PlatformAdapter } from '../../messaging/adapter.js';
import { WECOM_CAPABILITIES } from './capabilities.js';
import { createWecomClient, type WecomClient } from './client.js';
import { sdkLogger } from '../sdk-logger.js';
import { createSmartBot, type SmartBotMessenger, type SmartBotSocket } from './smart-bot.js';
import { wecomWebhook } from './webhook.js';

export { WECOM_CAPABILITIES };

type Deps = { log: Logger; clock: Clock; accept: AcceptDeps; botSocket?: SmartBotSocket; tenant: string };

/**
 * WeCom behind the one port, with its two channels inside: the self-built app (webhook; reaches
 * members) and the smart bot (long connection; reaches group chats and its own single chats).
 * A person is reached through the app when it is configured, otherwise through the bot; a chat
 * always through the bot, as app group chats cannot carry interactive cards.
 * The smart bot's SDK is imported only when the bot is configured.
 */
export async function createWecomAdapter(config: { app: Config['wecom']; bot: Config['wecomBot'] }, deps: Deps): Promise<PlatformAdapter> {
  const routes = [];
  const background: Background[] = [];
  let app: WecomClient | null = null;
  if (config.app) {
    const c = config.app;
    app = createWecomClient({ corpId: c.corpId, agentId: c.agentId, secret: c.secret, baseUrl: c.baseUrl, log: deps.log });
    routes.push(wecomWebhook({ ...deps.accept, corpId: c.corpId, token: c.token, encodingAesKey: c.encodingAesKey, clock: deps.clock }));
  }
  let bot: SmartBotMessenger | null = null;
  if (config.bot) {
    const socket =
      deps.botSocket ??
      new (await import('@wecom/aibot-node-sdk')).WSClient({
        botId: config.bot.botId,
        secret: config.bot.secret,
        logger: sdkLogger(deps.log.child({ component: 'wecom-sdk' }), 'wecom sdk'),
      });
    const smartBot = createSmartBot({ socket, tenant: deps.tenant, accept: deps.accept, log: deps.log, now: () => deps.clock.now() });
    bot = smartBot.messenger;
    background.push({ start: () => smartBot.start(), stop: () => smartBot.stop() });
  }
  const missing = (what: string) =>
    new AppError('platform_error', `no WeCom ${what} is configured to reach this address`, { retryable: false });
  return {
    platform: 'wecom',
    capabilities: WECOM_CAPABILITIES,
    // 30 messages a minute to one member.
    sendLimit: { limit: 30, windowMs: 60_000 },
    routes,
    background,
    async send(to, message, opts) {
      if (to.kind === 'user' && app) return app.send(to, message, opts);
      if (!bot)
        throw missing(
          to.kind === 'chat' ? 'smart bot (WECOM_BOT_ID), which group chats need,' : 'app (WECOM_AGENT_ID) or smart bot (WECOM_BOT_ID)',
        );
      return bot.send(to, message, opts);
    },
    async update(ref, message) {
      if (!app) throw missing('app (WECOM_AGENT_ID), which updates cards by response code,');
      await app.update(ref, message);
    },
    async profile(userId) {
      const user = app ? await app.getUser(userId) : null;
      return user ? { name: user.name, managerId: user.managerUserId } : null;
    },
  };
}

import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { AcceptDeps } from '../messaging/accept-inbound.js';
import type { PlatformAdapter } from '../messaging/adapter.js';
import { createConsoleAdapter, type ConsoleHooks } from './console/adapter.js';
import { createFeishuAdapter } from './feishu/adapter.js';
import { createWecomAdapter } from './wecom/adapter.js';
import type { SmartBotSocket } from './wecom/smart-bot.js';

/** Every configured platform's adapter, by platform name: the only place that knows which exist. */
export function createAdapters(
  config: Config,
  deps: { log: Logger; clock: Clock; accept: AcceptDeps; wecomBotSocket?: SmartBotSocket; consoleHooks: ConsoleHooks },
): Map<string, PlatformAdapter> {
  const adapters = new Map<string, PlatformAdapter>();
  if (config.feishu) adapters.set('feishu', createFeishuAdapter(config.feishu, deps));
  if (config.wecom || config.wecomBot) {
    const tenant = config.wecom?.corpId ?? config.wecomBot?.corpId ?? '';
    adapters.set(
      'wecom',
      createWecomAdapter({ app: config.wecom, bot: config.wecomBot }, { ...deps, botSocket: deps.wecomBotSocket, tenant }),
    );
  }
  if (config.console) {
    adapters.set(
      'console',
      createConsoleAdapter({ token: config.console.token, teams: config.teams }, { ...deps, hooks: deps.consoleHooks }),
    );
  }
  return adapters;
}

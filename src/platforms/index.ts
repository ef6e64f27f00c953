import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { AcceptDeps } from '../messaging/accept-inbound.js';
import type { PlatformAdapter } from '../messaging/adapter.js';
import { createConsoleAdapter, type ConsoleHooks } from './console/adapter.js';
import { createFeishuAdapter } from './feishu/adapter.js';
import { createWecomAdapter } from './wecom/adapter.js';
import type { SmartBotSocket } from './wecom/smart-bot.js';

/**
 * Every configured platform's adapter, by platform name: the only place that knows which exist.
 * `sends`: this process sends through them (the worker, or everything in one process), so their
 * clients are loaded now rather than on the first send; a web process only receives.
 * `consoleHooks`: required when the console is on.
 */
export async function createAdapters(
  config: Config,
  deps: { log: Logger; clock: Clock; accept: AcceptDeps; sends: boolean; wecomBotSocket?: SmartBotSocket; consoleHooks?: ConsoleHooks },
): Promise<Map<string, PlatformAdapter>> {
  const adapters = new Map<string, PlatformAdapter>();
  if (config.feishu) adapters.set('feishu', await createFeishuAdapter(config.feishu, deps));
  if (config.wecom || config.wecomBot) {
    const tenant = config.wecom?.corpId ?? config.wecomBot?.corpId ?? '';
    adapters.set(
      'wecom',
      await createWecomAdapter({ app: config.wecom, bot: config.wecomBot }, { ...deps, botSocket: deps.wecomBotSocket, tenant }),
    );
  }
  if (config.console) {
    if (!deps.consoleHooks) throw new Error('the console needs its hooks (the services): compose it with composeGenjin');
    const hooks = deps.consoleHooks;
    adapters.set('console', createConsoleAdapter({ token: config.console.token, teams: config.teams }, { ...deps, hooks }));
  }
  return adapters;
}

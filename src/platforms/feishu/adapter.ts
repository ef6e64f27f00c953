import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { AcceptDeps } from '../../messaging/accept-inbound.js';
import type { Background, PlatformAdapter } from '../../messaging/adapter.js';
import type { Capabilities } from '../../messaging/types.js';
import { readFeishuBotOpenId } from './bot-info.js';
import type { FeishuClient } from './client.js';
import { feishuWebhook } from './webhook.js';

/** Card JSON 2.0: forms, native pickers that call back on choice, rows with their own buttons, @-mentions, PATCH by message id. */
export const FEISHU_CAPABILITIES: Capabilities = {
  inputs: true,
  controls: 20,
  maxOptions: 100,
  controlsCallBack: true,
  personPicker: true,
  datePicker: true,
  maxButtons: 20,
  maxLabel: 40,
  sections: true,
  mentions: true,
  charts: true,
  updateById: true,
};

/**
 * Feishu/Lark behind the one port: events through the signed webhook or the SDK's long
 * connection (`FEISHU_MODE`), messages and card updates through the Open API.
 *
 * The SDK (client.ts, websocket.ts) is imported only where it is used: at creation when this
 * process sends (`sends`: the worker, or everything in one process) or holds the long connection,
 * otherwise on a first send. A web process on the webhook never loads it.
 */
export async function createFeishuAdapter(
  config: NonNullable<Config['feishu']>,
  deps: { log: Logger; clock: Clock; accept: AcceptDeps; sends: boolean },
): Promise<PlatformAdapter> {
  let loading: Promise<FeishuClient> | null = null;
  const client = () =>
    (loading ??= import('./client.js').then(({ createFeishuClient }) =>
      createFeishuClient({ appId: config.appId, appSecret: config.appSecret, baseUrl: config.baseUrl, log: deps.log }),
    ));
  if (deps.sends) await client();
  let botOpenId: string | null = null;
  const readBotOpenId = () =>
    readFeishuBotOpenId({ appId: config.appId, appSecret: config.appSecret, baseUrl: config.baseUrl }).then(
      (id) => void (botOpenId = id),
      (err: unknown) =>
        deps.log.warn(
          { err: (err as Error).message },
          "cannot read the bot's own open_id; group mentions are matched loosely until it can",
        ),
    );
  const background: Background[] = [{ start: () => void readBotOpenId(), stop: () => undefined }];
  const eventDeps = { ...deps.accept, botOpenId: () => botOpenId };
  const routes = [];
  if (config.mode === 'webhook') {
    routes.push(
      feishuWebhook({ ...eventDeps, clock: deps.clock, verificationToken: config.verificationToken, encryptKey: config.encryptKey }),
    );
  } else {
    const { createFeishuEventDispatcher, startFeishuWebSocket } = await import('./websocket.js');
    let ws: { close(): void } | null = null;
    background.push({
      start: () =>
        (ws = startFeishuWebSocket({
          appId: config.appId,
          appSecret: config.appSecret,
          baseUrl: config.baseUrl,
          log: deps.log,
          dispatcher: createFeishuEventDispatcher(eventDeps),
        })),
      stop: () => ws?.close(),
    });
  }
  return {
    platform: 'feishu',
    capabilities: FEISHU_CAPABILITIES,
    // 5 messages a second to one chat or user.
    sendLimit: { limit: 5, windowMs: 1000 },
    routes,
    background,
    send: async (to, message, opts) => (await client()).send(to, message, opts),
    update: async (ref, message) => (await client()).update(ref, message),
    async profile(userId) {
      const profile = await (await client()).getUserProfile(userId);
      return profile ? { name: profile.name, managerId: profile.managerOpenId } : null;
    },
  };
}

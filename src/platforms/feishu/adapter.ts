import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { AcceptDeps } from '../../messaging/accept-inbound.js';
import type { Background, PlatformAdapter } from '../../messaging/adapter.js';
import type { Capabilities } from '../../messaging/types.js';
import { createFeishuClient } from './client.js';
import { feishuWebhook } from './webhook.js';
import { createFeishuEventDispatcher, startFeishuWebSocket } from './websocket.js';

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
 */
export function createFeishuAdapter(
  config: NonNullable<Config['feishu']>,
  deps: { log: Logger; clock: Clock; accept: AcceptDeps },
): PlatformAdapter {
  const client = createFeishuClient({ appId: config.appId, appSecret: config.appSecret, baseUrl: config.baseUrl, log: deps.log });
  let botOpenId: string | null = null;
  const background: Background[] = [{ start: () => void client.getBotOpenId().then((id) => (botOpenId = id)), stop: () => undefined }];
  const eventDeps = { ...deps.accept, botOpenId: () => botOpenId };
  const routes = [];
  if (config.mode === 'webhook') {
    routes.push(
      feishuWebhook({ ...eventDeps, clock: deps.clock, verificationToken: config.verificationToken, encryptKey: config.encryptKey }),
    );
  } else {
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
    send: (to, message, opts) => client.send(to, message, opts),
    update: (ref, message) => client.update(ref, message),
    async profile(userId) {
      const profile = await client.getUserProfile(userId);
      return profile ? { name: profile.name, managerId: profile.managerOpenId } : null;
    },
  };
}

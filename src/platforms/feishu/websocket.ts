import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { sdkLogger } from '../sdk-logger.js';
import { decodeFeishuBody } from './decode.js';
import { processFeishuEvent, type FeishuEventDeps } from './process-event.js';

/**
 * The SDK's dispatcher flattens a v2 envelope into `{ ...header, ...event }`; our decoder reads
 * envelopes, so the two header parts are put back where they came from.
 */
function toEnvelope(data: Record<string, unknown>): Record<string, unknown> {
  const { schema, event_id, event_type, create_time, token, tenant_key, app_id, ...event } = data;
  return { schema: schema ?? '2.0', header: { event_id, event_type, create_time, token, tenant_key, app_id }, event };
}

/**
 * Event and card-callback handlers for the long connection, feeding the same decoder, inbox,
 * queue and bot as the webhook. The connection itself is authenticated, so there is no
 * signature or token to check; a card handler's return value travels back as the callback answer.
 */
export function createFeishuEventDispatcher(deps: FeishuEventDeps & { botOpenId: () => string | null }): lark.EventDispatcher {
  const handle = async (data: Record<string, unknown>) => {
    const decoded = decodeFeishuBody(toEnvelope(data), { botOpenId: deps.botOpenId() });
    if (decoded.kind === 'malformed') {
      deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'rejected' });
      deps.log.warn({ eventType: decoded.eventType, issues: decoded.issues }, 'feishu long-connection event malformed');
      return {};
    }
    if (decoded.kind !== 'event') {
      deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'ignored' });
      return {};
    }
    const answer = await processFeishuEvent(deps, decoded.event, decoded.eventType);
    // Not acknowledging makes Feishu push the event again, as a 503 does for the webhook.
    if (answer.status >= 500) throw new Error('event not recorded; leaving it unacknowledged');
    return answer.body;
  };
  return new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.warn }).register({
    'im.message.receive_v1': (data) => handle(data as unknown as Record<string, unknown>),
    'card.action.trigger': (data: unknown) => handle(data as Record<string, unknown>),
  } as Record<string, (data: unknown) => Promise<unknown>>);
}

/** FEISHU_MODE=websocket: no public URL; events and callbacks arrive over the SDK's WSClient. */
export function startFeishuWebSocket(opts: {
  appId: string;
  appSecret: string;
  baseUrl: string;
  log: Logger;
  dispatcher: lark.EventDispatcher;
}) {
  const log = opts.log.child({ component: 'feishu-ws' });
  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    loggerLevel: lark.LoggerLevel.warn,
    logger: sdkLogger(log, 'feishu long connection'),
  });
  void client.start({ eventDispatcher: opts.dispatcher });
  return {
    close: () => client.close({ force: true }),
  };
}

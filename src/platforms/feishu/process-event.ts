import type { Logger } from 'pino';
import type { Inbox } from '../../delivery/inbox.js';
import type { Metrics } from '../../http/metrics.js';
import { acceptInbound } from '../../messaging/accept-inbound.js';
import type { SerialQueue } from '../../messaging/serial-queue.js';
import type { CardActionEvent, CardActionResult, MessageEvent } from '../../messaging/types.js';
import { renderFeishuCard } from './render.js';

export type FeishuHandlers = {
  onMessage(event: MessageEvent): Promise<void>;
  onCardAction(event: CardActionEvent): Promise<CardActionResult>;
};

export type FeishuEventDeps = { inbox: Inbox; metrics: Metrics; log: Logger; queue: SerialQueue; handlers: FeishuHandlers };

/** Feishu waits 3 s for a callback answer; leave room for the network. */
const CARD_ACTION_BUDGET_MS = 2500;

/** What goes back to Feishu: the HTTP status and body (webhook), or the callback result (long connection). */
export type FeishuAnswer = { status: number; body: Record<string, unknown> };

/**
 * Shared by the webhook and the long connection. Messages: record in the inbox, answer at once,
 * handle after the answer, one at a time per chat. Card clicks: answer within 3 s with a toast
 * and the replacement card; they are not deduplicated here (a spent button says so itself).
 */
export async function processFeishuEvent(deps: FeishuEventDeps, event: MessageEvent | CardActionEvent, eventType: string): Promise<FeishuAnswer> {
  const log = deps.log.child({ platform: 'feishu', eventId: event.eventId, eventType });
  if (event.type === 'message') {
    const outcome = await acceptInbound(deps, { platform: 'feishu', eventId: event.eventId, eventType, conversation: event.conversation, work: () => deps.handlers.onMessage(event) });
    // No acknowledgement without a record: Feishu will deliver again.
    return outcome === 'unavailable' ? { status: 503, body: { error: 'unavailable' } } : { status: 200, body: {} };
  }

  deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'accepted' });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CARD_ACTION_BUDGET_MS);
  });
  try {
    const result = await Promise.race([deps.handlers.onCardAction(event), timeout]);
    if (result === 'timeout') {
      log.warn({ action: event.action.name }, 'card action took longer than the callback allows');
      return { status: 200, body: { toast: { type: 'warning', content: '处理超时，请稍后再点一次 / Timed out, please tap again' } } };
    }
    return { status: 200, body: renderCardActionResult(result) };
  } catch (err) {
    log.error({ err, action: event.action.name }, 'card action failed');
    return { status: 200, body: { toast: { type: 'error', content: '出错了，请稍后再试 / Something went wrong, please try again' } } };
  } finally {
    clearTimeout(timer);
  }
}

/** `{ toast, card: { type: 'raw', data } }`, leaving out what the result does not have. */
export function renderCardActionResult(result: CardActionResult): Record<string, unknown> {
  return {
    ...(result.toast ? { toast: { type: result.toast.kind, content: result.toast.text } } : {}),
    ...(result.card ? { card: { type: 'raw', data: renderFeishuCard(result.card) } } : {}),
  };
}

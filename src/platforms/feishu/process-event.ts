import type { Logger } from 'pino';
import type { Inbox } from '../../delivery/inbox.js';
import type { Metrics } from '../../http/metrics.js';
import { isAppError } from '../../lib/errors.js';
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
    let outcome: 'new' | 'duplicate';
    try {
      outcome = await deps.inbox.recordInbound('feishu', event.eventId, { eventType });
    } catch (err) {
      // No acknowledgement without a record: Feishu will deliver again.
      deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'unavailable' });
      log.error({ err: isAppError(err) ? err.code : String(err) }, 'cannot record the event; answering 503 so Feishu retries');
      return { status: 503, body: { error: 'unavailable' } };
    }
    deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: outcome === 'new' ? 'accepted' : 'duplicate' });
    if (outcome === 'duplicate') {
      log.info('duplicate delivery ignored');
      return { status: 200, body: {} };
    }
    deps.queue.push(event.conversation, async () => {
      try {
        await deps.handlers.onMessage(event);
        await deps.inbox.markProcessed('feishu', event.eventId);
      } catch (err) {
        log.error({ err }, 'handling a message failed');
        await deps.inbox.markFailed('feishu', event.eventId, err).catch(() => undefined);
      }
    });
    return { status: 200, body: {} };
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

import { acceptClick, acceptInbound, type AcceptDeps } from '../../messaging/accept-inbound.js';
import { addressKey, type CardActionEvent, type CardActionResult, type MessageEvent } from '../../messaging/types.js';
import { renderFeishuCard } from './render.js';

export type FeishuEventDeps = AcceptDeps;

/** Feishu waits 3 s for a callback answer; leave room for the network. */
const CARD_ACTION_BUDGET_MS = 2500;

/** What goes back to Feishu: the HTTP status and body (webhook), or the callback result (long connection). */
export type FeishuAnswer = { status: number; body: Record<string, unknown> };

const toast = (type: 'info' | 'error', content: string): FeishuAnswer => ({ status: 200, body: { toast: { type, content } } });

/**
 * Shared by the webhook and the long connection. Messages: stored in the inbox, answered at once,
 * run from the stored row after the answer, in order per chat. Card clicks: stored the same way
 * (the event id is per click), run at once, and answered within 3 s with a toast and the
 * replacement card; a click still running then says so, and its card is updated when it finishes.
 */
export async function processFeishuEvent(
  deps: FeishuEventDeps,
  event: MessageEvent | CardActionEvent,
  eventType: string,
): Promise<FeishuAnswer> {
  if (event.type === 'message') {
    const outcome = await acceptInbound(deps, { event, eventType, conversation: addressKey(event.conversation) });
    // No acknowledgement without a record: Feishu will deliver again.
    if (outcome === 'unavailable') return { status: 503, body: { error: 'unavailable' } };
    if (outcome === 'rejected') return { status: 400, body: { error: 'malformed_payload' } };
    return { status: 200, body: {} };
  }
  // A rep's clicks run one at a time, apart from the chat's notes, so a click never waits behind a note.
  const answer = await acceptClick(deps, {
    event,
    eventType,
    conversation: `feishu:user:${event.operatorId}`,
    budgetMs: CARD_ACTION_BUDGET_MS,
  });
  switch (answer.kind) {
    case 'answered':
      return { status: 200, body: renderCardActionResult(answer.result) };
    case 'pending':
      return toast('info', '处理中，完成后卡片会自动更新 / Working on it; the card updates when done');
    case 'duplicate':
      return toast(
        'info',
        answer.done ? '已处理 / Already done' : '处理中，完成后卡片会自动更新 / Working on it; the card updates when done',
      );
    case 'rejected':
      return { status: 400, body: { error: 'malformed_payload' } };
    case 'unavailable':
      return { status: 503, body: { error: 'unavailable' } };
  }
}

/** `{ toast, card: { type: 'raw', data } }`, leaving out what the result does not have. */
export function renderCardActionResult(result: CardActionResult): Record<string, unknown> {
  return {
    ...(result.toast ? { toast: { type: result.toast.kind, content: result.toast.text } } : {}),
    ...(result.card ? { card: { type: 'raw', data: renderFeishuCard(result.card) } } : {}),
  };
}

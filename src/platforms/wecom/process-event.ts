import type { OutboundEnvelope } from '../../delivery/outbox.js';
import { acceptInbound, type AcceptDeps } from '../../messaging/accept-inbound.js';
import type { CardActionEvent, CardActionResult, MessageEvent, MessengerPayload } from '../../messaging/types.js';

export type WecomHandlers = {
  onMessage(event: MessageEvent): Promise<void>;
  onCardAction(event: CardActionEvent): Promise<CardActionResult>;
};

export type WecomEventDeps = AcceptDeps & {
  handlers: WecomHandlers;
  /** Adds a message to the outbox (card updates and toasts after a click). */
  enqueue: (message: OutboundEnvelope) => Promise<void>;
};

/**
 * WeCom waits 5 s and has no synchronous card answer we use, so clicks are acknowledged like
 * messages and answered afterwards: the replacement card through update_template_card with the
 * click's single-use response code, a toast as a short text message.
 */
export async function processWecomEvent(deps: WecomEventDeps, event: MessageEvent | CardActionEvent, eventType: string): Promise<'accepted' | 'duplicate' | 'unavailable'> {
  const conversation = event.type === 'message' ? event.conversation : `wecom:${event.operatorId}`;
  const work =
    event.type === 'message'
      ? () => deps.handlers.onMessage(event)
      : async () => {
          const result = await deps.handlers.onCardAction(event);
          for (const message of answerClick(event, result)) await deps.enqueue(message);
        };
  return acceptInbound(deps, { platform: 'wecom', eventId: event.eventId, eventType, conversation, work });
}

function answerClick(event: CardActionEvent, result: CardActionResult): OutboundEnvelope[] {
  const target = `wecom:${event.operatorId}`;
  const out: OutboundEnvelope[] = [];
  if (result.card && event.messageId) {
    const payload: MessengerPayload = { kind: 'update', messageId: event.messageId, message: { kind: 'card', card: result.card } };
    out.push({ target, payload, dedupeKey: `click:${event.eventId}:card` });
  }
  // Without a card to replace, the toast is all the user would see: send it as text. An error
  // toast is sent even with a card, because the card alone would not say what went wrong.
  if (result.toast && (!result.card || result.toast.kind === 'error')) {
    const payload: MessengerPayload = { kind: 'send', to: target as `wecom:${string}`, message: { kind: 'text', text: result.toast.text } };
    out.push({ target, payload, dedupeKey: `click:${event.eventId}:toast` });
  }
  return out;
}

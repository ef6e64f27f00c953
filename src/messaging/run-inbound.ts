import type { OutboundEnvelope } from '../delivery/outbox.js';
import { answerClickLater } from './answer-click-later.js';
import type { OfferClick } from './click-waiters.js';
import type { InboundRunner } from './inbox-worker.js';
import type { CardActionEvent, CardActionResult, MessageEvent } from './types.js';

type Handlers = {
  onMessage(event: MessageEvent): Promise<void>;
  onCardAction(event: CardActionEvent): Promise<CardActionResult>;
};

/**
 * What running a stored event means, for every platform: a message goes to the bot (which replies
 * through the outbox); a click goes to the bot and its answer to the caller still waiting for it,
 * or through the outbox when nobody waits. The click's answer is kept with the row.
 */
export function createInboundRunner(deps: {
  handlers: Handlers;
  /** Hands a click's answer to the caller still waiting for it (here or in the web process). */
  offer: OfferClick;
  enqueue: (message: OutboundEnvelope) => Promise<void>;
}): InboundRunner {
  return async (event) => {
    if (event.type === 'message') {
      await deps.handlers.onMessage(event);
      return undefined;
    }
    const result = await deps.handlers.onCardAction(event);
    if (!(await deps.offer(event.eventId, result))) {
      for (const message of answerClickLater(event, result)) await deps.enqueue(message);
    }
    return { toast: result.toast ?? null, card: result.card ? { title: result.card.title } : null };
  };
}

import type { OutboundEnvelope } from '../delivery/outbox.js';
import { addressKey, userAddress, type Address, type CardActionEvent, type CardActionResult, type MessengerPayload } from './types.js';

/**
 * A click answered after the platform stopped waiting (WeCom's app always; Feishu and the smart
 * bot when the work outlasts their window, or runs again after a crash): the replacement card
 * updates the clicked card where the platform gives its message, otherwise it is sent as a new
 * message; a toast becomes a short text when there is no card, or when it reports an error.
 * Dedupe keys make a re-run answer once.
 */
export function answerClickLater(event: CardActionEvent, result: CardActionResult): OutboundEnvelope[] {
  const where: Address = event.conversation ?? userAddress(event.platform, event.operatorId);
  const target = addressKey(where);
  const key = `click:${event.platform}:${event.eventId}`.slice(0, 180);
  const out: OutboundEnvelope[] = [];
  if (result.card) {
    const payload: MessengerPayload = event.messageId
      ? { kind: 'update', messageId: event.messageId, message: { kind: 'card', card: result.card }, to: where }
      : { kind: 'send', to: where, message: { kind: 'card', card: result.card } };
    out.push({ target, payload, dedupeKey: `${key}:card` });
  }
  if (result.toast && (!result.card || result.toast.kind === 'error')) {
    const payload: MessengerPayload = { kind: 'send', to: where, message: { kind: 'text', text: result.toast.text } };
    out.push({ target, payload, dedupeKey: `${key}:toast` });
  }
  return out;
}

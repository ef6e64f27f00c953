import { acceptInbound, type AcceptDeps, type Accepted } from '../../messaging/accept-inbound.js';
import { addressKey, type CardActionEvent, type MessageEvent } from '../../messaging/types.js';

export type WecomEventDeps = AcceptDeps;

/**
 * WeCom waits 5 s and the self-built app has no synchronous card answer, so clicks are stored and
 * acknowledged like messages and answered afterwards from the stored row: the replacement card
 * through update_template_card with the click's single-use response code, a toast as a short text
 * (see messaging/answer-click-later.ts).
 */
export function processWecomEvent(deps: WecomEventDeps, event: MessageEvent | CardActionEvent, eventType: string): Promise<Accepted> {
  const conversation = event.type === 'message' ? addressKey(event.conversation) : `wecom:user:${event.operatorId}`;
  return acceptInbound(deps, { event, eventType, conversation });
}

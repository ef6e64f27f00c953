import type { CardActionEvent, CardActionResult, MessageEvent } from '../messaging/types.js';
import type { BotDeps } from './context.js';
import { handleCardAction } from './handle-card-action.js';
import { handleMessage } from './handle-message.js';

export type Bot = {
  /** Runs after the platform was acknowledged; replies through the outbox. */
  onMessage(event: MessageEvent): Promise<void>;
  /** Runs while the platform waits (3 s on Feishu); returns the toast and replacement card. */
  onCardAction(event: CardActionEvent): Promise<CardActionResult>;
};

/** The platform-neutral bot: every adapter feeds its normalized events here. */
export function createBot(deps: BotDeps): Bot {
  return {
    onMessage: (event) => handleMessage(deps, event),
    onCardAction: (event) => handleCardAction(deps, event),
  };
}

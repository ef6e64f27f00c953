import type { CardActionEvent, CardActionResult, InboundEvent, MessageEvent } from '../messaging/types.js';
import { createActionTable, type ActionTable, type CardActionDef } from './actions/action-table.js';
import { digestActions } from './digest/actions.js';
import type { BotDeps } from './context.js';
import { escalationActions } from './escalation/actions.js';
import { followUpActions } from './follow-ups/actions.js';
import { giveUp } from './give-up.js';
import { handleCardAction } from './handle-card-action.js';
import { handleMessage } from './handle-message.js';
import { poolActions } from './pool/actions.js';
import { poolWarningActions } from './pool-recycling/actions.js';
import { handoverActions } from './handover/actions.js';
import { ownershipActions } from './ownership/actions.js';
import { reminderCardActions } from './reminders/actions.js';

export type Bot = {
  /** Runs from the stored inbox row after the platform was acknowledged; replies through the outbox. */
  onMessage(event: MessageEvent): Promise<void>;
  /** Runs from the stored row; returns the toast and replacement card (sent in time, or through the outbox). */
  onCardAction(event: CardActionEvent): Promise<CardActionResult>;
  /** Every attempt at the event failed: tells the user to send it again. */
  onGiveUp(event: InboundEvent): Promise<void>;
  /** The card actions every module registered. */
  actions: ActionTable;
};

/** The platform-neutral bot: every adapter feeds its normalized events here. Feature modules add their card actions. */
export function createBot(deps: BotDeps, modules: CardActionDef[][] = []): Bot {
  const actions = createActionTable([
    followUpActions,
    ownershipActions,
    handoverActions,
    poolActions,
    reminderCardActions,
    digestActions,
    escalationActions,
    poolWarningActions,
    ...modules,
  ]);
  return {
    onMessage: (event) => handleMessage(deps, event),
    onCardAction: (event) => handleCardAction(deps, actions, event),
    onGiveUp: (event) => giveUp(deps, event),
    actions,
  };
}

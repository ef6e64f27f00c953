import type { CardActionEvent, CardActionResult } from '../messaging/types.js';
import type { ActionTable } from './actions/action-table.js';
import { TEXT } from './cards/i18n.js';
import type { BotDeps } from './context.js';
import { resolveActor } from './resolve-actor.js';

/**
 * A click on one of our cards, run from its stored row: the operator is resolved from the
 * platform's operator id, then the action table runs the named action with its parsed arguments.
 * Unknown actions and stale buttons answer with a toast.
 */
export async function handleCardAction(deps: BotDeps, actions: ActionTable, event: CardActionEvent): Promise<CardActionResult> {
  const actor = await resolveActor(deps, event.platform, event.tenant, event.operatorId);
  const result = await actions.run(deps, actor, event);
  if ('unknown' in result) {
    deps.log.warn({ action: event.action.name, platform: event.platform, why: result.unknown }, 'card action not run');
    return { toast: { kind: 'error', text: TEXT[actor.locale].notFound } };
  }
  return result;
}

import { mayChange } from '../domain/follow-ups/follow-up-changes.js';
import type { CardActionEvent, CardActionResult } from '../messaging/types.js';
import { editFormCard, savedCard, undoneCard } from './cards/follow-up-cards.js';
import { TEXT } from './cards/i18n.js';
import type { ActorContext, BotDeps } from './context.js';
import { readEditForm } from './edit-form.js';
import { loadFollowUp, toFollowUpView } from './follow-up-view.js';
import { resolveActor } from './resolve-actor.js';

type ActionHandler = (deps: BotDeps, actor: ActorContext, event: CardActionEvent, followUpId: number) => Promise<CardActionResult>;

const fail = (text: string): CardActionResult => ({ toast: { kind: 'error', text } });

/** Outcomes every follow-up action shares, as toasts. */
function refusal(actor: ActorContext, kind: 'forbidden' | 'not_found' | 'already_undone' | 'undone_already'): CardActionResult {
  const t = TEXT[actor.locale];
  if (kind === 'forbidden') return fail(t.forbidden);
  if (kind === 'not_found') return fail(t.notFound);
  return { toast: { kind: 'info', text: t.alreadyUndone } };
}

const handlers: Record<string, ActionHandler> = {
  async 'fu.undo'(deps, actor, _event, followUpId) {
    const result = await deps.followUps.undo({ workspaceId: actor.workspaceId, actor: actor.user, followUpId });
    if (result.kind !== 'undone') {
      const loaded = result.kind === 'already_undone' ? await loadFollowUp(deps.db, actor.workspaceId, followUpId) : null;
      return { ...refusal(actor, result.kind), ...(loaded ? { card: undoneCard(loaded.view, actor) } : {}) };
    }
    return { toast: { kind: 'success', text: TEXT[actor.locale].undone }, card: undoneCard(toFollowUpView(result.followUp, result.customer?.name ?? null), actor) };
  },

  async 'fu.edit'(deps, actor, _event, followUpId) {
    const loaded = await loadFollowUp(deps.db, actor.workspaceId, followUpId);
    if (!loaded) return refusal(actor, 'not_found');
    // Checked before showing the form, so nobody fills in a form they cannot submit.
    if (!mayChange(loaded.row, actor.user)) return refusal(actor, 'forbidden');
    if (loaded.row.status === 'undone') return { ...refusal(actor, 'already_undone'), card: undoneCard(loaded.view, actor) };
    return { card: editFormCard(loaded.view, actor) };
  },

  async 'fu.edit_submit'(deps, actor, event, followUpId) {
    const read = readEditForm(event.form ?? {}, { locale: actor.locale, timeZone: actor.timeZone, readDate: (text) => deps.readDate(text, { now: deps.clock.now(), timeZone: actor.timeZone }) });
    if (!read.ok) return fail(read.error);
    const result = await deps.followUps.edit({ workspaceId: actor.workspaceId, actor: actor.user, followUpId, changes: read.changes });
    if (result.kind !== 'edited') return refusal(actor, result.kind);
    return {
      toast: { kind: 'success', text: TEXT[actor.locale].edited },
      card: savedCard(toFollowUpView(result.followUp, result.customer?.name ?? null), actor, { edited: true }),
    };
  },

  async 'fu.pick'(deps, actor, event, followUpId) {
    const customerId = Number(event.action.args.customer);
    if (!Number.isSafeInteger(customerId)) return refusal(actor, 'not_found');
    return choose(deps, actor, followUpId, { customerId });
  },

  async 'fu.new_customer'(deps, actor, event, followUpId) {
    const loaded = await loadFollowUp(deps.db, actor.workspaceId, followUpId);
    const name = event.action.args.name ?? loaded?.view.customerName ?? null;
    if (!name) return fail(TEXT[actor.locale].badInput(TEXT[actor.locale].customer));
    return choose(deps, actor, followUpId, { newCustomerName: name });
  },
};

async function choose(
  deps: BotDeps,
  actor: ActorContext,
  followUpId: number,
  choice: { customerId: number } | { newCustomerName: string },
): Promise<CardActionResult> {
  const result = await deps.followUps.chooseCustomer({ workspaceId: actor.workspaceId, actor: actor.user, followUpId, choice });
  const t = TEXT[actor.locale];
  if (result.kind === 'saved') {
    return {
      toast: { kind: 'success', text: t.saved },
      card: savedCard(toFollowUpView(result.followUp, result.customer.name), actor, { createdCustomer: result.createdCustomer }),
    };
  }
  if (result.kind === 'already_done') {
    const loaded = await loadFollowUp(deps.db, actor.workspaceId, followUpId);
    const card = loaded && (loaded.row.status === 'undone' ? undoneCard(loaded.view, actor) : savedCard(loaded.view, actor));
    return { toast: { kind: 'info', text: t.alreadyDone }, ...(card ? { card } : {}) };
  }
  // A proposed name of punctuation only (客户：。。。) cannot name a customer.
  if (result.kind === 'invalid_name') return fail(t.badInput(t.customer));
  return refusal(actor, result.kind);
}

/**
 * A click on one of our cards. Answered synchronously (Feishu waits at most 3 s), so handlers do
 * a few indexed queries and nothing slow. Unknown actions and stale buttons answer with a toast.
 */
export async function handleCardAction(deps: BotDeps, event: CardActionEvent): Promise<CardActionResult> {
  const actor = await resolveActor(deps, event.platform, event.tenant, event.operatorId);
  const handler = handlers[event.action.name];
  const followUpId = Number(event.action.args.id);
  if (!handler || !Number.isSafeInteger(followUpId)) {
    deps.log.warn({ action: event.action.name, platform: event.platform }, 'unknown card action');
    return refusal(actor, 'not_found');
  }
  return handler(deps, actor, event, followUpId);
}

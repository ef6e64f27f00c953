import { z } from 'zod';
import { mayChange } from '../../domain/follow-ups/follow-up-changes.js';
import { addressKey, userAddress, type CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { editFormCard, ownedByOtherCard, savedCard, undoneCard } from '../cards/follow-up-cards.js';
import { TEXT } from '../cards/i18n.js';
import type { ActorContext, BotDeps } from '../context.js';
import { readEditForm } from '../edit-form.js';
import { toFollowUpView } from '../follow-up-view.js';

const id = z.coerce.number().int().positive();
const fail = (text: string): CardActionResult => ({ toast: { kind: 'error', text } });

/** Outcomes every follow-up action shares, as toasts. */
function refusal(actor: ActorContext, kind: 'forbidden' | 'not_found' | 'already_undone' | 'undone_already'): CardActionResult {
  const t = TEXT[actor.locale];
  if (kind === 'forbidden') return fail(t.forbidden);
  if (kind === 'not_found') return fail(t.notFound);
  return { toast: { kind: 'info', text: t.alreadyUndone } };
}

async function load(deps: BotDeps, actor: ActorContext, followUpId: number) {
  const found = await deps.followUps.loadWithCustomer(actor.workspaceId, followUpId);
  return found ? { row: found.followUp, view: toFollowUpView(found.followUp, found.customerName) } : null;
}

const undo = defineAction({
  name: 'fu.undo',
  args: z.object({ id }),
  async run(deps, actor, args) {
    const result = await deps.followUps.undo({ workspaceId: actor.workspaceId, actor: actor.user, followUpId: args.id });
    if (result.kind !== 'undone') {
      const loaded = result.kind === 'already_undone' ? await load(deps, actor, args.id) : null;
      return { ...refusal(actor, result.kind), ...(loaded ? { card: undoneCard(loaded.view, actor) } : {}) };
    }
    return {
      toast: { kind: 'success', text: TEXT[actor.locale].undone },
      card: undoneCard(toFollowUpView(result.followUp, result.customer?.name ?? null), actor),
    };
  },
});

const edit = defineAction({
  name: 'fu.edit',
  args: z.object({ id }),
  async run(deps, actor, args) {
    const loaded = await load(deps, actor, args.id);
    if (!loaded) return refusal(actor, 'not_found');
    // Checked before showing the form, so nobody fills in a form they cannot submit.
    if (!mayChange(loaded.row, actor.user)) return refusal(actor, 'forbidden');
    if (loaded.row.status === 'undone') return { ...refusal(actor, 'already_undone'), card: undoneCard(loaded.view, actor) };
    return { card: editFormCard(loaded.view, actor) };
  },
});

const editSubmit = defineAction({
  name: 'fu.edit_submit',
  args: z.object({ id }),
  async run(deps, actor, args, event) {
    const read = readEditForm(event.form ?? {}, {
      locale: actor.locale,
      timeZone: actor.timeZone,
      readDate: (text) => deps.readDate(text, { now: deps.clock.now(), timeZone: actor.timeZone }),
    });
    if (!read.ok) return fail(read.error);
    const result = await deps.followUps.edit({
      workspaceId: actor.workspaceId,
      actor: actor.user,
      followUpId: args.id,
      changes: read.changes,
    });
    if (result.kind !== 'edited') return refusal(actor, result.kind);
    return {
      toast: { kind: 'success', text: TEXT[actor.locale].edited },
      card: savedCard(toFollowUpView(result.followUp, result.customer?.name ?? null), actor, { edited: true }),
    };
  },
});

const pick = defineAction({
  name: 'fu.pick',
  args: z.object({ id, customer: id }),
  run: (deps, actor, args) => choose(deps, actor, args.id, { customerId: args.customer }),
});

const newCustomer = defineAction({
  name: 'fu.new_customer',
  args: z.object({ id, name: z.string().min(1).max(200).optional() }),
  async run(deps, actor, args) {
    const name = args.name ?? (await load(deps, actor, args.id))?.view.customerName ?? null;
    if (!name) return fail(TEXT[actor.locale].badInput(TEXT[actor.locale].customer));
    return choose(deps, actor, args.id, { newCustomerName: name });
  },
});

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
    const loaded = await load(deps, actor, followUpId);
    const card = loaded && (loaded.row.status === 'undone' ? undoneCard(loaded.view, actor) : savedCard(loaded.view, actor));
    return { toast: { kind: 'info', text: t.alreadyDone }, ...(card ? { card } : {}) };
  }
  // A proposed name of punctuation only (客户：。。。) cannot name a customer.
  if (result.kind === 'invalid_name') return fail(t.badInput(t.customer));
  if (result.kind === 'owned_by_other') {
    return { card: ownedByOtherCard(toFollowUpView(result.followUp, result.customer.name), result.owner.name ?? t.someone, actor) };
  }
  return refusal(actor, result.kind);
}

const collaborate = defineAction({
  name: 'fu.collab',
  args: z.object({ id }),
  async run(deps, actor, args) {
    const t = TEXT[actor.locale];
    const result = await deps.followUps.recordAsCollaboration({
      workspaceId: actor.workspaceId,
      actor: actor.user,
      followUpId: args.id,
      // The owner hears of it, in the same transaction as the note.
      outbound: ({ customer, owner }) => {
        if (!owner?.platformUserId) return [];
        const to = userAddress(actor.platform, owner.platformUserId);
        const text = t.collaborationNotice(actor.user.name ?? t.someone, customer.name);
        return [
          {
            target: addressKey(to),
            workspaceId: actor.workspaceId,
            dedupeKey: `collab:${args.id}`,
            payload: { kind: 'send', to, message: { kind: 'text', text } },
          },
        ];
      },
    });
    if (result.kind === 'saved') {
      return {
        toast: { kind: 'success', text: t.collaborationSaved },
        card: savedCard(toFollowUpView(result.followUp, result.customer.name), actor, { collaboration: true }),
      };
    }
    if (result.kind === 'already_done') {
      const loaded = await load(deps, actor, args.id);
      const card =
        loaded &&
        (loaded.row.status === 'undone'
          ? undoneCard(loaded.view, actor)
          : savedCard(loaded.view, actor, { collaboration: loaded.row.collaboration }));
      return { toast: { kind: 'info', text: t.alreadyDone }, ...(card ? { card } : {}) };
    }
    return refusal(actor, result.kind);
  },
});

/** The follow-up card's buttons: undo, edit (form and submit), pick a customer, create one, keep as a collaboration. */
export const followUpActions: CardActionDef[] = [undo, edit, editSubmit, pick, newCustomer, collaborate];

import { savedCard } from '../cards/follow-up-cards.js';
import { TEXT } from '../cards/i18n.js';
import type { FollowUpChanges } from '../edit-form.js';
import { toFollowUpView } from '../follow-up-view.js';
import { slashCommand, type Command } from './types.js';

/**
 * `/改 42 金额60万 下周五再联系` · `/edit 42 …`: edits a follow-up by message, for platforms whose
 * cards cannot hold a form (WeCom) and for anyone who prefers typing. The text is read like a
 * note and only what it states changes; nothing is guessed.
 */
export const editCommand: Command<{ id: number | null; text: string }> = {
  name: 'edit',
  match: (text) => {
    const rest = slashCommand(['改', 'edit'], text);
    if (rest === null) return null;
    const m = /^#?(\d+)\s*(.*)$/s.exec(rest);
    return m ? { id: Number(m[1]), text: (m[2] ?? '').trim() } : { id: null, text: rest };
  },
  async run(deps, actor, { id, text }) {
    const t = TEXT[actor.locale];
    if (id === null || !text) return { kind: 'text', text: t.editUsage };
    const draft = await deps.extractor.extract(text, {
      now: deps.clock.now(),
      timeZone: actor.timeZone,
      knownCustomers: [],
      defaultHour: deps.config.reminders.defaultHour,
    });
    const changes: FollowUpChanges = {};
    if (draft.contact) changes.contact = draft.contact;
    if (draft.channel) changes.channel = draft.channel;
    if (draft.stage) changes.stage = draft.stage;
    if (draft.amount !== null) changes.amount = draft.amount;
    if (draft.nextFollowUpAt) changes.nextFollowUpAt = new Date(draft.nextFollowUpAt);
    if (draft.nextStep) changes.nextStep = draft.nextStep;
    if (draft.needs) changes.needs = draft.needs;
    if (Object.keys(changes).length === 0) return { kind: 'text', text: t.editNothing };
    const result = await deps.followUps.edit({
      workspaceId: actor.workspaceId,
      actor: actor.user,
      followUpId: id,
      changes,
      source: 'command',
    });
    if (result.kind === 'forbidden') return { kind: 'text', text: t.forbidden };
    if (result.kind === 'not_found') return { kind: 'text', text: t.notFound };
    if (result.kind !== 'edited') return { kind: 'text', text: t.alreadyUndone };
    return { kind: 'card', card: savedCard(toFollowUpView(result.followUp, result.customer?.name ?? null), actor, { edited: true }) };
  },
};

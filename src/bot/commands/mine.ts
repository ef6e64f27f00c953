import { mineCard } from '../cards/info-cards.js';
import { slashCommand, type Command } from './types.js';

/** `/我的` · `/mine`: my follow-ups due today and overdue. */
export const mineCommand: Command<true> = {
  name: 'mine',
  match: (text) => (slashCommand(['我的', 'mine'], text) !== null ? true : null),
  async run(deps, actor) {
    const now = deps.clock.now();
    const due = await deps.followUps.dueForUser(actor.workspaceId, actor.user.id, now, actor.timeZone);
    return {
      kind: 'card',
      card: mineCard(
        due.map((d) => ({
          customerName: d.customer.name,
          nextFollowUpAt: d.customer.nextFollowUpAt ?? now,
          overdue: d.overdue,
          lastSummary: d.lastSummary,
        })),
        actor,
      ),
    };
  },
};

import { MINE_ROWS, MINE_ROWS_COMPACT, mineCard } from '../reminders/mine-card.js';
import { slashCommand, type Command } from './types.js';

/** `/我的` · `/mine`: my overdue, due-today and quiet customers, with the reminder card's actions. */
export const mineCommand: Command<true> = {
  name: 'mine',
  match: (text) => (slashCommand(['我的', 'mine'], text) !== null ? true : null),
  async run(deps, actor) {
    const now = deps.clock.now();
    // Where cards have no rows with their own buttons, each row's buttons would become card buttons.
    const compact = deps.capabilities?.(actor.platform)?.sections === false;
    const list = await deps.reminders.mine({
      workspaceId: actor.workspaceId,
      userId: actor.user.id,
      now,
      timeZone: actor.timeZone,
      limit: compact ? MINE_ROWS_COMPACT : MINE_ROWS,
    });
    return { kind: 'card', card: mineCard(list, { locale: actor.locale, timeZone: actor.timeZone, now }, { compact }) };
  },
};

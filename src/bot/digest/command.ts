import type { CommandReply } from '../context.js';
import { slashCommand, type Command } from '../commands/types.js';
import { digestCard } from './card.js';
import { DIGEST_TEXT } from './text.js';

/**
 * `/周报` · `/digest` (`/周报 <团队ID>` for an admin): the current week so far. A manager gets
 * their team's figures, a rep only their own numbers; no reassignment picker (it needs a sent digest).
 */
export const digestCommand: Command<{ team: string | null }> = {
  name: 'digest',
  match: (text) => {
    const rest = slashCommand(['周报', 'digest'], text);
    return rest === null ? null : { team: rest || null };
  },
  async run(deps, actor, match): Promise<CommandReply> {
    const t = DIGEST_TEXT[actor.locale];
    const result = await deps.digest.current(actor.user, match.team);
    switch (result.kind) {
      case 'team':
      case 'rep':
        return {
          kind: 'card',
          card: digestCard(result.figures, {
            locale: actor.locale,
            timeZone: actor.timeZone,
            scope: result.kind === 'rep' ? 'own' : 'so_far',
          }),
        };
      case 'no_team':
        return { kind: 'text', text: t.noTeam };
      case 'unknown_team':
        return { kind: 'text', text: t.unknownTeam(result.key) };
      case 'forbidden':
        return { kind: 'text', text: t.forbidden };
      default: {
        const never: never = result;
        return never;
      }
    }
  },
};

import type { MessageEvent } from '../../messaging/types.js';
import type { ActorContext, BotDeps, CommandReply } from '../context.js';

/**
 * A chat command: `match` reads the text, `run` answers. Anything unmatched is a note. `event` is
 * the message itself: where it was sent (a group reply shows only what everyone there may see)
 * and whom it @-mentions (`resolvePeople`).
 */
export type Command<M> = {
  name: string;
  match(text: string): M | null;
  run(deps: BotDeps, actor: ActorContext, match: M, event: MessageEvent): Promise<CommandReply>;
};

/** Matches `/name rest` or `／name rest` for any of the aliases; returns the rest, trimmed. */
export function slashCommand(aliases: string[], text: string): string | null {
  const normalized = text.trim().replace(/^／/, '/');
  for (const alias of aliases) {
    if (normalized === `/${alias}`) return '';
    if (normalized.startsWith(`/${alias} `) || normalized.startsWith(`/${alias}\u3000`)) return normalized.slice(alias.length + 2).trim();
  }
  return null;
}

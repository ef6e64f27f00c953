import type { ActorContext, BotDeps, CommandReply } from '../context.js';
import { editCommand } from './edit.js';
import { findCommand } from './find.js';
import { helpCommand } from './help.js';
import { mineCommand } from './mine.js';

/** Tries each command in turn; null when the text is not a command (it is then a note). */
export async function runCommand(deps: BotDeps, actor: ActorContext, text: string): Promise<CommandReply | null> {
  const edit = editCommand.match(text);
  if (edit) return editCommand.run(deps, actor, edit);
  const find = findCommand.match(text);
  if (find) return findCommand.run(deps, actor, find);
  const mine = mineCommand.match(text);
  if (mine) return mineCommand.run(deps, actor, mine);
  const help = helpCommand.match(text);
  if (help) return helpCommand.run(deps, actor, help);
  return null;
}

import type { MessageEvent } from '../../messaging/types.js';
import type { ActorContext, BotDeps, CommandReply } from '../context.js';
import { editCommand } from './edit.js';
import { findCommand } from './find.js';
import { helpCommand } from './help.js';
import { mineCommand } from './mine.js';
import { poolCommand, releaseCommand } from '../pool/commands.js';
import { handoverCommand } from '../handover/command.js';
import { reassignCommand } from './reassign.js';
import { digestCommand } from '../digest/command.js';

/** Tries each command in turn; null when the text is not a command (it is then a note). */
export async function runCommand(deps: BotDeps, actor: ActorContext, text: string, event: MessageEvent): Promise<CommandReply | null> {
  const edit = editCommand.match(text);
  if (edit) return editCommand.run(deps, actor, edit, event);
  const find = findCommand.match(text);
  if (find) return findCommand.run(deps, actor, find, event);
  const reassign = reassignCommand.match(text);
  if (reassign) return reassignCommand.run(deps, actor, reassign, event);
  const handover = handoverCommand.match(text);
  if (handover) return handoverCommand.run(deps, actor, handover, event);
  const pool = poolCommand.match(text);
  if (pool) return poolCommand.run(deps, actor, pool, event);
  const release = releaseCommand.match(text);
  if (release) return releaseCommand.run(deps, actor, release, event);
  const digest = digestCommand.match(text);
  if (digest) return digestCommand.run(deps, actor, digest, event);
  const mine = mineCommand.match(text);
  if (mine) return mineCommand.run(deps, actor, mine, event);
  const help = helpCommand.match(text);
  if (help) return helpCommand.run(deps, actor, help, event);
  return null;
}

import type { MessageEvent } from '../messaging/types.js';
import type { ActorContext, BotDeps } from './context.js';

export type MentionedPerson = { platformUserId: string; name: string | null; found: boolean };

/**
 * The people a command names, in order: the platform's @-mentions where it says who (Feishu), else
 * `@名字` in the text matched against the workspace's users by name (WeCom app and smart bot).
 * Returns the text with those names taken out, so the rest (a customer name) can be read.
 */
export async function resolvePeople(
  deps: BotDeps,
  actor: ActorContext,
  event: Pick<MessageEvent, 'mentions'>,
  text: string,
): Promise<{ people: MentionedPerson[]; rest: string }> {
  if (event.mentions?.length) {
    return { people: event.mentions.map((m) => ({ platformUserId: m.id, name: m.name || null, found: true })), rest: text.trim() };
  }
  const names = [...text.matchAll(/[@＠]([^\s@＠,，、]{1,30})/g)].map((m) => m[1] ?? '');
  const rest = text
    .replace(/[@＠][^\s@＠,，、]{1,30}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const people: MentionedPerson[] = [];
  for (const name of names) {
    const user = await deps.users.findUserByName(actor.workspaceId, name);
    people.push(user ? { platformUserId: user.platformUserId, name: user.name, found: true } : { platformUserId: '', name, found: false });
  }
  return { people, rest };
}

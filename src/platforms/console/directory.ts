import { CONSOLE_PLATFORM, DEMO_PEOPLE } from '../../config/console-demo.js';
import type { TeamSettings } from '../../config.js';

export type ConsolePerson = { id: string; name: string; role: 'rep' | 'manager'; team: string | null };
export type ConsoleChat = { id: string; name: string; team: string };

/**
 * Who the page lets you act as and which group chats it shows: every `console:` user and digest
 * chat of the settings' teams (the demo team among them), managers first as placement does.
 */
export function consoleDirectory(teams: TeamSettings[]): { people: ConsolePerson[]; chats: ConsoleChat[] } {
  const prefix = `${CONSOLE_PLATFORM}:`;
  const people = new Map<string, ConsolePerson>();
  const nameOf = (id: string) => DEMO_PEOPLE.find((p) => p.id === id)?.name ?? id;
  for (const role of ['manager', 'rep'] as const) {
    for (const team of teams) {
      for (const ref of role === 'manager' ? team.managers : team.members) {
        const id = ref.slice(prefix.length);
        if (ref.startsWith(prefix) && !people.has(id)) people.set(id, { id, name: nameOf(id), role, team: team.name });
      }
    }
  }
  const chats = teams.flatMap((team) =>
    team.digestChat?.startsWith(prefix) ? [{ id: team.digestChat.slice(prefix.length), name: team.name, team: team.id }] : [],
  );
  return { people: [...people.values()], chats };
}

/** A person's display name as the platform would give it (the demo team's names, else the id). */
export function consoleProfileName(userId: string): string | null {
  return DEMO_PEOPLE.find((p) => p.id === userId)?.name ?? null;
}

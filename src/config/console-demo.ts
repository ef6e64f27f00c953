import type { TeamSettings } from './file-schema.js';

/** The console's one workspace (platform `console`): never a Feishu or WeCom tenant's data. */
export const CONSOLE_PLATFORM = 'console';
export const CONSOLE_TENANT = 'local';

/** The demo team's people, by console user id; the console shows them and `seed-demo` fills their books. */
export const DEMO_PEOPLE = [
  { id: 'manager', name: '王经理', role: 'manager' },
  { id: 'rep1', name: '张伟', role: 'rep' },
  { id: 'rep2', name: '李娜', role: 'rep' },
  { id: 'rep3', name: '刘洋', role: 'rep' },
  { id: 'rep4', name: '陈静', role: 'rep' },
] as const;

/** The demo team, placed like any team of the settings file (its refs name only console users). */
export const DEMO_TEAM: TeamSettings = {
  id: 'console-demo',
  name: '演示销售组',
  managers: DEMO_PEOPLE.filter((p) => p.role === 'manager').map((p) => `${CONSOLE_PLATFORM}:${p.id}`),
  members: DEMO_PEOPLE.filter((p) => p.role === 'rep').map((p) => `${CONSOLE_PLATFORM}:${p.id}`),
  digestChat: `${CONSOLE_PLATFORM}:team-console-demo`,
};

/**
 * The settings file's teams plus the demo team, unless the file already has a team of that id:
 * `applySettings` resets anyone no team lists, so the demo team must be among the applied teams.
 */
export function withDemoTeam(teams: TeamSettings[]): TeamSettings[] {
  return teams.some((t) => t.id === DEMO_TEAM.id) ? teams : [...teams, DEMO_TEAM];
}

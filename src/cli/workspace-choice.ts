import { describeWorkspace, type PickedWorkspace } from '../domain/import-export/pick-workspace.js';

/** What an operator reads when `--workspace` is missing or names nothing: the workspaces to choose from. */
export function describeWorkspaceChoice(picked: Exclude<PickedWorkspace, { kind: 'picked' }>): string {
  const list = picked.choices.length ? picked.choices.map((w) => `  ${describeWorkspace(w)}`).join('\n') : '  (none)';
  if (picked.kind === 'not_found') return `no workspace ${picked.wanted}; the workspaces are:\n${list}`;
  if (picked.choices.length === 0) return 'no workspace yet: a workspace appears when its platform first sends genjin a message';
  return `there are ${picked.choices.length} workspaces: choose one with --workspace <id>\n${list}`;
}

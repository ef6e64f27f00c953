import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { workspaces } from '../../db/schema/index.js';

/** The console's workspace (`platform = 'console'`) holds demo data, never a tenant's. */
const CONSOLE_PLATFORM = 'console';

export type WorkspaceChoice = { id: number; platform: string; externalId: string; name: string | null };
export type PickedWorkspace =
  | { kind: 'picked'; workspace: WorkspaceChoice }
  | { kind: 'not_found'; wanted: string; choices: WorkspaceChoice[] }
  /** No workspace was named and there is not exactly one platform workspace to take. */
  | { kind: 'ambiguous'; choices: WorkspaceChoice[] };

/** `3 feishu:tenant_x "Acme"`: how a workspace is listed to an operator. */
export const describeWorkspace = (w: WorkspaceChoice) => `${w.id} ${w.platform}:${w.externalId}${w.name ? ` "${w.name}"` : ''}`;

/**
 * The workspace an import, export or the admin API works on: the one named by id or by
 * `<platform>:<external id>`, else the only workspace that is not the console's.
 */
export async function pickWorkspace(db: DbOrTx, wanted: string | undefined): Promise<PickedWorkspace> {
  const columns = { id: workspaces.id, platform: workspaces.platform, externalId: workspaces.externalId, name: workspaces.name };
  const choices = await db.select(columns).from(workspaces).where(ne(workspaces.platform, CONSOLE_PLATFORM)).orderBy(workspaces.id);
  if (wanted === undefined) return choices.length === 1 ? { kind: 'picked', workspace: choices[0]! } : { kind: 'ambiguous', choices };
  const ref = /^([^:]+):(.+)$/.exec(wanted);
  const [found] = /^\d{1,15}$/.test(wanted)
    ? await db
        .select(columns)
        .from(workspaces)
        .where(eq(workspaces.id, Number(wanted)))
        .limit(1)
    : ref
      ? await db
          .select(columns)
          .from(workspaces)
          .where(and(eq(workspaces.platform, ref[1]!), eq(workspaces.externalId, ref[2]!)))
          .limit(1)
      : [];
  return found ? { kind: 'picked', workspace: found } : { kind: 'not_found', wanted, choices };
}

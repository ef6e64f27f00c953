import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import type { Owner } from './read-values.js';

export type OwnerUser = { id: number; teamId: number | null; ref: string };

export type OwnerLookup =
  | { kind: 'user'; user: OwnerUser }
  /** `<platform>:<id>` of someone genjin has not seen yet: registered as a user before the rows are written. */
  | { kind: 'new'; platformUserId: string; ref: string }
  | { kind: 'error'; reason: string };

/**
 * Finds the owners a sheet names among the workspace's users, loaded once: by `<platform>:<id>`
 * (on the workspace's own platform) or by a name exactly one user has. A deactivated user owns
 * nothing new (an error), unless `inactive` is set (export filters by past owners too).
 */
export async function loadOwnerDirectory(db: DbOrTx, workspaceId: number, platform: string, opts: { inactive?: boolean } = {}) {
  const rows = await db
    .select({ id: users.id, platformUserId: users.platformUserId, name: users.name, teamId: users.teamId, active: users.active })
    .from(users)
    .where(eq(users.workspaceId, workspaceId));
  const byId = new Map(rows.map((u) => [u.platformUserId, u]));
  const byName = new Map<string, typeof rows>();
  for (const u of rows) if (u.name) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
  const toOwner = (u: (typeof rows)[number]): OwnerLookup =>
    u.active || opts.inactive
      ? { kind: 'user', user: { id: u.id, teamId: u.teamId, ref: `${platform}:${u.platformUserId}` } }
      : { kind: 'error', reason: `负责人 ${platform}:${u.platformUserId} is deactivated` };

  return {
    lookup(owner: Owner): OwnerLookup {
      if (owner.kind === 'ref') {
        const ref = `${owner.platform}:${owner.id}`;
        if (owner.platform !== platform)
          return { kind: 'error', reason: `负责人 ${ref} is not on ${platform}, the platform of this workspace` };
        const known = byId.get(owner.id);
        return known ? toOwner(known) : { kind: 'new', platformUserId: owner.id, ref };
      }
      const named = byName.get(owner.name) ?? [];
      if (named.length === 1) return toOwner(named[0]!);
      return {
        kind: 'error',
        reason: named.length
          ? `负责人 "${owner.name}" is the name of ${named.length} users: write <platform>:<id> instead`
          : `负责人 "${owner.name}" is no known user's name: write <platform>:<id> (e.g. ${platform}:ou_123)`,
      };
    },
  };
}

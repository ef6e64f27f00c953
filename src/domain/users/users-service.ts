import { and, eq } from 'drizzle-orm';
import type { TeamSettings } from '../../config.js';
import type { Db } from '../../db/client.js';
import { teams, users, workspaces } from '../../db/schema/index.js';

type Platform = string;
import type { Clock } from '../../lib/clock.js';

export type UserRecord = {
  id: number;
  /** `<platform>:<platform user id>`, how users are written in settings and the audit log. */
  ref: `${Platform}:${string}`;
  workspaceId: number;
  platformUserId: string;
  name: string | null;
  role: 'rep' | 'manager' | 'admin';
  teamId: number | null;
  managerUserId: number | null;
  locale: 'zh-CN' | 'en' | null;
};

export type WorkspaceRecord = { id: number; locale: 'zh-CN' | 'en' | null; timeZone: string | null };
export type ProfileLoader = () => Promise<{ name?: string; managerPlatformUserId?: string } | null>;

type Placement = { role: 'rep' | 'manager'; teamKey: string } | null;

/** Where the settings file puts a user: managers first, so a manager listed as a member stays one. */
function placementOf(teamSettings: TeamSettings[], ref: string): Placement {
  for (const team of teamSettings) if (team.managers.includes(ref)) return { role: 'manager', teamKey: team.id };
  for (const team of teamSettings) if (team.members.includes(ref)) return { role: 'rep', teamKey: team.id };
  return null;
}

/** Registers workspaces and users on first contact; roles and teams come from the `teams` settings. */
export function createUsersService(deps: { db: Db; clock: Clock; teams: TeamSettings[] }) {
  const { db, clock } = deps;

  async function teamIdFor(workspaceId: number, platform: Platform, key: string): Promise<number> {
    const settings = deps.teams.find((t) => t.id === key);
    const now = clock.now();
    const chat = settings?.digestChat?.startsWith(`${platform}:`) ? settings.digestChat.slice(platform.length + 1) : null;
    await db
      .insert(teams)
      .values({ workspaceId, key, name: settings?.name ?? key, digestChatId: chat, createdAt: now, updatedAt: now })
      .onDuplicateKeyUpdate({ set: { name: settings?.name ?? key, digestChatId: chat, updatedAt: now } });
    const [row] = await db.select({ id: teams.id }).from(teams).where(and(eq(teams.workspaceId, workspaceId), eq(teams.key, key))).limit(1);
    if (!row) throw new Error(`team ${key} vanished after upsert`);
    return row.id;
  }

  async function findUser(workspaceId: number, platform: Platform, platformUserId: string): Promise<UserRecord | null> {
    const [row] = await db.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.platformUserId, platformUserId))).limit(1);
    return row ? toRecord(row, platform) : null;
  }

  async function insertUser(workspaceId: number, platform: Platform, platformUserId: string, name: string | null, managerUserId: number | null): Promise<UserRecord> {
    const placement = placementOf(deps.teams, `${platform}:${platformUserId}`);
    const teamId = placement ? await teamIdFor(workspaceId, platform, placement.teamKey) : null;
    const now = clock.now();
    // Two first messages at once: the unique key keeps one row and both callers read it back.
    await db
      .insert(users)
      .ignore()
      .values({ workspaceId, platformUserId, name, role: placement?.role ?? 'rep', teamId, managerUserId, createdAt: now, updatedAt: now });
    const user = await findUser(workspaceId, platform, platformUserId);
    if (!user) throw new Error(`user ${platformUserId} vanished after insert`);
    return user;
  }

  return {
    async ensureWorkspace(platform: Platform, externalId: string): Promise<WorkspaceRecord> {
      const read = async () => {
        const [row] = await db.select().from(workspaces).where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId))).limit(1);
        return row ? { id: row.id, locale: row.locale, timeZone: row.timeZone } : null;
      };
      const existing = await read();
      if (existing) return existing;
      const now = clock.now();
      await db.insert(workspaces).ignore().values({ platform, externalId, createdAt: now, updatedAt: now });
      const created = await read();
      if (!created) throw new Error(`workspace ${platform}:${externalId} vanished after insert`);
      return created;
    },

    async ensureUser(workspaceId: number, platform: Platform, platformUserId: string, loadProfile?: ProfileLoader): Promise<UserRecord> {
      const existing = await findUser(workspaceId, platform, platformUserId);
      if (existing?.name) return existing;
      // A profile lookup is a nicety: a missing permission or an outage must not stop the message.
      const profile = loadProfile ? await loadProfile().catch(() => null) : null;
      if (existing) {
        if (profile?.name) {
          await db.update(users).set({ name: profile.name, updatedAt: clock.now() }).where(eq(users.id, existing.id));
          return { ...existing, name: profile.name };
        }
        return existing;
      }
      let managerUserId: number | null = null;
      const placed = placementOf(deps.teams, `${platform}:${platformUserId}`) !== null;
      if (!placed && profile?.managerPlatformUserId && profile.managerPlatformUserId !== platformUserId) {
        const manager = (await findUser(workspaceId, platform, profile.managerPlatformUserId)) ?? (await insertUser(workspaceId, platform, profile.managerPlatformUserId, null, null));
        managerUserId = manager.id;
      }
      return insertUser(workspaceId, platform, platformUserId, profile?.name ?? null, managerUserId);
    },

    findUser,

    /** The workspace of a platform tenant, if it was ever seen; never creates one. */
    async findWorkspace(platform: Platform, externalId: string): Promise<WorkspaceRecord | null> {
      const [row] = await db.select().from(workspaces).where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId))).limit(1);
      return row ? { id: row.id, locale: row.locale, timeZone: row.timeZone } : null;
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

function toRecord(row: typeof users.$inferSelect, platform: Platform): UserRecord {
  return {
    id: row.id,
    ref: `${platform}:${row.platformUserId}`,
    workspaceId: row.workspaceId,
    platformUserId: row.platformUserId,
    name: row.name,
    role: row.role,
    teamId: row.teamId,
    managerUserId: row.managerUserId,
    locale: row.locale,
  };
}

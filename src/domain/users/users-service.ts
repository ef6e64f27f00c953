import { and, eq, inArray, isNotNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { TeamSettings } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { teams, users, workspaces } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { runTransaction } from '../../db/run-transaction.js';

type Platform = string;

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
  /** Deactivated users (left the company) are never offered or accepted as owners. */
  active: boolean;
};

export type WorkspaceRecord = { id: number; locale: 'zh-CN' | 'en' | null; timeZone: string | null };
export type ProfileLoader = () => Promise<{ name?: string; managerPlatformUserId?: string } | null>;

type Placement = { role: 'rep' | 'manager'; teamKey: string } | null;

/**
 * How long this process keeps a workspace or user it read before reading it again. Changes made
 * through this service (a settings reload, a name learned from a profile, a new user, a renamed
 * workspace) take effect here at once; changes another replica makes (its own settings reload, a
 * handover deactivating someone) are seen here at most this long after they commit.
 */
export const USERS_CACHE_TTL_MS = 30_000;
/** Past this many entries the cache starts over, so a flood of one-off senders cannot grow it without bound. */
const CACHE_MAX_ENTRIES = 20_000;

/** What applySettings changed, for the boot and reload logs. */
export type SettingsReport = { workspaces: number; teams: number; placed: number; reset: number };

/** Where the settings file puts a user: managers first, so a manager listed as a member stays one. */
function placementOf(teamSettings: TeamSettings[], ref: string): Placement {
  for (const team of teamSettings) if (team.managers.includes(ref)) return { role: 'manager', teamKey: team.id };
  for (const team of teamSettings) if (team.members.includes(ref)) return { role: 'rep', teamKey: team.id };
  return null;
}

/** Whether a team names anyone (or a digest chat) on this platform, so that it needs a row there. */
function concerns(team: TeamSettings, platform: Platform): boolean {
  return [...team.managers, ...team.members, team.digestChat].some((ref) => ref?.startsWith(`${platform}:`));
}

/**
 * Registers workspaces and users; roles and teams come from the `teams` settings, applied to
 * everyone already registered by `applySettings` (boot, file change) and to newcomers at first contact.
 */
export function createUsersService(deps: { db: Db; clock: Clock; teams: TeamSettings[]; admins?: string[]; cacheTtlMs?: number }) {
  /** `GENJIN_ADMINS`: fixed for the life of the process (it is an environment variable). */
  const admins = new Set(deps.admins ?? []);
  const { db, clock } = deps;
  // The live settings: first contact after a reload must place people by the new file.
  let teamSettings = deps.teams;
  const cache = createRecordCache(clock, deps.cacheTtlMs ?? USERS_CACHE_TTL_MS);
  const workspaceKey = (platform: Platform, externalId: string) => `${platform}\n${externalId}`;
  const userKey = (workspaceId: number, platformUserId: string) => `${workspaceId}\n${platformUserId}`;

  async function teamIdFor(workspaceId: number, platform: Platform, key: string, q: DbOrTx = db): Promise<number> {
    const settings = teamSettings.find((t) => t.id === key);
    const now = clock.now();
    const chat = settings?.digestChat?.startsWith(`${platform}:`) ? settings.digestChat.slice(platform.length + 1) : null;
    await q
      .insert(teams)
      .values({ workspaceId, key, name: settings?.name ?? key, digestChatId: chat, createdAt: now, updatedAt: now })
      .onDuplicateKeyUpdate({ set: { name: settings?.name ?? key, digestChatId: chat, updatedAt: now } });
    const [row] = await q
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.key, key)))
      .limit(1);
    if (!row) throw new Error(`team ${key} vanished after upsert`);
    return row.id;
  }

  /** One workspace, in one transaction: team rows, then listed users, then users no team lists any more. */
  async function applyToWorkspace(workspaceId: number, platform: Platform): Promise<Omit<SettingsReport, 'workspaces'>> {
    const prefix = `${platform}:`;
    return runTransaction(db, async (tx) => {
      const existing = new Set(
        (await tx.select({ key: teams.key }).from(teams).where(eq(teams.workspaceId, workspaceId))).map((r) => r.key),
      );
      const teamIds = new Map<string, number>();
      for (const team of teamSettings) {
        if (existing.has(team.id) || concerns(team, platform)) teamIds.set(team.id, await teamIdFor(workspaceId, platform, team.id, tx));
      }
      const listed = new Set(teamSettings.flatMap((t) => [...t.managers, ...t.members]).filter((ref) => ref.startsWith(prefix)));
      // One UPDATE per (role, team); rows already right are not touched, so the counts are real changes.
      const groups = new Map<string, { role: 'rep' | 'manager'; teamId: number; ids: string[] }>();
      for (const ref of listed) {
        const placement = placementOf(teamSettings, ref);
        const teamId = placement ? teamIds.get(placement.teamKey) : undefined;
        if (!placement || teamId === undefined) continue;
        const group = groups.get(`${placement.role}:${teamId}`) ?? { role: placement.role, teamId, ids: [] };
        group.ids.push(ref.slice(prefix.length));
        groups.set(`${placement.role}:${teamId}`, group);
      }
      const now = clock.now();
      // Admins come from GENJIN_ADMINS, not the settings file: someone taken off that list is
      // placed by the file like anyone else, and the listed ones are admins whatever the file says.
      const adminIds = [...admins].filter((ref) => ref.startsWith(prefix)).map((ref) => ref.slice(prefix.length));
      await tx
        .update(users)
        .set({ role: 'rep', updatedAt: now })
        .where(
          and(
            eq(users.workspaceId, workspaceId),
            eq(users.role, 'admin'),
            adminIds.length ? notInArray(users.platformUserId, adminIds) : undefined,
          ),
        );
      if (adminIds.length) {
        await tx
          .update(users)
          .set({ role: 'admin', updatedAt: now })
          .where(and(eq(users.workspaceId, workspaceId), inArray(users.platformUserId, adminIds), ne(users.role, 'admin')));
      }
      const notAdmin = and(eq(users.workspaceId, workspaceId), ne(users.role, 'admin'));
      let placed = 0;
      for (const g of groups.values()) {
        const [result] = await tx
          .update(users)
          .set({ role: g.role, teamId: g.teamId, updatedAt: now })
          .where(
            and(notAdmin, inArray(users.platformUserId, g.ids), sql`NOT (${users.role} = ${g.role} AND ${users.teamId} <=> ${g.teamId})`),
          );
        placed += result.affectedRows;
      }
      // Taken off every team: back to a rep without one. Reps placed by their platform manager
      // (no team) are left as they are.
      const unlisted =
        listed.size > 0
          ? notInArray(
              users.platformUserId,
              [...listed].map((ref) => ref.slice(prefix.length)),
            )
          : undefined;
      const [reset] = await tx
        .update(users)
        .set({ role: 'rep', teamId: null, updatedAt: now })
        .where(and(notAdmin, or(eq(users.role, 'manager'), isNotNull(users.teamId)), unlisted));
      return { teams: teamIds.size, placed, reset: reset.affectedRows };
    });
  }

  /** The workspace of a platform tenant, if it was ever seen; never creates one. */
  async function findWorkspace(platform: Platform, externalId: string): Promise<WorkspaceRecord | null> {
    const [row] = await db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)))
      .limit(1);
    return row ? { id: row.id, locale: row.locale, timeZone: row.timeZone } : null;
  }

  async function findUser(workspaceId: number, platform: Platform, platformUserId: string): Promise<UserRecord | null> {
    const [row] = await db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.platformUserId, platformUserId)))
      .limit(1);
    return row ? toRecord(row, platform) : null;
  }

  async function insertUser(
    workspaceId: number,
    platform: Platform,
    platformUserId: string,
    name: string | null,
    managerUserId: number | null,
  ): Promise<UserRecord> {
    const placement = placementOf(teamSettings, `${platform}:${platformUserId}`);
    const teamId = placement ? await teamIdFor(workspaceId, platform, placement.teamKey) : null;
    const now = clock.now();
    const values = {
      workspaceId,
      platformUserId,
      name,
      role: admins.has(`${platform}:${platformUserId}`) ? ('admin' as const) : (placement?.role ?? ('rep' as const)),
      teamId,
      managerUserId,
      createdAt: now,
      updatedAt: now,
    };
    // Two first messages at once: the unique key keeps one row; the caller whose insert was ignored reads it.
    const [result] = await db.insert(users).ignore().values(values);
    if (result.affectedRows === 1) return toRecord({ ...values, id: result.insertId, locale: null, active: true }, platform);
    const user = await findUser(workspaceId, platform, platformUserId);
    if (!user) throw new Error(`user ${platformUserId} vanished after insert`);
    return user;
  }

  return {
    /** The tenant's workspace, created at first contact; served from memory for USERS_CACHE_TTL_MS. */
    async ensureWorkspace(platform: Platform, externalId: string): Promise<WorkspaceRecord> {
      const key = workspaceKey(platform, externalId);
      const cached = cache.workspaces.get(key);
      if (cached) return cached;
      const generation = cache.generation;
      const existing = await findWorkspace(platform, externalId);
      if (existing) return cache.workspaces.set(key, existing, generation);
      const now = clock.now();
      await db.insert(workspaces).ignore().values({ platform, externalId, createdAt: now, updatedAt: now });
      const created = await findWorkspace(platform, externalId);
      if (!created) throw new Error(`workspace ${platform}:${externalId} vanished after insert`);
      return cache.workspaces.set(key, created, generation);
    },

    /**
     * The sender as a user, registered (placed by the settings, or under their platform manager)
     * at first contact; served from memory for USERS_CACHE_TTL_MS. While their name is unknown the
     * profile is asked again on each call.
     */
    async ensureUser(workspaceId: number, platform: Platform, platformUserId: string, loadProfile?: ProfileLoader): Promise<UserRecord> {
      const key = userKey(workspaceId, platformUserId);
      const generation = cache.generation;
      const cached = cache.users.get(key);
      if (cached?.name || (cached && !loadProfile)) return cached;
      const existing = cached ?? (await findUser(workspaceId, platform, platformUserId));
      if (existing?.name) return cache.users.set(key, existing, generation);
      // A profile lookup is a nicety: a missing permission or an outage must not stop the message.
      const profile = loadProfile ? await loadProfile().catch(() => null) : null;
      if (existing) {
        // A cached user keeps the time it was read: asking the profile again must not stretch the TTL.
        const keep = (user: UserRecord) => (cached ? cache.users.replace(key, user) : cache.users.set(key, user, generation));
        if (profile?.name) {
          await db.update(users).set({ name: profile.name, updatedAt: clock.now() }).where(eq(users.id, existing.id));
          return keep({ ...existing, name: profile.name });
        }
        return keep(existing);
      }
      let managerUserId: number | null = null;
      const placed = placementOf(teamSettings, `${platform}:${platformUserId}`) !== null;
      if (!placed && profile?.managerPlatformUserId && profile.managerPlatformUserId !== platformUserId) {
        const manager =
          (await findUser(workspaceId, platform, profile.managerPlatformUserId)) ??
          (await insertUser(workspaceId, platform, profile.managerPlatformUserId, null, null));
        managerUserId = manager.id;
      }
      return cache.users.set(
        key,
        await insertUser(workspaceId, platform, platformUserId, profile?.name ?? null, managerUserId),
        generation,
      );
    },

    /** Forgets every cached workspace and user: call after changing users other than through this service. */
    forgetUsers(): void {
      cache.clear();
    },

    findUser,

    /** A user of the workspace by display name (for `@名字` where the platform gives no id); null when none or several share it. */
    async findUserByName(workspaceId: number, name: string): Promise<UserRecord | null> {
      const rows = await db
        .select()
        .from(users)
        .where(and(eq(users.workspaceId, workspaceId), eq(users.name, name)))
        .limit(2);
      const [row] = rows;
      if (!row || rows.length > 1) return null;
      const [ws] = await db.select({ platform: workspaces.platform }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
      return toRecord(row, ws?.platform ?? '');
    },

    /**
     * Applies the settings file's teams to every workspace and every registered user (managers
     * first, as at first contact); people not registered yet are placed when they first write.
     */
    async applySettings(next: TeamSettings[]): Promise<SettingsReport> {
      teamSettings = next;
      // Before and after: a user read while the roles were being rewritten is not kept.
      cache.clear();
      try {
        const all = await db.select({ id: workspaces.id, platform: workspaces.platform }).from(workspaces);
        const report: SettingsReport = { workspaces: all.length, teams: 0, placed: 0, reset: 0 };
        for (const ws of all) {
          const r = await applyToWorkspace(ws.id, ws.platform);
          report.teams += r.teams;
          report.placed += r.placed;
          report.reset += r.reset;
        }
        return report;
      } finally {
        cache.clear();
      }
    },

    /**
     * Gives a workspace a new external id unless one with that id already exists (then both stay
     * as they are: merging them is an admin's decision). One statement, so replicas booting
     * together rename it once. True when this call renamed it.
     */
    async renameWorkspace(platform: Platform, from: string, to: string): Promise<boolean> {
      // A self-join rather than NOT EXISTS: MySQL refuses a subquery on the table being updated.
      const [result] = await db.execute(sql`
        UPDATE workspaces w LEFT JOIN workspaces taken ON taken.platform = w.platform AND taken.external_id = ${to}
        SET w.external_id = ${to}, w.updated_at = ${clock.now()}
        WHERE w.platform = ${platform} AND w.external_id = ${from} AND taken.id IS NULL`);
      if (result.affectedRows === 1) cache.clear();
      return result.affectedRows === 1;
    },

    findWorkspace,
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

type Entry<T> = { value: T; at: number };

/**
 * Workspaces and users by key, each kept `ttlMs` from when it was read. `generation` changes on
 * every `clear`: a value read before a clear is not stored after it (see `set`), so a read that
 * raced a settings reload cannot put the old role back.
 */
function createRecordCache(clock: Clock, ttlMs: number) {
  const state = { generation: 0 };
  function table<T>() {
    const entries = new Map<string, Entry<T>>();
    return {
      entries,
      get(key: string): T | undefined {
        const entry = entries.get(key);
        if (!entry) return undefined;
        if (clock.now().getTime() - entry.at < ttlMs) return entry.value;
        entries.delete(key);
        return undefined;
      },
      /** Changes a stored value, keeping when it was read (nothing when it is gone); returns `value`. */
      replace(key: string, value: T): T {
        const entry = entries.get(key);
        if (entry) entry.value = value;
        return value;
      },
      /** Stores `value` unless the cache was cleared since `generation` was taken; returns `value`. */
      set(key: string, value: T, generation: number): T {
        if (generation !== state.generation) return value;
        if (entries.size >= CACHE_MAX_ENTRIES) entries.clear();
        entries.set(key, { value, at: clock.now().getTime() });
        return value;
      },
    };
  }
  const workspaceTable = table<WorkspaceRecord>();
  const userTable = table<UserRecord>();
  return {
    get generation() {
      return state.generation;
    },
    workspaces: workspaceTable,
    users: userTable,
    clear() {
      state.generation += 1;
      workspaceTable.entries.clear();
      userTable.entries.clear();
    },
  };
}

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
    active: row.active,
  };
}

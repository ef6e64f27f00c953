import type { DbHandle } from '../../src/db/client.js';
import { customers, teams, users, workspaces } from '../../src/db/schema/index.js';
import { uniqueId } from './db.js';

const AT = new Date('2026-11-20T02:00:00Z');

export type SeededPerson = { id: number; platformUserId: string; name: string };

/**
 * One workspace of a platform tenant with a team `east` (manager 王经理, reps 张三 and 李四, 钱七 who
 * left: inactive) and a team `west` (赵经理), as the settings file and GENJIN_ADMINS would place them,
 * plus an admin 孙总. Ids are unique per call so tests of one file never see each other's people.
 */
export async function seedOwnershipWorkspace(handle: DbHandle, platform: 'feishu' | 'wecom', tenant: string) {
  const db = handle.db;
  await db.insert(workspaces).ignore().values({ platform, externalId: tenant, createdAt: AT, updatedAt: AT });
  const [ws] = (await db.select().from(workspaces)).filter((w) => w.platform === platform && w.externalId === tenant);
  if (!ws) throw new Error('workspace not created');
  const team = async (key: string) =>
    (await db.insert(teams).values({ workspaceId: ws.id, key: uniqueId(key), name: key, createdAt: AT, updatedAt: AT }))[0].insertId;
  const east = await team('east');
  const west = await team('west');
  const tag = uniqueId('u')
    .replace(/[^0-9a-z]/gi, '')
    .slice(-10);
  const person = async (
    key: string,
    name: string,
    role: 'rep' | 'manager' | 'admin',
    teamId: number | null,
    active = true,
  ): Promise<SeededPerson> => {
    const platformUserId = `${platform === 'feishu' ? 'ou_' : ''}${key}_${tag}`;
    const [r] = await db
      .insert(users)
      .values({ workspaceId: ws.id, platformUserId, name, role, teamId, active, createdAt: AT, updatedAt: AT });
    return { id: r.insertId, platformUserId, name };
  };
  const people = {
    rep: await person('rep', '张三', 'rep', east),
    rep2: await person('rep2', '李四', 'rep', east),
    manager: await person('mgr', '王经理', 'manager', east),
    otherManager: await person('mgr2', '赵经理', 'manager', west),
    gone: await person('gone', '钱七', 'rep', east, false),
    admin: await person('admin', '孙总', 'admin', null),
  };
  /** A customer owned by `owner` (null: the pool) in team east, with an amount only its viewers may see. */
  const customer = async (name: string, owner: SeededPerson | null, values: Partial<typeof customers.$inferInsert> = {}) =>
    (
      await db.insert(customers).values({
        workspaceId: ws.id,
        name,
        normalizedName: name,
        tags: [],
        stage: 'quote',
        amount: 380000,
        ownerUserId: owner?.id ?? null,
        teamId: east,
        createdAt: AT,
        updatedAt: AT,
        ...values,
      })
    )[0].insertId;
  return { workspaceId: ws.id, east, west, people, customer };
}

import type { DbHandle } from '../../../src/db/client.js';
import { customers, reminders, teams, users } from '../../../src/db/schema/index.js';
import { normalizeCustomerName } from '../../../src/domain/customers/normalize-name.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { createTestWorkspace, uniqueId } from '../../helpers/db.js';

const AT = new Date('2026-11-20T02:00:00Z');

/**
 * A workspace with team east (manager, reps rep and rep2), team west (otherManager) and an admin,
 * as domain users; customers and reminders are inserted directly, as the reminder job would leave them.
 */
export async function seedReminderWorkspace(handle: DbHandle) {
  const db = handle.db;
  const workspaceId = await createTestWorkspace(handle);
  const team = async (key: string) =>
    (await db.insert(teams).values({ workspaceId, key: uniqueId(key), name: key, createdAt: AT, updatedAt: AT }))[0].insertId;
  const east = await team('east');
  const west = await team('west');
  const user = async (name: string, role: UserRecord['role'], teamId: number | null): Promise<UserRecord> => {
    const platformUserId = uniqueId('ou');
    const [r] = await db
      .insert(users)
      .values({ workspaceId, platformUserId, name, role, teamId, active: true, createdAt: AT, updatedAt: AT });
    return {
      id: r.insertId,
      ref: `feishu:${platformUserId}`,
      workspaceId,
      platformUserId,
      name,
      role,
      teamId,
      managerUserId: null,
      locale: null,
      active: true,
    };
  };
  const people = {
    rep: await user('张三', 'rep', east),
    rep2: await user('李四', 'rep', east),
    manager: await user('王经理', 'manager', east),
    otherManager: await user('赵经理', 'manager', west),
    admin: await user('孙总', 'admin', null),
  };
  const customer = async (name: string, owner: UserRecord, values: Partial<typeof customers.$inferInsert> = {}) =>
    (
      await db.insert(customers).values({
        workspaceId,
        name,
        normalizedName: normalizeCustomerName(name),
        tags: [],
        stage: 'quote',
        ownerUserId: owner.id,
        teamId: owner.teamId,
        createdAt: AT,
        updatedAt: AT,
        ...values,
      })
    )[0].insertId;
  const reminder = async (customerId: number, owner: UserRecord, values: Partial<typeof reminders.$inferInsert> = {}) =>
    (
      await db.insert(reminders).values({
        workspaceId,
        customerId,
        userId: owner.id,
        kind: 'due',
        dueDate: '2026-11-25',
        dueAt: new Date('2026-11-25T01:00:00Z'),
        status: 'sent',
        sentAt: new Date('2026-11-25T01:00:00Z'),
        createdAt: AT,
        updatedAt: AT,
        ...values,
      })
    )[0].insertId;
  return { workspaceId, east, west, people, customer, reminder };
}

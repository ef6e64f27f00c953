import type { DbHandle } from '../../src/db/client.js';
import { customers, followUps, reminders, teams, users } from '../../src/db/schema/index.js';
import type { UserRecord } from '../../src/domain/users/users-service.js';
import { uniqueId } from './db.js';

const T0 = new Date('2026-11-01T02:00:00Z');

/** People and books for handover tests, inserted directly (as if registered long ago). */
export function handoverFixture(handle: () => DbHandle, platform = 'feishu') {
  const db = () => handle().db;

  async function team(workspaceId: number, key: string) {
    const [r] = await db().insert(teams).values({ workspaceId, key, name: key, createdAt: T0, updatedAt: T0 });
    return r.insertId;
  }

  async function user(
    workspaceId: number,
    role: UserRecord['role'],
    teamId: number | null,
    o: { active?: boolean; name?: string; platformUserId?: string; managerUserId?: number } = {},
  ): Promise<UserRecord> {
    const platformUserId = o.platformUserId ?? uniqueId('ou');
    const active = o.active ?? true;
    const name = o.name ?? platformUserId;
    const managerUserId = o.managerUserId ?? null;
    const [r] = await db()
      .insert(users)
      .values({ workspaceId, platformUserId, name, role, teamId, managerUserId, active, createdAt: T0, updatedAt: T0 });
    return {
      id: r.insertId,
      ref: `${platform}:${platformUserId}`,
      workspaceId,
      platformUserId,
      name,
      role,
      teamId,
      managerUserId,
      locale: null,
      active,
    };
  }

  /**
   * `n` customers owned by `owner` (stage quote, amount 10,000 × i), one open reminder on every
   * tenth and one confirmed follow-up on every fifth, in multi-row inserts of 500.
   */
  async function book(owner: UserRecord, n: number): Promise<number[]> {
    const prefix = uniqueId('客户');
    const ids: number[] = [];
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
        const i = start + k;
        return {
          workspaceId: owner.workspaceId,
          name: `${prefix}-${i}`,
          normalizedName: `${prefix}-${i}`,
          tags: [],
          ownerUserId: owner.id,
          teamId: owner.teamId,
          stage: 'quote' as const,
          amount: 10_000 * (i + 1),
          createdAt: T0,
          updatedAt: T0,
        };
      });
      const [r] = await db().insert(customers).values(rows);
      // One multi-row INSERT gets consecutive ids from the first.
      for (let k = 0; k < rows.length; k++) ids.push(r.insertId + k);
    }
    const withReminder = ids.filter((_, i) => i % 10 === 0);
    for (let s = 0; s < withReminder.length; s += 500) {
      await db()
        .insert(reminders)
        .values(
          withReminder.slice(s, s + 500).map((customerId) => ({
            workspaceId: owner.workspaceId,
            customerId,
            userId: owner.id,
            kind: 'due' as const,
            dueDate: '2026-11-26',
            dueAt: new Date('2026-11-26T01:00:00Z'),
            createdAt: T0,
            updatedAt: T0,
          })),
        );
    }
    const withFollowUp = ids.filter((_, i) => i % 5 === 0);
    for (let s = 0; s < withFollowUp.length; s += 500) {
      await db()
        .insert(followUps)
        .values(
          withFollowUp.slice(s, s + 500).map((customerId) => ({
            workspaceId: owner.workspaceId,
            customerId,
            authorUserId: owner.id,
            rawText: '拜访',
            parsed: {},
            summary: '拜访',
            status: 'confirmed' as const,
            occurredAt: T0,
            createdAt: T0,
            updatedAt: T0,
          })),
        );
    }
    return ids;
  }

  return { team, user, book };
}

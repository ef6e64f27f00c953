import type { DbHandle } from '../../../src/db/client.js';
import { customers, users, workspaces } from '../../../src/db/schema/index.js';
import { uniqueId } from '../../helpers/db.js';

export type Rep = { id: number; platformUserId: string; name: string };

/**
 * A fresh workspace of `platform` (its own tenant), with reps added by `rep()` and customers by
 * `customer()`: the unit of isolation between the reminder tests of one file.
 */
export async function seedReminderWorkspace(handle: DbHandle, platform: string, opts: { locale?: 'zh-CN' | 'en'; tenant?: string } = {}) {
  const db = handle.db;
  const at = new Date('2026-10-01T00:00:00Z');
  const tenant = opts.tenant ?? uniqueId('tenant');
  const [w] = await db
    .insert(workspaces)
    .values({ platform, externalId: tenant, name: 'reminders', locale: opts.locale ?? null, createdAt: at, updatedAt: at });
  const workspaceId = w.insertId;
  return {
    workspaceId,
    tenant,
    async rep(name: string, o: { active?: boolean; platformUserId?: string } = {}): Promise<Rep> {
      const platformUserId = o.platformUserId ?? `${platform === 'feishu' ? 'ou_' : ''}${uniqueId('u').replace(/[^0-9a-z_]/gi, '')}`;
      const [r] = await db
        .insert(users)
        .values({ workspaceId, platformUserId, name, role: 'rep', active: o.active ?? true, createdAt: at, updatedAt: at });
      return { id: r.insertId, platformUserId, name };
    },
    async customer(
      name: string,
      owner: Rep | null,
      o: {
        next?: string | null;
        last?: string | null;
        created?: string;
        tier?: 'A' | 'B' | 'C' | null;
        stage?: (typeof customers.$inferInsert)['stage'];
        amount?: number | null;
      } = {},
    ): Promise<number> {
      const created = new Date(o.created ?? '2026-10-01T00:00:00Z');
      const [r] = await db.insert(customers).values({
        workspaceId,
        name,
        normalizedName: name.toLowerCase(),
        tags: [],
        tier: o.tier ?? null,
        stage: o.stage ?? 'proposal',
        amount: o.amount === undefined ? 120000 : o.amount,
        ownerUserId: owner?.id ?? null,
        nextFollowUpAt: o.next ? new Date(o.next) : null,
        lastFollowUpAt: o.last ? new Date(o.last) : null,
        createdAt: created,
        updatedAt: created,
      });
      return r.insertId;
    },
  };
}

import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { followUps, users } from '../../db/schema/index.js';
import { getCustomer } from '../customers/customers-repo.js';

/** Read models for the chat command `/查` (`/我的` reads through src/domain/reminders). */
export function createFollowUpQueries(deps: { db: Db }) {
  const { db } = deps;
  return {
    async customerOverview(workspaceId: number, customerId: number) {
      const customer = await getCustomer(db, workspaceId, customerId);
      if (!customer) return null;
      const recent = await db
        .select({ followUp: followUps, authorName: users.name })
        .from(followUps)
        .leftJoin(users, eq(users.id, followUps.authorUserId))
        .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.customerId, customerId), eq(followUps.status, 'confirmed')))
        .orderBy(desc(followUps.occurredAt))
        .limit(5);
      const [owner] =
        customer.ownerUserId === null
          ? []
          : await db
              .select({ name: users.name, platformUserId: users.platformUserId })
              .from(users)
              .where(eq(users.id, customer.ownerUserId))
              .limit(1);
      return {
        customer,
        followUps: recent.map((r) => ({ ...r.followUp, authorName: r.authorName })),
        ownerName: owner ? (owner.name ?? owner.platformUserId) : null,
      };
    },
  };
}

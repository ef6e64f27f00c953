import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { customers, followUps, users } from '../../db/schema/index.js';
import { addDays, toZonedIso, wallClock } from '../notes/civil-time.js';
import { getCustomer } from '../customers/customers-repo.js';

/** Read models for the chat commands `/查` and `/我的`. */
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
      const [owner] = customer.ownerUserId === null ? [] : await db.select({ name: users.name, platformUserId: users.platformUserId }).from(users).where(eq(users.id, customer.ownerUserId)).limit(1);
      return {
        customer,
        followUps: recent.map((r) => ({ ...r.followUp, authorName: r.authorName })),
        ownerName: owner ? (owner.name ?? owner.platformUserId) : null,
      };
    },

    /** The user's customers due before the end of today in `timeZone`, overdue first. */
    async dueForUser(workspaceId: number, userId: number, now: Date, timeZone: string) {
      const today = wallClock(now, timeZone);
      const startOfToday = new Date(toZonedIso(today, 0, 0, timeZone));
      const endOfToday = new Date(toZonedIso(addDays(today, 1), 0, 0, timeZone));
      const due = await db
        .select()
        .from(customers)
        .where(and(eq(customers.workspaceId, workspaceId), eq(customers.ownerUserId, userId), lt(customers.nextFollowUpAt, endOfToday)))
        .orderBy(asc(customers.nextFollowUpAt))
        .limit(20);
      return Promise.all(
        due.map(async (customer) => {
          const [last] = await db
            .select({ summary: followUps.summary })
            .from(followUps)
            .where(and(eq(followUps.workspaceId, workspaceId), eq(followUps.customerId, customer.id), eq(followUps.status, 'confirmed')))
            .orderBy(desc(followUps.occurredAt))
            .limit(1);
          return { customer, overdue: (customer.nextFollowUpAt ?? now) < startOfToday, lastSummary: last?.summary ?? null };
        }),
      );
    },
  };
}

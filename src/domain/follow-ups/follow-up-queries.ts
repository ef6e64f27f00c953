import { and, asc, desc, eq, lt, notInArray, sql } from 'drizzle-orm';
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

    /**
     * The user's open customers (not won or lost) due before the end of today in `timeZone`,
     * overdue first, each with its latest confirmed summary. One statement: the summary is a
     * correlated subquery on `follow_ups_customer_time_idx`, so the cost does not grow per customer.
     */
    async dueForUser(workspaceId: number, userId: number, now: Date, timeZone: string) {
      const today = wallClock(now, timeZone);
      const startOfToday = new Date(toZonedIso(today, 0, 0, timeZone));
      const endOfToday = new Date(toZonedIso(addDays(today, 1), 0, 0, timeZone));
      // Written out: drizzle drops table names in a one-table select, which would turn the outer
      // `customers.id` into the subquery's own `id`.
      const lastSummary = sql<
        string | null
      >`(select f.summary from follow_ups f where f.workspace_id = customers.workspace_id and f.customer_id = customers.id and f.status = 'confirmed' order by f.occurred_at desc, f.id desc limit 1)`;
      const due = await db
        .select({ customer: customers, lastSummary })
        .from(customers)
        .where(
          and(
            eq(customers.workspaceId, workspaceId),
            eq(customers.ownerUserId, userId),
            lt(customers.nextFollowUpAt, endOfToday),
            notInArray(customers.stage, ['won', 'lost']),
          ),
        )
        .orderBy(asc(customers.nextFollowUpAt))
        .limit(20);
      return due.map(({ customer, lastSummary }) => ({
        customer,
        overdue: (customer.nextFollowUpAt ?? now) < startOfToday,
        lastSummary: lastSummary ?? null,
      }));
    },
  };
}

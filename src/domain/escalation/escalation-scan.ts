import { and, eq, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customers } from '../../db/schema/index.js';

export type EscalationCandidate = {
  id: number;
  name: string;
  teamId: number | null;
  ownerUserId: number;
  nextFollowUpAt: Date;
  lastFollowUpAt: Date | null;
  /** When the episode's first due reminder went out. */
  firstSentAt: Date;
};

/**
 * Customers still due in the same episode whose first due reminder of that episode went out
 * before `sentBefore`, and not yet escalated for it. A due reminder goes out once the next time
 * has come, so the episode's next time lies before it too: one range on
 * (workspace_id, next_follow_up_at), then per row a lookup on reminders (customer_id, kind,
 * subject_at) for the first due reminder and for an escalation.
 */
export async function scanEscalations(db: DbOrTx, workspaceId: number, sentBefore: Date): Promise<EscalationCandidate[]> {
  // Written out: drizzle leaves columns of the outer table unqualified inside a select's subquery.
  const firstSent = sql<Date | null>`(select min(due.sent_at) from reminders due where due.customer_id = customers.id and due.kind = 'due' and due.subject_at = customers.next_follow_up_at and due.sent_at is not null)`;
  const escalated = sql`exists (select 1 from reminders esc where esc.customer_id = customers.id and esc.kind = 'escalation' and esc.subject_at = customers.next_follow_up_at)`;
  const rows = await db
    .select({
      id: customers.id,
      name: customers.name,
      teamId: customers.teamId,
      ownerUserId: customers.ownerUserId,
      nextFollowUpAt: customers.nextFollowUpAt,
      lastFollowUpAt: customers.lastFollowUpAt,
      firstSentAt: firstSent.mapWith(customers.nextFollowUpAt),
    })
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        lt(customers.nextFollowUpAt, sentBefore),
        isNotNull(customers.ownerUserId),
        or(isNull(customers.lastFollowUpAt), lt(customers.lastFollowUpAt, customers.nextFollowUpAt)),
        sql`not ${escalated}` as SQL,
      ),
    );
  return rows.flatMap((r) =>
    r.firstSentAt && r.firstSentAt < sentBefore && r.nextFollowUpAt && r.ownerUserId !== null
      ? [{ ...r, ownerUserId: r.ownerUserId, nextFollowUpAt: r.nextFollowUpAt, firstSentAt: r.firstSentAt }]
      : [],
  );
}

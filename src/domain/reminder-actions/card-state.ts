import { and, eq, inArray, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { reminders } from '../../db/schema/index.js';
import { writeAuditEntry } from '../audit/write-audit.js';
import type { CustomerRecord } from '../customers/customers-repo.js';

/**
 * What a reminder card's buttons act on, as the card was drawn: the customer, the reminder (null on
 * `/我的`) and the customer's next and last follow-up times then.
 */
export type CardRef = { customerId: number; reminderId: number | null; nextAt: Date | null; lastAt: Date | null };

/** What was done from a card, as `reminders.action` stores it. */
export type ReminderAction = 'note' | 'postpone_1d' | 'postpone_7d' | 'reschedule' | 'transfer' | 'transfer_request';

/** How an action leaves the reminder: `done`, or `snoozed` until the new next follow-up. */
export type ReminderMark = { action: ReminderAction; status: 'done' | 'snoozed'; snoozedUntil?: Date };

/** Still waiting for its owner: what a click may act on. */
const OPEN = ['pending', 'sent'] as const;
/** The reminders a follow-up answers; escalations and pool warnings are their own episodes. */
const ANSWERED_BY_FOLLOW_UP = ['due', 'quiet'] as const;

const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

/**
 * Spends the card inside the caller's transaction, on the customer row the caller locked: with a
 * reminder, a conditional UPDATE from `pending`/`sent` (affectedRows 1 wins, so of two clicks on
 * two replicas exactly one acts); without one (`/我的`), the customer's next and last times must
 * still be those the card showed. The customer's other open due/quiet reminders get the same mark,
 * so their cards are spent too. An audit row records the action. False: the card is spent, nothing
 * was written.
 */
export async function claimCard(
  tx: Tx,
  c: { ref: CardRef; customer: CustomerRecord; actor: { id: number; ref: string }; mark: ReminderMark; now: Date },
): Promise<boolean> {
  const { ref, customer, mark, now } = c;
  const set = {
    status: mark.status,
    action: mark.action,
    actedByUserId: c.actor.id,
    actedAt: now,
    snoozedUntil: mark.snoozedUntil ?? null,
    updatedAt: now,
  };
  if (ref.reminderId !== null) {
    const [res] = await tx
      .update(reminders)
      .set(set)
      .where(
        and(
          eq(reminders.id, ref.reminderId),
          eq(reminders.workspaceId, customer.workspaceId),
          eq(reminders.customerId, customer.id),
          inArray(reminders.status, [...OPEN]),
        ),
      );
    if (res.affectedRows !== 1) return false;
  } else if (!sameTime(customer.nextFollowUpAt, ref.nextAt) || !sameTime(customer.lastFollowUpAt, ref.lastAt)) {
    return false;
  }
  await closeAnswered(tx, customer.id, set);
  await writeAuditEntry(tx, {
    workspaceId: customer.workspaceId,
    actor: c.actor.ref,
    action: `reminder.${mark.action}`,
    subjectType: 'customer',
    subjectId: customer.id,
    before: { nextFollowUpAt: customer.nextFollowUpAt?.toISOString() ?? null },
    after: {
      reminderId: ref.reminderId,
      status: mark.status,
      ...(mark.snoozedUntil ? { nextFollowUpAt: mark.snoozedUntil.toISOString() } : {}),
    },
    source: 'card',
    now,
  });
  return true;
}

/**
 * Marks the customer's open due and quiet reminders with what answered them (a follow-up logged
 * by any path: action `note`), so a card still out there is found spent instead of acting again.
 */
export async function closeAnswered(
  tx: Tx,
  customerId: number,
  set: { status: 'done' | 'snoozed'; action: string; actedByUserId: number; actedAt: Date; snoozedUntil: Date | null; updatedAt: Date },
): Promise<void> {
  await tx.update(reminders).set(set).where(openAnsweredBy(customerId));
}

/** The condition for the customer's open due and quiet reminders, those `closeAnswered` marks; the id may be a column (in a subquery). */
export const openAnsweredBy = (customerId: number | SQLWrapper) =>
  and(eq(reminders.customerId, customerId), inArray(reminders.kind, [...ANSWERED_BY_FOLLOW_UP]), inArray(reminders.status, [...OPEN]));

/**
 * Whether the card is still current, without spending it (已跟进 on WeCom asks first, and 转交
 * shows its picker first); the click that acts checks again under the lock.
 */
export async function isCurrent(db: DbOrTx, customer: CustomerRecord, ref: CardRef): Promise<boolean> {
  if (ref.reminderId === null) return sameTime(customer.nextFollowUpAt, ref.nextAt) && sameTime(customer.lastFollowUpAt, ref.lastAt);
  const [row] = await db
    .select({ status: reminders.status })
    .from(reminders)
    .where(and(eq(reminders.id, ref.reminderId), eq(reminders.workspaceId, customer.workspaceId), eq(reminders.customerId, customer.id)))
    .limit(1);
  return row !== undefined && (OPEN as readonly string[]).includes(row.status);
}

import { and, desc, eq, inArray, isNotNull, like } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { auditLog, customers, reminders, transferRequests, users } from '../../db/schema/index.js';
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

/** Who spent a card, when, and with what (null fields: the reminder was closed without an action, e.g. cancelled). */
export type Acted = {
  action: string | null;
  status: string;
  by: string | null;
  at: Date | null;
  /** Postponed or rescheduled: the new next follow-up. */
  until: Date | null;
  /** Transferred: the customer's owner now; a request: the colleague it was asked for. */
  toName: string | null;
};

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
  await tx
    .update(reminders)
    .set(set)
    .where(
      and(eq(reminders.customerId, customerId), inArray(reminders.kind, [...ANSWERED_BY_FOLLOW_UP]), inArray(reminders.status, [...OPEN])),
    );
}

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

/**
 * Who spent the card and how: the card's reminder; on `/我的`, the latest of the customer's acted
 * reminders and the card actions in its audit log (a row's action leaves no reminder when the
 * customer had none). Null when nothing says (the customer changed some other way).
 */
export async function actedOn(db: DbOrTx, workspaceId: number, ref: CardRef): Promise<Acted | null> {
  const byReminder = await reminderActed(db, workspaceId, ref);
  if (ref.reminderId !== null) return byReminder;
  const byAudit = await auditedAct(db, workspaceId, ref);
  if (!byReminder || !byReminder.at) return byAudit ?? byReminder;
  return byAudit?.at && byAudit.at > byReminder.at ? byAudit : byReminder;
}

/** The latest `reminder.<action>` audit row of the customer, read back as an `Acted`. */
async function auditedAct(db: DbOrTx, workspaceId: number, ref: CardRef): Promise<Acted | null> {
  const [row] = await db
    .select({ action: auditLog.action, actor: auditLog.actor, after: auditLog.after, at: auditLog.createdAt })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        eq(auditLog.subjectType, 'customer'),
        eq(auditLog.subjectId, String(ref.customerId)),
        like(auditLog.action, 'reminder.%'),
      ),
    )
    .orderBy(desc(auditLog.createdAt))
    .limit(1);
  if (!row) return null;
  // The actor is `<platform>:<platform user id>` (users.ref).
  const platformUserId = row.actor.slice(row.actor.indexOf(':') + 1);
  const [by] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.platformUserId, platformUserId)))
    .limit(1);
  const after = new Map<string, unknown>(row.after && typeof row.after === 'object' ? Object.entries(row.after) : []);
  const status = after.get('status');
  const until = after.get('nextFollowUpAt');
  const action = row.action.slice('reminder.'.length);
  return {
    action,
    status: typeof status === 'string' ? status : 'done',
    by: by?.name ?? null,
    at: row.at,
    until: typeof until === 'string' ? new Date(until) : null,
    toName: await toNameOf(db, workspaceId, ref, { action, byId: by?.id ?? null }),
  };
}

async function reminderActed(db: DbOrTx, workspaceId: number, ref: CardRef): Promise<Acted | null> {
  const [row] = await db
    .select({
      action: reminders.action,
      status: reminders.status,
      by: users.name,
      byId: reminders.actedByUserId,
      at: reminders.actedAt,
      until: reminders.snoozedUntil,
    })
    .from(reminders)
    .leftJoin(users, eq(users.id, reminders.actedByUserId))
    .where(
      ref.reminderId !== null
        ? and(eq(reminders.id, ref.reminderId), eq(reminders.workspaceId, workspaceId), eq(reminders.customerId, ref.customerId))
        : and(eq(reminders.customerId, ref.customerId), eq(reminders.workspaceId, workspaceId), isNotNull(reminders.actedAt)),
    )
    .orderBy(desc(reminders.actedAt))
    .limit(1);
  if (!row) return null;
  return {
    action: row.action,
    status: row.status,
    by: row.by,
    at: row.at,
    until: row.until,
    toName: await toNameOf(db, workspaceId, ref, row),
  };
}

async function toNameOf(db: DbOrTx, workspaceId: number, ref: CardRef, row: { action: string | null; byId: number | null }) {
  if (row.action === 'transfer') {
    const [owner] = await db
      .select({ name: users.name })
      .from(customers)
      .innerJoin(users, eq(users.id, customers.ownerUserId))
      .where(and(eq(customers.id, ref.customerId), eq(customers.workspaceId, workspaceId)))
      .limit(1);
    return owner?.name ?? null;
  }
  if (row.action === 'transfer_request' && row.byId !== null) {
    const [asked] = await db
      .select({ name: users.name })
      .from(transferRequests)
      .innerJoin(users, eq(users.id, transferRequests.toUserId))
      .where(
        and(
          eq(transferRequests.workspaceId, workspaceId),
          eq(transferRequests.customerId, ref.customerId),
          eq(transferRequests.requestedBy, row.byId),
        ),
      )
      .orderBy(desc(transferRequests.createdAt))
      .limit(1);
    return asked?.name ?? null;
  }
  return null;
}

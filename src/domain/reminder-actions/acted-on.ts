import { and, desc, eq, isNotNull, like } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog, customers, reminders, transferRequests, users } from '../../db/schema/index.js';
import type { CardRef } from './card-state.js';

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

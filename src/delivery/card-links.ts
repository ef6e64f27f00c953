import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { followUps, outbox, reminders } from '../db/schema/index.js';
import type { CardLink } from '../messaging/types.js';
import { dbTime, type OutboxRow } from './outbox.js';

/** Where a sent card's platform ref is kept for the row it shows, so later changes can update the card. */
const LINKED = {
  follow_up: { table: followUps, column: followUps.cardMessageId, length: 128 },
  reminder: { table: reminders, column: reminders.messageRef, length: 191 },
} as const;

/**
 * Ends a claim as sent and stores the card's ref on the row it shows, in one statement (a
 * multi-table UPDATE, valid on MySQL 8 and MariaDB): conditional on still holding the lease, like
 * `settle`, so a worker whose lease ran out writes neither. The shown row is LEFT JOINed: when it
 * is gone, the outbox row is still settled. Returns whether the lease was still held.
 */
export async function settleSentWithLink(
  db: Db,
  row: Pick<OutboxRow, 'id' | 'leaseOwner'>,
  sent: { ref: string; sentAt: Date },
  link: CardLink,
  now: Date,
): Promise<boolean> {
  const shown = LINKED[link.kind];
  const [result] = await db.execute(
    sql`update ${outbox} left join ${shown.table} on ${shown.table.id} = ${link.id}
      set ${outbox.status} = 'sent', ${outbox.sentRef} = ${sent.ref.slice(0, 191)}, ${outbox.sentAt} = ${dbTime(sent.sentAt)},
        ${outbox.lastError} = null, ${outbox.leaseOwner} = null, ${outbox.leaseUntil} = null, ${outbox.updatedAt} = ${dbTime(now)},
        ${shown.column} = ${sent.ref.slice(0, shown.length)}
      where ${outbox.id} = ${row.id} and ${outbox.leaseOwner} = ${row.leaseOwner ?? ''}`,
  );
  return result.affectedRows > 0;
}

import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { followUps, reminders } from '../db/schema/index.js';
import type { LinkRecorder } from '../messaging/adapter.js';

/** Stores the platform ref of a sent card on the row it shows, so later changes can update the card. */
export function createLinkRecorder(db: Db): LinkRecorder {
  return async (link, ref) => {
    if (link.kind === 'follow_up')
      await db
        .update(followUps)
        .set({ cardMessageId: ref.slice(0, 128) })
        .where(eq(followUps.id, link.id));
    else
      await db
        .update(reminders)
        .set({ messageRef: ref.slice(0, 191) })
        .where(eq(reminders.id, link.id));
  };
}

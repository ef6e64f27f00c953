import type { DbOrTx } from '../../db/client.js';
import { addDays, toZonedIso, wallClock } from '../notes/civil-time.js';
import { byUrgency } from './plan-reminders.js';
import { loadReminderViews, type ReminderView } from './reminder-view.js';
import { scanQuiet, selectDue, type TierDays } from './scan-reminders.js';

export type MineSection = 'overdue' | 'due_today' | 'quiet';
export type MineItem = { section: MineSection; kind: 'due' | 'quiet'; view: ReminderView };
/** The first `limit` items, most urgent first, and how many there are in all. */
export type MineList = { items: MineItem[]; total: number };

/**
 * `/我的`: the asker's customers that are overdue (next follow-up before today), due today (any
 * time today, also later today) and quiet (whether or not already reminded), most urgent first.
 */
export async function listMine(
  db: DbOrTx,
  input: { workspaceId: number; userId: number; now: Date; timeZone: string; quietDays: TierDays; limit: number },
): Promise<MineList> {
  const { workspaceId, userId, now, timeZone } = input;
  const today = wallClock(now, timeZone);
  const startOfToday = new Date(toZonedIso(today, 0, 0, timeZone));
  const endOfToday = new Date(new Date(toZonedIso(addDays(today, 1), 0, 0, timeZone)).getTime() - 1);
  const due = await selectDue(db, workspaceId, endOfToday, { ownerUserId: userId });
  const quiet = await scanQuiet(db, workspaceId, now, input.quietDays, { ownerUserId: userId, allEpisodes: true });
  const all = [...due, ...quiet].sort(byUrgency);
  const shown = all.slice(0, input.limit);
  const views = new Map(
    (
      await loadReminderViews(
        db,
        workspaceId,
        shown.map((c) => c.customerId),
      )
    ).map((v) => [v.customer.id, v]),
  );
  const items: MineItem[] = [];
  for (const c of shown) {
    const view = views.get(c.customerId);
    if (!view) continue;
    const section: MineSection = c.kind === 'quiet' ? 'quiet' : (c.nextAt ?? now) < startOfToday ? 'overdue' : 'due_today';
    items.push({ section, kind: c.kind, view });
  }
  return { items, total: all.length };
}

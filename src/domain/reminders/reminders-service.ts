import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { listMine } from './list-mine.js';
import { loadReminderView } from './reminder-view.js';
import { runReminders, type ReminderOutbound, type ReminderSettings, type RunOptions } from './run-reminders.js';

export type RemindersService = ReturnType<typeof createRemindersService>;

/** Reminders over one database: the run (job), `/我的`, and one customer's card view. */
export function createRemindersService(deps: { db: Db; log: Logger; settings: ReminderSettings }) {
  const { db, settings } = deps;
  return {
    /** One run of the due and quiet reminders (see runReminders); the cards are drawn by `outbound`. */
    run: (now: Date, opts: RunOptions, outbound: ReminderOutbound) =>
      runReminders({ db, log: deps.log.child({ job: 'reminders' }), settings }, now, opts, outbound),
    /** `/我的`: the asker's overdue, due-today and quiet customers, most urgent first. */
    mine: (input: { workspaceId: number; userId: number; now: Date; timeZone: string; limit: number }) =>
      listMine(db, { ...input, quietDays: settings.reminders.quietDays }),
    /** One customer as a reminder card shows it (A2 redraws cards from it). */
    view: (workspaceId: number, customerId: number) => loadReminderView(db, workspaceId, customerId),
  };
}

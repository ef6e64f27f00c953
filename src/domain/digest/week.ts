import { addDays, toZonedIso, wallClock, type CivilDate } from '../notes/civil-time.js';

/** A digest week: Monday 00:00 to the next Monday 00:00 in the workspace zone. */
export type DigestWeek = {
  /** `2026-11-16`: the local Monday the week starts on (`team_digests.week_start`). */
  startDay: string;
  start: Date;
  /** The next Monday 00:00 (exclusive). */
  end: Date;
  /** The week before, for the comparisons. */
  previousStart: Date;
};

const dayKey = (d: CivilDate) => `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
const midnight = (d: CivilDate, timeZone: string) => new Date(toZonedIso(d, 0, 0, timeZone));

function weekStarting(monday: CivilDate, timeZone: string): DigestWeek {
  return {
    startDay: dayKey(monday),
    start: midnight(monday, timeZone),
    end: midnight(addDays(monday, 7), timeZone),
    previousStart: midnight(addDays(monday, -7), timeZone),
  };
}

/** The week `at` falls in (what `/周报` reports so far). */
export function weekOf(at: Date, timeZone: string): DigestWeek {
  const today = wallClock(at, timeZone);
  return weekStarting(addDays(today, 1 - today.weekday), timeZone);
}

/**
 * The last whole week before `at`: the Monday run reports the week that just ended (a run by hand
 * on any later day of the week reports the same one).
 */
export function reportedWeek(at: Date, timeZone: string): DigestWeek {
  const current = weekOf(at, timeZone);
  const [y, m, d] = current.startDay.split('-').map(Number);
  return weekStarting(addDays({ y: y!, m: m!, d: d! }, -7), timeZone);
}

/** The `week_start` of the week before `startDay`. */
export function previousWeekDay(startDay: string): string {
  const [y, m, d] = startDay.split('-').map(Number);
  return dayKey(addDays({ y: y!, m: m!, d: d! }, -7));
}

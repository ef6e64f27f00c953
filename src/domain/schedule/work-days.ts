import { addDays, compareDates, toZonedIso, wallClock, weekdayOf, type CivilDate } from '../notes/civil-time.js';

/** The working-day calendar of a workspace: which ISO weekdays (1 Monday … 7 Sunday) reminders go out on. */
export type WorkCalendar = { timeZone: string; workDays: readonly number[] };

const dayKey = (d: CivilDate) => `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;

/** `2026-11-23`: the local calendar day of an instant, the form reminders.due_date stores. */
export function localDay(at: Date, timeZone: string): string {
  return dayKey(wallClock(at, timeZone));
}

export function isWorkDay(cal: WorkCalendar, at: Date): boolean {
  return cal.workDays.includes(wallClock(at, cal.timeZone).weekday);
}

/** The first working day on or after the local day of `at` (what falls on a weekend goes out on Monday). */
export function nextWorkDay(cal: WorkCalendar, at: Date): string {
  let day: CivilDate = wallClock(at, cal.timeZone);
  for (let i = 0; i < 7 && !cal.workDays.includes(weekdayOf(day)); i++) day = addDays(day, 1);
  return dayKey(day);
}

/**
 * Working days that have started after the local day of `from`, up to and including the local
 * day of `to`: sent on Friday, escalated after 3 working days means Wednesday (Mon, Tue, Wed).
 */
export function workDaysBetween(cal: WorkCalendar, from: Date, to: Date): number {
  let day: CivilDate = wallClock(from, cal.timeZone);
  const end: CivilDate = wallClock(to, cal.timeZone);
  let count = 0;
  // Bounded: a year of days is far more than any escalation or warning window.
  for (let i = 0; i < 366 && compareDates(day, end) < 0; i++) {
    day = addDays(day, 1);
    if (cal.workDays.includes(weekdayOf(day))) count++;
  }
  return count;
}

/** The instant `hour`:00 on the local day `days` after the local day of `at` (推迟1天 → tomorrow at that hour). */
export function localDayAt(at: Date, days: number, hour: number, minute: number, timeZone: string): Date {
  return new Date(toZonedIso(addDays(wallClock(at, timeZone), days), hour, minute, timeZone));
}

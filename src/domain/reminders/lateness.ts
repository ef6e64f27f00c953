import { localDay } from '../schedule/work-days.js';

/** How late a reminder is, as its card says it (`今天 15:00 到期`, `已逾期 2 天`, `14 天未跟进`). */
export type Lateness =
  | { kind: 'due_today'; at: Date }
  | { kind: 'overdue'; days: number; at: Date }
  | { kind: 'quiet'; days: number; since: Date; never: boolean };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole local calendar days from the day of `from` to the day of `to` (zone-aware, DST-safe). */
export function localDaysBetween(from: Date, to: Date, timeZone: string): number {
  const a = Date.parse(`${localDay(from, timeZone)}T00:00:00Z`);
  const b = Date.parse(`${localDay(to, timeZone)}T00:00:00Z`);
  return Math.round((b - a) / DAY_MS);
}

/**
 * A due customer is late by the local days since its next follow-up time (0: due today); a quiet
 * one by the days since its baseline (last follow-up, or creation when it never had one).
 */
export function lateness(
  input: { kind: 'due'; nextAt: Date } | { kind: 'quiet'; since: Date; never: boolean },
  now: Date,
  timeZone: string,
): Lateness {
  if (input.kind === 'quiet')
    return { kind: 'quiet', days: localDaysBetween(input.since, now, timeZone), since: input.since, never: input.never };
  const days = localDaysBetween(input.nextAt, now, timeZone);
  return days <= 0 ? { kind: 'due_today', at: input.nextAt } : { kind: 'overdue', days, at: input.nextAt };
}

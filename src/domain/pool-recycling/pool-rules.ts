import { addDays, compareDates, toZonedIso, wallClock, type CivilDate } from '../notes/civil-time.js';

/** `pool.releaseAfterDays`: one number, or days per tier (untiered customers use C). */
export type ReleaseAfterDays = number | { A: number; B: number; C: number };
export type Tier = 'A' | 'B' | 'C';

export function releaseDaysFor(setting: ReleaseAfterDays, tier: Tier | null): number {
  return typeof setting === 'number' ? setting : setting[tier ?? 'C'];
}

/**
 * When the clock of a customer started: the later of its last follow-up and the time its current
 * owner got it (a claim from the pool or a reassignment starts afresh), else its creation. The
 * episode of a pool warning is this instant (`reminders.subject_at`).
 */
export function baselineOf(c: { lastFollowUpAt: Date | null; ownerSince: Date | null; createdAt: Date }): Date {
  const times = [c.lastFollowUpAt, c.ownerSince].filter((t): t is Date => t !== null);
  if (times.length === 0) return c.createdAt;
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

const day = (at: Date, timeZone: string): CivilDate => {
  const w = wallClock(at, timeZone);
  return { y: w.y, m: w.m, d: w.d };
};

export type PoolStepInput = {
  baseline: Date;
  tier: Tier | null;
  /** When this episode's warning went out (null: not yet). */
  warnedAt: Date | null;
  now: Date;
  timeZone: string;
  releaseAfterDays: ReleaseAfterDays;
  warnDaysBefore: number;
};

/**
 * The rule, in local calendar days of the workspace zone:
 * - release day = the baseline's day + releaseAfterDays; warning day = release day − warnDaysBefore;
 * - `warn` from the warning day on, once per episode (the caller only acts on working days, so a
 *   warning that falls on a weekend goes out on the next working day);
 * - `recycle` once the release day has come AND the warning went out at least warnDaysBefore days
 *   earlier (with warnDaysBefore 0 there is no warning): nobody loses a customer unwarned, and a
 *   late warning pushes the release back by the days it was late.
 */
export function poolStep(input: PoolStepInput): 'warn' | 'recycle' | 'wait' {
  const today = day(input.now, input.timeZone);
  const releaseDay = addDays(day(input.baseline, input.timeZone), releaseDaysFor(input.releaseAfterDays, input.tier));
  if (input.warnDaysBefore === 0) return compareDates(today, releaseDay) >= 0 ? 'recycle' : 'wait';
  if (input.warnedAt === null) {
    return compareDates(today, addDays(releaseDay, -input.warnDaysBefore)) >= 0 ? 'warn' : 'wait';
  }
  const warnedLongEnough = compareDates(today, addDays(day(input.warnedAt, input.timeZone), input.warnDaysBefore)) >= 0;
  return compareDates(today, releaseDay) >= 0 && warnedLongEnough ? 'recycle' : 'wait';
}

/** The local day a customer returns to the pool if nothing happens (shown on the warning card). */
export function releaseDayOf(
  input: Pick<PoolStepInput, 'baseline' | 'tier' | 'now' | 'timeZone' | 'releaseAfterDays' | 'warnDaysBefore'>,
): CivilDate {
  const releaseDay = addDays(day(input.baseline, input.timeZone), releaseDaysFor(input.releaseAfterDays, input.tier));
  const earliest = addDays(day(input.now, input.timeZone), input.warnDaysBefore);
  return compareDates(releaseDay, earliest) >= 0 ? releaseDay : earliest;
}

/**
 * The instant before which a baseline must lie for `poolStep` to be anything but `wait` today:
 * the start of the local day after (today − releaseDays + warnDaysBefore). Used to narrow the scan.
 */
export function scanBefore(now: Date, timeZone: string, releaseDays: number, warnDaysBefore: number): Date {
  const last = addDays(day(now, timeZone), -releaseDays + warnDaysBefore + 1);
  return new Date(toZonedIso(last, 0, 0, timeZone));
}

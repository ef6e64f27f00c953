import { addDays, compareDates, isValidDate, toZonedIso, wallClock, type CivilDate } from '../notes/civil-time.js';

/** 推迟1天 / 推迟1周 (`days`), or 改期 to a picked local date (`YYYY-MM-DD`). */
export type PostponeTo = { days: number } | { date: string };

export type PostponePlan = { ok: true; until: Date } | { ok: false; why: 'past_date' | 'bad_date' };

/**
 * The new next follow-up: the chosen local day at the planned time of day (the hour and minute of
 * the next follow-up the card showed, or `defaultHour`:00 when it had none). Pure. A picked date
 * before today is refused; today itself is allowed.
 */
export function planPostpone(
  to: PostponeTo,
  c: { now: Date; timeZone: string; plannedAt: Date | null; defaultHour: number },
): PostponePlan {
  const today = wallClock(c.now, c.timeZone);
  let day: CivilDate;
  if ('days' in to) {
    day = addDays(today, to.days);
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(to.date);
    const picked = m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
    if (!picked || !isValidDate(picked)) return { ok: false, why: 'bad_date' };
    if (compareDates(picked, today) < 0) return { ok: false, why: 'past_date' };
    day = picked;
  }
  const planned = c.plannedAt ? wallClock(c.plannedAt, c.timeZone) : null;
  const until = new Date(toZonedIso(day, planned?.hour ?? c.defaultHour, planned?.minute ?? 0, c.timeZone));
  return { ok: true, until };
}

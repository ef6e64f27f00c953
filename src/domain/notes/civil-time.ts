/** A calendar day with no zone: what people mean by "12月5日". */
export type CivilDate = { y: number; m: number; d: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

type WallClock = CivilDate & { hour: number; minute: number; second: number; weekday: number };
/** formatToParts is the parser's most expensive call; notes of one batch share their `now`. */
let lastReading: { ms: number; timeZone: string; value: WallClock } | null = null;

/** The wall-clock reading of an instant in a zone; weekday 1 = Monday … 7 = Sunday. */
export function wallClock(at: Date, timeZone: string): WallClock {
  const ms = at.getTime();
  if (lastReading && lastReading.ms === ms && lastReading.timeZone === timeZone) return lastReading.value;
  // The zone's offset is constant within a quarter hour (see offsetMinutes), so the reading is
  // UTC arithmetic on the shifted instant: formatToParts runs once per zone and quarter hour.
  const shifted = new Date(ms + offsetMinutes(at, timeZone) * 60_000);
  const weekday = shifted.getUTCDay();
  const value: WallClock = {
    y: shifted.getUTCFullYear(),
    m: shifted.getUTCMonth() + 1,
    d: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    weekday: weekday === 0 ? 7 : weekday,
  };
  lastReading = { ms, timeZone, value };
  return value;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `2026-12-02 09:00` (or `… 09:00:05` with seconds): an instant as a wall-clock reading in `timeZone`. */
export function formatLocalIso(at: Date, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const w = wallClock(at, timeZone);
  const time = `${pad2(w.hour)}:${pad2(w.minute)}${opts.seconds ? `:${pad2(w.second)}` : ''}`;
  return `${w.y}-${pad2(w.m)}-${pad2(w.d)} ${time}`;
}

function readWallClock(at: Date, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    y: Number(get('year')),
    m: Number(get('month')),
    d: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS[get('weekday')] ?? 1,
  };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Same day-of-month N months later, clamped to the month's end (1月31日 + 1个月 → 2月28日). */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.y * 12 + (date.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return { y, m, d: Math.min(date.d, daysInMonth(y, m)) };
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}

export function isValidDate(date: CivilDate): boolean {
  return date.m >= 1 && date.m <= 12 && date.d >= 1 && date.d <= daysInMonth(date.y, date.m);
}

/** Weekday of a civil date, 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: CivilDate): number {
  const w = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** `2026-12-01T09:00:00+08:00`: the wall-clock time in the zone, with the zone's offset then. */
const pad = (n: number) => String(n).padStart(2, '0');

export function toZonedIso(date: CivilDate, hour: number, minute: number, timeZone: string): string {
  const guess = Date.UTC(date.y, date.m - 1, date.d, hour, minute);
  let offset = offsetMinutes(new Date(guess), timeZone);
  offset = offsetMinutes(new Date(guess - offset * 60_000), timeZone);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${date.y}-${pad(date.m)}-${pad(date.d)}T${pad(hour)}:${pad(minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Zone offsets only change at transitions, which fall on quarter hours in every zone, so the
 * offset is cached per zone and quarter hour (bounded per zone, oldest dropped first).
 */
const offsets = new Map<string, Map<number, number>>();
const QUARTER_HOUR_MS = 15 * 60_000;

/** The last bucket read: consecutive calls (wallClock, toZonedIso) mostly ask about the same one. */
let lastOffset = { timeZone: '', bucket: NaN, offset: 0 };

function offsetMinutes(at: Date, timeZone: string): number {
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  if (lastOffset.bucket === bucket && lastOffset.timeZone === timeZone) return lastOffset.offset;
  const offset = cachedOffset(at, timeZone);
  lastOffset = { timeZone, bucket, offset };
  return offset;
}

function cachedOffset(at: Date, timeZone: string): number {
  const key = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const cached = zone.get(key);
  if (cached !== undefined) return cached;
  const bucketStart = Math.floor(at.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const w = readWallClock(new Date(bucketStart), timeZone);
  const offset = Math.round((Date.UTC(w.y, w.m - 1, w.d, w.hour, w.minute, w.second) - bucketStart) / 60_000);
  if (zone.size >= 4096) zone.delete(zone.keys().next().value ?? NaN);
  zone.set(key, offset);
  return offset;
}

import { PLATFORM_REF_RE } from '../../lib/platform-name.js';
import { findAmounts, pickAmount } from '../notes/amounts.js';
import { toZonedIso, wallClock } from '../notes/civil-time.js';

/** A cell as the sheet readers hand it over: exceljs gives dates and numbers, CSV only text. */
export type Cell = string | number | boolean | Date | null;

/** A date read from a cell, with how precisely it was written: a bare day matches any time that day. */
export type CellDate = { at: Date; precision: 'day' | 'minute' | 'second' };
export type Owner = { kind: 'ref'; platform: string; id: string } | { kind: 'name'; name: string };
export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = (reason: string): Read<never> => ({ ok: false, reason });
const pad = (n: number) => String(n).padStart(2, '0');

/** The cell as text, trimmed; '' for a blank. A date cell reads as `YYYY-MM-DD`. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return `${cell.getUTCFullYear()}-${pad(cell.getUTCMonth() + 1)}-${pad(cell.getUTCDate())}`;
  return String(cell).trim();
}

const DATE_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Excel's day 0 is 1899-12-30 (the 1900 leap-year bug included); 20000-80000 is 1954-2119. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

type Wall = { y: number; m: number; d: number; hour: number; minute: number; second: number };

function fromWall(w: Wall, dayOnly: boolean, timeZone: string, defaultHour: number): Read<CellDate> {
  const date = new Date(Date.UTC(w.y, w.m - 1, w.d));
  if (date.getUTCMonth() !== w.m - 1 || date.getUTCDate() !== w.d || w.hour > 23 || w.minute > 59 || w.second > 59) {
    return bad('is not a real date');
  }
  const hour = dayOnly ? defaultHour : w.hour;
  const at = new Date(new Date(toZonedIso(w, hour, dayOnly ? 0 : w.minute, timeZone)).getTime() + (dayOnly ? 0 : w.second * 1000));
  return ok({ at, precision: dayOnly ? 'day' : w.second ? 'second' : 'minute' });
}

/**
 * `YYYY-MM-DD` with an optional `HH:mm[:ss]`, or an Excel date cell, as wall-clock time in the
 * workspace's zone; a bare day means `defaultHour` o'clock. An ISO 8601 time with its zone is
 * taken as it is. Null for a blank cell.
 */
export function readDate(cell: Cell, timeZone: string, defaultHour: number): Read<CellDate | null> {
  if (cell === null || cell === '') return ok(null);
  // exceljs hands an Excel date over as the wall-clock reading stored as if it were UTC; a date
  // cell at midnight is a bare day (Excel keeps no difference), rounded to the second because
  // Excel stores days as a fraction.
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return bad('is not a real date');
    const t = new Date(Math.round(cell.getTime() / 1000) * 1000);
    const w = {
      y: t.getUTCFullYear(),
      m: t.getUTCMonth() + 1,
      d: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
    };
    return fromWall(w, w.hour === 0 && w.minute === 0 && w.second === 0, timeZone, defaultHour);
  }
  if (typeof cell === 'number' && cell > 20000 && cell < 80000) {
    return readDate(new Date(EXCEL_EPOCH_MS + Math.round(cell * 86_400) * 1000), timeZone, defaultHour);
  }
  const text = cellText(cell);
  if (text === '') return ok(null);
  // An instant with its zone (`2026-12-01T06:30:00Z`, as APIs and the admin API write them) needs no workspace zone.
  if (ZONED_RE.test(text) && !Number.isNaN(Date.parse(text))) {
    const at = new Date(Date.parse(text));
    return ok({ at, precision: at.getUTCSeconds() || at.getUTCMilliseconds() ? 'second' : 'minute' });
  }
  const m = DATE_RE.exec(text);
  if (!m) return bad(`"${text}" is not a date (write YYYY-MM-DD or YYYY-MM-DD HH:mm)`);
  const n = (i: number) => Number(m[i] ?? 0);
  return fromWall({ y: n(1), m: n(2), d: n(3), hour: n(4), minute: n(5), second: n(6) }, m[4] === undefined, timeZone, defaultHour);
}

/** Whether a stored time is what the cell says, to the precision the cell was written in. */
export function sameDate(stored: Date | null, cell: CellDate, timeZone: string): boolean {
  if (!stored) return false;
  if (cell.precision === 'day') {
    const a = wallClock(stored, timeZone);
    const b = wallClock(cell.at, timeZone);
    return a.y === b.y && a.m === b.m && a.d === b.d;
  }
  const unit = cell.precision === 'minute' ? 60_000 : 1000;
  return Math.floor(stored.getTime() / unit) === Math.floor(cell.at.getTime() / unit);
}

const PLAIN_NUMBER = /^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(元)?$/;

/** An amount as notes write it (50万, 45k, ¥1,200,000, USD 60000), or a plain number in yuan. */
export function readAmount(cell: Cell): Read<{ amount: number; currency: string } | null> {
  if (typeof cell === 'number')
    return cell >= 0 && Number.isFinite(cell) ? ok({ amount: round2(cell), currency: 'CNY' }) : bad('is negative');
  const text = cellText(cell);
  if (text === '') return ok(null);
  const plain = PLAIN_NUMBER.exec(text);
  if (plain) return ok({ amount: round2(Number(`${plain[1]!.replace(/,/g, '')}${plain[2] ?? ''}`)), currency: 'CNY' });
  const picked = pickAmount(findAmounts(text));
  if (!picked) return bad(`"${text}" is not an amount (such as 500000, 50万, 45k or ¥1,200,000)`);
  return ok({ amount: picked.amount, currency: picked.currency });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Tags separated by `;` `、` `,` or `|` (full-width too), without blanks or repeats. */
export function readTags(cell: Cell): string[] | null {
  const text = cellText(cell);
  if (text === '') return null;
  const tags = text
    .split(/[;；、,，|｜]/)
    .map((t) => t.trim())
    .filter(Boolean);
  return tags.length ? [...new Set(tags)] : null;
}

/** `A`, `b`, `C级`, `A类`. */
export function readTier(cell: Cell): Read<'A' | 'B' | 'C' | null> {
  const text = cellText(cell);
  if (text === '') return ok(null);
  const m = /^([abc])\s*[级类]?$/i.exec(text.normalize('NFKC'));
  return m ? ok(m[1]!.toUpperCase() as 'A' | 'B' | 'C') : bad(`tier "${text}" is not A, B or C`);
}

/** `<platform>:<id>`, `名字 (<platform>:<id>)` as export writes it, or a user's name; null for the pool. */
export function readOwner(cell: Cell): Owner | null {
  const text = cellText(cell);
  if (text === '') return null;
  const bracketed = /\(([^()]+)\)$/.exec(text)?.[1]?.trim();
  for (const candidate of [text, bracketed]) {
    const m = candidate ? PLATFORM_REF_RE.exec(candidate) : null;
    if (m) return { kind: 'ref', platform: m[1]!, id: m[2]! };
  }
  return { kind: 'name', name: text };
}

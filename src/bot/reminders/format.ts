import { wallClock } from '../../domain/notes/civil-time.js';
import type { Locale } from '../cards/i18n.js';

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09:00`, in the zone. */
export function shortTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** `11月24日` / `Nov 24`, in the zone. */
export function shortDate(locale: Locale, at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return locale === 'en' ? `${MONTHS[w.m - 1] ?? ''} ${w.d}` : `${w.m}月${w.d}日`;
}

/** `11月24日 09:00` / `Nov 24 09:00`, in the zone. */
export function shortDateTime(locale: Locale, at: Date, timeZone: string): string {
  return `${shortDate(locale, at, timeZone)} ${shortTime(at, timeZone)}`;
}

/** One line of a longer text: the first line, cut to `max` characters. */
export function oneLine(text: string, max = 60): string {
  const first = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

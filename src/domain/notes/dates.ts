import { createRequire } from 'node:module';
import type * as ChronoEn from 'chrono-node/en';
import { CN_NUMERAL_CHARS, parseSmallNumber } from './chinese-numerals.js';
import { addDays, addMonths, compareDates, daysInMonth, isValidDate, wallClock, weekdayOf, type CivilDate } from './civil-time.js';

/** A date phrase found in a note, at `index`; `hour` null when the note gave no time of day. */
export type DateMention = { date: CivilDate; hour: number | null; minute: number; index: number; end: number };

type Today = CivilDate & { weekday: number; hour: number; minute: number };

const N = `(\\d{1,3}|[${CN_NUMERAL_CHARS}]{1,4})`;
const WEEKDAY_CN: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
};
const WEEKDAY_EN: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** `needs`: lower-case words one of which a match must contain; without one, the rule's scan is skipped. */
type Rule = { re: RegExp; needs?: string[]; resolve: (m: RegExpExecArray, today: Today) => CivilDate | null };

/** Next occurrence of a weekday from today (today itself counts), or in the week `weeksAhead` on. */
function weekday(today: Today, target: number, weeksAhead: number): CivilDate {
  if (weeksAhead === 0) {
    const diff = target - today.weekday;
    return addDays(today, diff >= 0 ? diff : diff + 7);
  }
  // Weeks start on Monday: 下周X is day X of next calendar week, also when today is Sunday.
  const monday = addDays(today, 1 - today.weekday + 7 * weeksAhead);
  return addDays(monday, target - 1);
}

/** A month/day without a year: this year, or next year if it has already passed. */
function upcoming(today: Today, m: number, d: number): CivilDate | null {
  const date = { y: today.y, m, d };
  if (!isValidDate(date)) return null;
  return compareDates(date, today) < 0 ? { ...date, y: today.y + 1 } : date;
}

const count = (s: string | undefined) => (s === undefined ? null : parseSmallNumber(s));

/** Our own rules, tried before chrono: they cover what chrono's zh parser misses or gets wrong. */
const RULES: Rule[] = [
  { re: /(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?/g, resolve: (m) => checked({ y: +m[1]!, m: +m[2]!, d: +m[3]! }) },
  {
    needs: ['明年'],
    re: /明年\s*(\d{1,2}|[一二三四五六七八九十]{1,2})月(?:份|初)?(?!\s*\d|[一二三四五六七八九十]{1,3}[日号])/g,
    resolve: (m, t) => monthStart(t.y + 1, count(m[1])),
  },
  {
    needs: ['月'],
    re: /(\d{1,2}|[一二三四五六七八九十]{1,2})月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]?/g,
    resolve: (m, t) => {
      const mo = count(m[1]);
      const d = count(m[2]);
      return mo && d ? upcoming(t, mo, d) : null;
    },
  },
  { needs: ['/'], re: /(?<![\d/])(\d{1,2})\/(\d{1,2})(?![\d/])/g, resolve: (m, t) => upcoming(t, +m[1]!, +m[2]!) },
  // 12.10前 / 12.10 提交: month.day, but never 12.6万 or 3.5k (amounts) or 1.2.3 (versions).
  {
    needs: ['.'],
    re: /(?<![\d.])(\d{1,2})\.(\d{1,2})(?=\s*(?:前|之前|以前|号|日|再|给|交|提交|开|签|见|$|[,;，；\s](?![\d万wWkK千亿元%]|million\b|billion\b|mn\b|bn\b)))/g,
    resolve: (m, t) => upcoming(t, +m[1]!, +m[2]!),
  },
  {
    needs: ['月'],
    re: /(\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末)/g,
    resolve: (m, t) => {
      const mo = count(m[1]);
      if (!mo || mo > 12) return null;
      const first = upcoming(t, mo, 1) ?? null;
      const y = first && compareDates({ y: t.y, m: mo, d: daysInMonth(t.y, mo) }, t) >= 0 ? t.y : t.y + 1;
      return { y, m: mo, d: daysInMonth(y, mo) };
    },
  },
  {
    needs: ['月'],
    re: /(\d{1,2}|[一二三四五六七八九十]{1,2})月(?:初|份)(?!\s*\d)/g,
    resolve: (m, t) => {
      const mo = count(m[1]);
      return mo && mo !== t.m ? upcoming(t, mo, 1) : null;
    },
  },
  // 下月5号, 本月28号: a day of next month, or of this one (gone by: null).
  {
    needs: ['月'],
    re: /下个?月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[号日]/g,
    resolve: (m, t) => {
      const n = addMonths({ y: t.y, m: t.m, d: 1 }, 1);
      const d = count(m[1]);
      return d ? checked({ y: n.y, m: n.m, d }) : null;
    },
  },
  {
    needs: ['月'],
    re: /(?:本|这个?)月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[号日]/g,
    resolve: (m, t) => {
      const d = count(m[1]);
      return d && d >= t.d ? checked({ y: t.y, m: t.m, d }) : null;
    },
  },
  { needs: ['大后天'], re: /大后天/g, resolve: (_m, t) => addDays(t, 3) },
  { needs: ['后天'], re: /后天/g, resolve: (_m, t) => addDays(t, 2) },
  // tmrw, tmr, 2morrow: how a hurried English note writes tomorrow.
  {
    needs: ['明', 'tomorrow', 'tmr', 'tmw', '2mor'],
    re: /明天|明日|明早|明晚|\btomorrow\b|\btmrw?\b|\btmw\b|\b2morrow\b/gi,
    resolve: (_m, t) => addDays(t, 1),
  },
  { needs: ['今', 'today', 'tonight'], re: /今天|今日|今晚|\btoday\b|\btonight\b/gi, resolve: (_m, t) => ({ y: t.y, m: t.m, d: t.d }) },
  // 商量一下下周三: 一下 + 下周三, not 下下周三.
  {
    needs: ['下下'],
    re: /(?<!一)下下(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/g,
    resolve: (m, t) => weekday(t, WEEKDAY_CN[m[1]!]!, 2),
  },
  { needs: ['下'], re: /下(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/g, resolve: (m, t) => weekday(t, WEEKDAY_CN[m[1]!]!, 1) },
  {
    needs: ['周', '星期', '礼拜'],
    re: /(?:这|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])/g,
    resolve: (m, t) => weekday(t, WEEKDAY_CN[m[1]!]!, 0),
  },
  { needs: ['后'], re: new RegExp(`${N}\\s*(?:个)?(?:天|日)(?:后|以后|之后)`, 'g'), resolve: (m, t) => plus(t, count(m[1]), 'day') },
  // 过两天 means "in a day or two", not a date: only other counts are read.
  {
    needs: ['过'],
    re: new RegExp(`过\\s*${N}\\s*(?:天|日)`, 'g'),
    resolve: (m, t) => (m[1] === '两' || m[1] === '几' ? null : plus(t, count(m[1]), 'day')),
  },
  // 过两周再问: in two weeks, a fixed day (过两天 is not: see above).
  {
    needs: ['过'],
    re: new RegExp(`过\\s*${N}\\s*(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天末1-7])`, 'g'),
    resolve: (m, t) => (m[1] === '几' ? null : plus(t, count(m[1]), 'week')),
  },
  {
    needs: ['后'],
    re: new RegExp(`${N}\\s*(?:个)?(?:周|星期|礼拜)(?:后|以后|之后)`, 'g'),
    resolve: (m, t) => plus(t, count(m[1]), 'week'),
  },
  { needs: ['后'], re: new RegExp(`${N}\\s*个(?:月)(?:后|以后|之后)`, 'g'), resolve: (m, t) => plus(t, count(m[1]), 'month') },
  {
    needs: ['day', 'week', 'month'],
    re: /\bin\s+(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month)s?\b/gi,
    resolve: (m, t) => plus(t, englishCount(m[1]!), m[2]!.toLowerCase() as 'day'),
  },
  {
    needs: ['day', 'week', 'month'],
    re: /\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month)s?\s+(?:later|from now)\b/gi,
    resolve: (m, t) => plus(t, englishCount(m[1]!), m[2]!.toLowerCase() as 'day'),
  },
  {
    needs: ['下'],
    re: /下个?月(?:初|头)/g,
    resolve: (_m, t) => monthStart(addMonths({ y: t.y, m: t.m, d: 1 }, 1).y, addMonths({ y: t.y, m: t.m, d: 1 }, 1).m),
  },
  // early next month, the beginning of next month: 下个月初.
  {
    needs: ['next month'],
    re: /\b(?:early|(?:the )?(?:beginning|start) of) next month\b/gi,
    resolve: (_m, t) => monthStart(addMonths({ y: t.y, m: t.m, d: 1 }, 1).y, addMonths({ y: t.y, m: t.m, d: 1 }, 1).m),
  },
  {
    needs: ['next month'],
    re: /\b(?:late|(?:the )?end of) next month\b/gi,
    resolve: (_m, t) => {
      const n = addMonths({ y: t.y, m: t.m, d: 1 }, 1);
      return { ...n, d: daysInMonth(n.y, n.m) };
    },
  },
  {
    needs: ['下'],
    re: /下个?月(?:底|末)/g,
    resolve: (_m, t) => {
      const n = addMonths({ y: t.y, m: t.m, d: 1 }, 1);
      return { ...n, d: daysInMonth(n.y, n.m) };
    },
  },
  {
    needs: ['月', 'end of '],
    re: /(?:本|这个?)?月(?:底|末)|\bend of (?:the |this )?month\b/gi,
    resolve: (_m, t) => ({ y: t.y, m: t.m, d: daysInMonth(t.y, t.m) }),
  },
  {
    needs: ['next'],
    // Not `next month` (no day: null), which starts as `next mon…`.
    re: /\bnext\s+(mon(?!th)|tue|wed|thu|fri|sat|sun)[a-z]*\b/gi,
    resolve: (m, t) => weekday(t, WEEKDAY_EN[m[1]!.toLowerCase()]!, 1),
  },
  // A bare day of the month: 8号再跟进, 三十号前 (this month's if still ahead, else next month's);
  // not a building, line or room (3号楼, 1号线, 5号会议室).
  {
    needs: ['号'],
    re: /(?<![\d月/.\-第编工号])(\d{1,2}|[一二三四五六七八九十]{1,3})号(?![楼线机院门馆厅店位桌窗厂车仓库码房室区栋座场口台柜包段会])/g,
    resolve: (m, t) => dayOfMonth(t, count(m[1])),
  },
  { needs: ['th', 'st', 'nd', 'rd'], re: /\bthe (\d{1,2})(?:st|nd|rd|th)\b/gi, resolve: (m, t) => dayOfMonth(t, Number(m[1])) },
  // An abbreviated day before a clock time: `Tue 3pm`, `Fri 14:00`.
  {
    needs: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    re: /\b(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?(?=\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\s+\d{1,2}:\d{2})/gi,
    resolve: (m, t) => weekday(t, WEEKDAY_EN[m[1]!.slice(0, 3).toLowerCase()]!, 0),
  },
  // Abbreviated days only after a word that makes them a date: `follow up Tues`, `by Fri`.
  {
    needs: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    re: /\b(?:on|by|until|till|follow up|check in|call)\s+(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?/gi,
    resolve: (m, t) => weekday(t, WEEKDAY_EN[m[1]!.slice(0, 3).toLowerCase()]!, 0),
  },
  // Full names only: `sat` and `wed` are also ordinary words.
  {
    needs: ['day'],
    re: /\b(?:this\s+|on\s+)?(mon|tues|wednes|thurs|fri|satur|sun)day\b/gi,
    resolve: (m, t) => weekday(t, WEEKDAY_EN[m[1]!.slice(0, 3).toLowerCase()]!, 0),
  },
];

const EN_COUNTS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const englishCount = (s: string) => (/^\d+$/.test(s) ? Number(s) : (EN_COUNTS[s.toLowerCase()] ?? null));

function checked(date: CivilDate): CivilDate | null {
  return isValidDate(date) ? date : null;
}

function monthStart(y: number, m: number | null): CivilDate | null {
  return m && m >= 1 && m <= 12 ? { y, m, d: 1 } : null;
}

/** Day `d` of this month if still ahead (today counts), else of next month; null if no such day. */
function dayOfMonth(today: Today, d: number | null): CivilDate | null {
  if (!d || d > 31) return null;
  if (d >= today.d) return checked({ y: today.y, m: today.m, d });
  const n = addMonths({ y: today.y, m: today.m, d: 1 }, 1);
  return checked({ y: n.y, m: n.m, d });
}

function plus(today: Today, n: number | null, unit: 'day' | 'week' | 'month'): CivilDate | null {
  if (n === null || n <= 0 || n > 400) return null;
  if (unit === 'month') return addMonths(today, n);
  return addDays(today, unit === 'week' ? n * 7 : n);
}

/** 下午3点 · 下午三点半 · 上午10点30 · 晚上8点 · 15:00 · 3pm · 3:30 pm */
const TIME_RE = new RegExp(
  `(上午|早上|早晨|中午|下午|傍晚|晚上|今晚|明晚)?\\s*(\\d{1,2}|[${CN_NUMERAL_CHARS}]{1,3})\\s*(?:点|时)(半|(\\d{1,2})分?|[${CN_NUMERAL_CHARS}]{1,3}分)?|(?<![\\d.])(\\d{1,2}):(\\d{2})(?![\\d])|\\b(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)\\b`,
  'gi',
);

/** What every form of TIME_RE holds (点 or 时, a colon, am or pm): most notes have none, and skip its scan. */
const TIME_HINT = /[点时:]|am|pm/i;

export function findTimeOfDay(text: string): { hour: number; minute: number; index: number } | null {
  if (!TIME_HINT.test(text)) return null;
  TIME_RE.lastIndex = 0;
  for (let m = TIME_RE.exec(text); m; m = TIME_RE.exec(text)) {
    let hour: number | null;
    let minute = 0;
    if (m[2] !== undefined) {
      // 便宜一点 is not one o'clock: a Chinese-numeral hour needs 上午/下午/….
      if (!m[1] && !/^\d+$/.test(m[2])) continue;
      hour = parseSmallNumber(m[2]);
      if (m[3] === '半') minute = 30;
      else if (m[4] !== undefined) minute = Number(m[4]);
      else if (m[3]) minute = parseSmallNumber(m[3].replace('分', '')) ?? 0;
      if (hour !== null && (m[1] === '下午' || m[1] === '晚上' || m[1] === '傍晚' || m[1] === '今晚' || m[1] === '明晚') && hour < 12)
        hour += 12;
    } else if (m[5] !== undefined) {
      hour = Number(m[5]);
      minute = Number(m[6]);
      // 下午2:30: the half of the day written before a clock time.
      if (hour < 12 && /(?:下午|傍晚|晚上|今晚|明晚)\s*$/.test(text.slice(Math.max(0, m.index - 3), m.index))) hour += 12;
    } else {
      hour = Number(m[7]);
      minute = m[8] ? Number(m[8]) : 0;
      if (m[9]?.toLowerCase() === 'pm' && hour < 12) hour += 12;
      if (m[9]?.toLowerCase() === 'am' && hour === 12) hour = 0;
    }
    if (hour !== null && hour <= 23 && minute <= 59) return { hour, minute, index: m.index };
  }
  return null;
}

/** Cheap test for text chrono might read that our rules did not: month names and ordinals. */
const CHRONO_HINT =
  /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

let monthNameDates: ChronoEn.Chrono | null = null;
/**
 * chrono's English parser for month-name dates (`Dec 10`, `10th of December, 2027`), loaded on
 * the first note with a month name: the whole package (every locale) held 15 MB from start-up.
 * Only its two month-name parsers run (with all of chrono's refiners): the other sixteen read
 * what our own rules read first, and running them cost a tenth of the rule path's time for the
 * 2 % of notes with a month name. Should a build of chrono rename them, every parser runs.
 */
function chrono(): ChronoEn.Chrono {
  if (monthNameDates) return monthNameDates;
  const en = createRequire(import.meta.url)('chrono-node/en') as typeof ChronoEn;
  const config = en.configuration.createCasualConfiguration();
  const parsers = config.parsers.filter((p) => /^ENMonthName(?:Little|Middle)EndianParser$/.test(p.constructor.name));
  monthNameDates = parsers.length === 2 ? new en.Chrono({ ...config, parsers }) : en.casual;
  return monthNameDates;
}

const byIndex = (a: DateMention, b: DateMention) => a.index - b.index;

/** Every word some rule `needs`, once, and each rule's as indexes into it. */
const NEED_WORDS = [...new Set(RULES.flatMap((rule) => rule.needs ?? []))];
const RULE_NEEDS = RULES.map((rule) => rule.needs?.map((w) => NEED_WORDS.indexOf(w)) ?? null);
/** Which need words hold a Latin letter: a note without one cannot contain them. */
const NEED_LATIN = NEED_WORDS.map((w) => /[a-z]/.test(w));
/**
 * What can put a Latin letter into `text.toLowerCase()`: A-Z and a-z, and the two characters
 * outside ASCII whose lower case is or holds one (İ → i̇, the Kelvin sign → k).
 */
const LATIN = /[A-Za-z\u0130\u212a]/;
/** Per note, whether each need word was found: 0 not looked for yet, 1 found, 2 not found. */
const needFound = new Uint8Array(NEED_WORDS.length);

/**
 * Whether `lower` holds one of the need words `indexes`; each word is looked for once per note
 * (several rules need 月, 下 or 后). Without a Latin letter in the note, words with one are not
 * there, and `lower` is the note itself (nothing else it could lower-case makes an ASCII letter
 * or a Chinese character, which is all the need words hold).
 */
function needsMet(lower: string, latin: boolean, indexes: number[]): boolean {
  for (const i of indexes) {
    let found = needFound[i];
    if (found === 0) {
      found = (latin || !NEED_LATIN[i]) && lower.includes(NEED_WORDS[i] as string) ? 1 : 2;
      needFound[i] = found;
    }
    if (found === 1) return true;
  }
  return false;
}

/** Whether [s, e) overlaps a phrase already read (a loop, not a closure made per note). */
function overlapsAny(taken: [number, number][], s: number, e: number): boolean {
  for (const [a, b] of taken) if (s < b && e > a) return true;
  return false;
}

/** Every date phrase in the note, in order of appearance. */
export function findDates(text: string, now: Date, timeZone: string): DateMention[] {
  const w = wallClock(now, timeZone);
  const today: Today = { y: w.y, m: w.m, d: w.d, weekday: w.weekday, hour: w.hour, minute: w.minute };
  const found: DateMention[] = [];
  const taken: [number, number][] = [];
  const latin = LATIN.test(text);
  const lower = latin ? text.toLowerCase() : text;
  needFound.fill(0);
  for (let r = 0; r < RULES.length; r++) {
    const rule = RULES[r] as Rule;
    const needs = RULE_NEEDS[r];
    if (needs && !needsMet(lower, latin, needs)) continue;
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlapsAny(taken, start, end)) continue;
      const date = rule.resolve(m, today);
      if (!date) continue;
      taken.push([start, end]);
      found.push({ date, hour: null, minute: 0, index: start, end });
    }
  }
  // Every form of CHRONO_HINT holds a month name.
  if (latin && CHRONO_HINT.test(text)) found.push(...chronoDates(text, now, today, (s, e) => overlapsAny(taken, s, e)));
  return found.length > 1 ? found.sort(byIndex) : found;
}

/** English month-name dates (`Dec 10`, `10 December`) through chrono, forward-dated. */
function chronoDates(text: string, now: Date, today: Today, overlaps: (s: number, e: number) => boolean): DateMention[] {
  const out: DateMention[] = [];
  for (const r of chrono().parse(text, { instant: now, timezone: 0 }, { forwardDate: true })) {
    const start = r.index;
    const end = start + r.text.length;
    if (overlaps(start, end) || !r.start.isCertain('day') || !r.start.isCertain('month')) continue;
    const m = r.start.get('month');
    const d = r.start.get('day');
    if (m === null || d === null) continue;
    const date = r.start.isCertain('year') ? checked({ y: r.start.get('year') ?? today.y, m, d }) : upcoming(today, m, d);
    if (date) out.push({ date, hour: null, minute: 0, index: start, end });
  }
  return out;
}

export { weekdayOf };

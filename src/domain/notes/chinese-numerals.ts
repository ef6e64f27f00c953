const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  两: 2,
  贰: 2,
  三: 3,
  叁: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, number> = { 万: 10_000, 亿: 100_000_000 };

/** Characters that can make up a Chinese numeral (for regexes). */
export const CN_NUMERAL_CHARS = '零〇一壹二两贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿';

/**
 * `一百五十万` → 1500000, `两百` → 200, `十` → 10, `三十五` → 35, `五千` → 5000; null when the
 * string is not a well-formed numeral. Arabic digits mixed in (`3万`) are handled by callers.
 */
export function parseChineseNumeral(text: string): number | null {
  if (!text) return null;
  // 十二万五 = 125000, 一万二千八 = 12800, 三百五 = 350: a last digit right after 万/千/百/亿 counts
  // in the next lower unit (spoken shorthand); 一百零五 (with 零) and 十五 read as written.
  const elided = /([万千百亿])([一二两三四五六七八九壹贰叁肆伍陆柒捌玖])$/.exec(text);
  if (elided && text.length >= 3) {
    const head = parseChineseNumeral(text.slice(0, -1));
    const digit = DIGITS[elided[2] ?? ''] ?? null;
    const lower: Record<string, number> = { 亿: 10_000_000, 万: 1000, 千: 100, 百: 10 };
    if (head === null || digit === null) return null;
    return head + digit * (lower[elided[1] ?? ''] ?? 0);
  }
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch] ?? 0;
    } else if (ch in SMALL_UNITS) {
      section += (digit ?? 1) * (SMALL_UNITS[ch] ?? 1);
      digit = null;
    } else if (ch in BIG_UNITS) {
      const unit = BIG_UNITS[ch] ?? 1;
      total = (total + section + (digit ?? 0)) * unit;
      section = 0;
      digit = null;
    } else {
      return null;
    }
  }
  return total + section + (digit ?? 0);
}

/** `3` / `三` / `两` / `十` → number, for counts in date phrases. */
export function parseSmallNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  return parseChineseNumeral(text);
}

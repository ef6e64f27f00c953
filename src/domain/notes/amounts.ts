import { CN_NUMERAL_CHARS, parseChineseNumeral } from './chinese-numerals.js';

export type AmountMention = { amount: number; currency: string; index: number; keyword: boolean };

const UNIT: Record<string, number> = {
  千万: 10_000_000,
  十万: 100_000,
  万: 10_000,
  w: 10_000,
  W: 10_000,
  千: 1000,
  k: 1000,
  K: 1000,
  亿: 100_000_000,
  百万: 1_000_000,
  m: 1_000_000,
  M: 1_000_000,
  million: 1_000_000,
  mn: 1_000_000,
  billion: 1_000_000_000,
  bn: 1_000_000_000,
};

/** Words that make a nearby number money (预算50万, 报价 130 万, budget about 60k). */
const MONEY_WORDS =
  /(?:(?:预算|报价|总价|金额|合同额|合同金额|成交价|成交额|价格|费用|单子|订单|采购额|投资|最低|最高|一共|总共|共计|套餐价|售价|年费|首付|定金|交了|付了|收了|一期|每期|一学期|每学期|学费|落地价|全包)\s*(?:大约|大概|约|约为|为|是|在|有|给到|:)?|\b(?:budget|deal|quote|quoted|price|contract|worth|value|total)\b(?:\s+[a-z]+){0,2}\s*(?:of|about|around|approx\.?|is|was|at|:|~)?)\s*$/i;

/** Numbers followed by these are counts, durations or ratios, not money. */
const NOT_MONEY_AFTER =
  /^\s*(人|个|位|名|台|套|家|次|天|日|号|周(?![末一二三四五六日天])|月(?![底初末])|年|小时|分钟|点|%|折|层|楼|间|张|份|条|款|期|票|吨|件|单|辆|箱|户|平|㎡|公斤|斤|米|公里|瓶|盒|株|头|只|users?|seats?|people|days?|weeks?|months?|years?|%)/i;
/** Quantities, not money: 日均30万票, 年产20万吨, 月活50万. */
const VOLUME_AFTER_UNIT =
  /^\s*(人|个|位|名|台|套|家|次|天|%|票|吨|件|单|辆|箱|户|平|㎡|公斤|斤|米|公里|瓶|盒|株|头|只|users?|seats?|people|parcels?|orders?|units?|items?|packages?|shipments?|visitors?|visits?|pcs|tons?|requests?|transactions?|messages?|SKUs?|[a-z]+\s*\/\s*(?:day|week|month|year|hour|hr)\b)/i;
/** `套餐选了8999那档`: the tier a buyer chose is a price. */
const PRICE_TIER_AFTER = /^\s*(?:元)?(?:那档|档|的那档|的套餐)/;
const VOLUME_BEFORE =
  /(?:日均|月均|年均|年产|日产|月产|产能|产量|销量|出货量?|用户数?|日活|月活|会员数?|注册|员工|面积|库存|单量|票量)\s*(?:约|大约|大概|有|达|超过)?\s*$/;
/** A unit price (每个账号200元/年, 单价) is not the deal's amount. */
const UNIT_PRICE_BEFORE = /(每|单价|均价|一个|per|each|unit price)\s*[\u4e00-\u9fa5a-z]{0,4}\s*$/i;
const PER_AFTER = /^\s*(元|块)?\s*\/\s*(?!(?:year|yr|annum)\b|年)[\u4e00-\u9fa5a-z]/i;

const NUMBER = `(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|[${CN_NUMERAL_CHARS}]{1,8})`;
// Optional parts own their leading spaces, so a match never ends in whitespace (`90万 12月1日`).
const AMOUNT_RE = new RegExp(
  `(HK\\$|US\\$|C\\$|A\\$|S\\$|¥|￥|\\$|€|£|(?:USD|RMB|CNY|EUR|HKD|GBP|JPY|CAD|AUD|SGD|CHF)\\s?|(?:港币|港元|欧元|美金|美元|日元|英镑|加元|澳元)\\s?)?\\s*${NUMBER}(?:\\s*(千万|十万|百万|万|w|W|千|k|K|亿|million|billion|mn|bn|m|M)(?![A-Za-z])(?:(\\d)(?![\\d.,:/\\-月日号点天周个人年时分]))?)?(?:\\s*(元|块|美元|美金|人民币|欧元|港币|港元|日元|英镑|rmb|RMB|usd|USD|eur|EUR|euros?|hkd|HKD|gbp|GBP|jpy|JPY|dollars?))?`,
  'y',
);

/**
 * The characters an amount can start with: a currency sign or code (HK$, USD, 港币…), a space
 * (what `\s` matches), a digit or a Chinese numeral. `nextAmount` tries the sticky pattern only
 * at these: the others (most of a note) would each cost it its ~25 currency alternatives first.
 */
export const AMOUNT_START_CHARS = `HUCASREGJ¥￥$€£港欧美日英加澳 \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff0123456789${CN_NUMERAL_CHARS}`;
const AMOUNT_START = new Uint8Array(0x10000);
for (let i = 0; i < AMOUNT_START_CHARS.length; i++) AMOUNT_START[AMOUNT_START_CHARS.charCodeAt(i)] = 1;

/** The first amount at or after `from`: what `exec` of the pattern with the `g` flag from there finds. */
function nextAmount(text: string, from: number): RegExpExecArray | null {
  for (let at = from; at < text.length; at++) {
    if (AMOUNT_START[text.charCodeAt(at)] === 0) continue;
    AMOUNT_RE.lastIndex = at;
    const m = AMOUNT_RE.exec(text);
    if (m) return m;
  }
  return null;
}

/** ISO code of a currency sign or word; null for the yuan and unknown words. */
function currencyOf(sign: string, word: string): string | null {
  const s = `${sign} ${word}`;
  if (/HK\$|HKD|港币|港元/i.test(s)) return 'HKD';
  if (/€|EUR|欧元|euro/i.test(s)) return 'EUR';
  if (/£|GBP|英镑/i.test(s)) return 'GBP';
  if (/JPY|日元/i.test(s)) return 'JPY';
  if (/C\$|CAD|加元|加币/i.test(s)) return 'CAD';
  if (/A\$|AUD|澳元/i.test(s)) return 'AUD';
  if (/S\$|SGD|新加坡元/i.test(s)) return 'SGD';
  if (/CHF|瑞郎/i.test(s)) return 'CHF';
  if (/\$|USD|美元|美金|dollar/i.test(s)) return 'USD';
  return null;
}

/**
 * Every money amount in the note. A number counts as money when it carries a currency sign or
 * word, a money unit (万/w/k/千/亿), or follows a money word; phone numbers, dates, headcounts,
 * discounts and unit prices do not count.
 */
export function findAmounts(text: string): AmountMention[] {
  const out: AmountMention[] = [];
  for (let m = nextAmount(text, 0); m; m = nextAmount(text, m.index + m[0].length)) {
    const [whole, sign, rawNum, unit, unitTail, currencyWord] = m;
    let num = rawNum;
    if (!num || whole.trim() === '') continue;
    // 三百万十二月十号: the numeral ran into a date; the amount ends at its last 万/亿.
    const runOn = /^(.*[万亿])[^万亿]+$/.exec(num);
    if (runOn?.[1] && !unit && /^[月日号]/.test(text.slice(m.index + whole.length))) num = runOn[1];
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    const after = num === rawNum ? text.slice(m.index + whole.length) : '';
    const isCn = !/\d/.test(num);
    // Part of a longer digit run, a date (12月5日, 2026-12-03) or a time (3:30)?
    if (/[\d\-/]$|\d[.:]$/.test(before) || /^(?:[\d\-:]|\/\d)/.test(after)) continue;

    // 一千万 carries its unit inside the numeral, so 一千万 月底前 is money, not a month count.
    const bigCnUnit = isCn && /[万亿]/.test(num);
    if (!unit && !sign && !currencyWord && !bigCnUnit && /^\s*(月|日|号|点|:)/.test(after)) continue;
    if (!unit && !bigCnUnit && NOT_MONEY_AFTER.test(after)) continue;
    // Q2, V3, A1: a letter glued to the number makes it a label.
    if (!sign && /[A-Za-z]$/.test(text.slice(0, m.index + whole.indexOf(num)))) continue;
    if ((unit || bigCnUnit) && VOLUME_AFTER_UNIT.test(after)) continue;
    if (!sign && !currencyWord && VOLUME_BEFORE.test(before)) continue;
    if (UNIT_PRICE_BEFORE.test(before) || PER_AFTER.test(after)) continue;
    const keyword = MONEY_WORDS.test(before) || PRICE_TIER_AFTER.test(after);
    // 七千二, 三千五: a numeral with 千 standing alone is a price (两千多个, 三千套 are counts).
    const priceCn = isCn && /千/.test(num) && /^(?:\s|[,.;!?]|$)/.test(after);
    // 一百五十万 / 两亿 carry their unit inside the numeral.
    const bigCn = isCn && /[万亿]/.test(num);
    // Single Chinese numerals are everywhere (一下, 三方); demand a unit or a money word.
    if (!sign && !unit && !currencyWord && !keyword && !bigCn && !priceCn) continue;
    if (isCn && num.length === 1 && !unit && !currencyWord) continue;
    // Mainland mobile numbers and long ids are not money even after a money word.
    if (/^1\d{10}$/.test(num)) continue;
    const base = isCn ? parseChineseNumeral(num) : Number(num.replace(/,/g, ''));
    if (base === null || !Number.isFinite(base)) continue;
    // m/M means million only with a currency (`$1.2M`); otherwise it is often metres or minutes.
    if ((unit === 'm' || unit === 'M') && !sign && !currencyWord && !keyword) continue;
    // 6万5 = 65000, 3千5 = 3500: a digit right after the unit counts in the next lower unit.
    const tail = unitTail && (unit === '万' || unit === '千') ? Number(unitTail) * (unit === '万' ? 1000 : 100) : 0;
    const amount = Math.round((base * (unit ? (UNIT[unit] ?? 1) : 1) + tail) * 100) / 100;
    if (amount <= 0) continue;
    // A bare number after a money word is money only when it is plausible as a deal: 预算 5 is not.
    if (!sign && !unit && !currencyWord && !bigCnUnit && amount < 100) continue;
    out.push({ amount, currency: currencyOf(sign ?? '', currencyWord ?? '') ?? 'CNY', index: m.index, keyword });
  }
  return out;
}

/** The deal amount: the first one named by a money word, else the first money-looking number. */
export function pickAmount(mentions: AmountMention[]): AmountMention | null {
  return mentions.find((m) => m.keyword) ?? mentions[0] ?? null;
}

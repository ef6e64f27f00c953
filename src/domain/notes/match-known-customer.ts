import { ORG_TAIL } from './customer.js';
import type { KnownCustomer } from './schema.js';

const LEGAL = /(股份有限公司|有限责任公司|有限公司|分公司|公司|集团|\s+(inc|ltd|corp|co|llc|limited|group)\.?)$/i;
const PLACES = /^(北京|上海|天津|重庆|深圳|广州|杭州|南京|苏州|成都|武汉|西安|长沙|郑州|青岛|宁波|厦门|福州|合肥|济南|沈阳|大连|哈尔滨|长春|昆明|贵阳|南宁|南昌|太原|石家庄|无锡|佛山|东莞|珠海|温州|绍兴|嘉兴|常州|烟台|泉州|中山|惠州|广东|浙江|江苏|山东|四川|湖北|湖南|河南|河北|福建|安徽|辽宁|陕西|江西|云南|广西|山西|贵州|吉林|黑龙江|内蒙古|新疆|海南|甘肃|宁夏|青海|西藏|中国)(市|省)?/;


/** Known-customer labels repeat on every note of a workspace: their normalized forms are cached. */
const labelCache = new Map<string, { full: string; core: string }>();
const LABEL_CACHE_MAX = 50_000;

function label(name: string): { full: string; core: string } {
  let cached = labelCache.get(name);
  if (!cached) {
    cached = { full: name.normalize('NFKC').toLowerCase().replace(/\s+/g, ''), core: coreName(name) };
    if (labelCache.size >= LABEL_CACHE_MAX) labelCache.clear();
    labelCache.set(name, cached);
  }
  return cached;
}

/** 杭州云帆科技有限公司 → 云帆: what people actually call a company in a note. */
export function coreName(name: string): string {
  let s = name.normalize('NFKC').toLowerCase().replace(/[\s()（）·,.-]/g, '');
  for (let i = 0; i < 3; i++) s = s.replace(LEGAL, '').trim();
  const withoutPlace = s.replace(PLACES, '');
  if ([...withoutPlace].length >= 2) s = withoutPlace;
  const withoutIndustry = s.replace(ORG_TAIL, '');
  if ([...withoutIndustry].length >= 2) s = withoutIndustry;
  return s;
}

type Match = { id: string; name: string; score: number };

/**
 * Known customers the note mentions, best first. The full name or an alias in the text is a
 * near-certain match; the core name (`云帆` for `杭州云帆科技有限公司`) a strong one; overlap
 * with the extracted name a weaker one.
 */
export function matchKnownCustomers(text: string, extracted: string | null, known: KnownCustomer[]): Match[] {
  const haystack = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const extractedCore = extracted ? coreName(extracted) : null;
  // `云帆物流` names another company than the known `云帆科技`, though both contain 云帆.
  const extractedFull = extracted ? label(extracted).full : null;
  const extractedIsSpecific = extracted !== null && ORG_TAIL.test(extracted.normalize('NFKC'));
  const out: Match[] = [];
  for (const customer of known) {
    let score = 0;
    for (const [i, text] of [customer.name, ...(customer.aliases ?? [])].entries()) {
      const { full, core } = label(text);
      if (full.length >= 2 && haystack.includes(full)) score = Math.max(score, i === 0 ? 1 : 0.97);
      else if ([...core].length >= 2 && haystack.includes(core)) {
        const other = extractedIsSpecific && extractedFull !== null && !full.includes(extractedFull) && !extractedFull.includes(full);
        score = Math.max(score, other ? 0.6 : 0.88);
      }
      else if (extractedCore && [...core].length >= 2 && (extractedCore.includes(core) || core.includes(extractedCore)) && [...extractedCore].length >= 2) score = Math.max(score, 0.6);
    }
    if (score > 0) out.push({ id: customer.id, name: customer.name, score });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, 8);
}

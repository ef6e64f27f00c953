import { clauses } from './normalize-text.js';
import type { Channel, Stage } from './schema.js';

/** Words that make a clause a plan rather than something that happened (下周发方案 does not move the stage). */
const PLAN_MARKERS =
  /(明天|后天|下周|下个?月|下次|再|准备|计划|打算|争取|待|将|会去|要去|约了|预计|月底前|之前|前要|\bwill\b|\bplan|\bnext\b|\bto send\b|\bgoing to\b)/i;

type Rule<T> = { value: T; re: RegExp };

const CHANNEL_RULES: Rule<Channel>[] = [
  {
    value: 'meeting',
    re: /视频会议|腾讯会议|飞书会议|钉钉会议|线上会议|视频会|视频了|视频沟通|视频聊|开了?个?视频|zoom|teams会议|\b(?:call )?(?:over|on|via) (?:teams|zoom)\b|\bteams (?:call|meeting)\b|\bwebex\b|\bgoogle meet\b|video call|online meeting|\bmeeting\b/i,
  },
  // 电话 followed by a number, or 留了电话, is a phone number, not a call.
  {
    value: 'call',
    re: /打电话|打了电话|(?<!留了?|留个|的)电话(?!\s*[:：]?\s*\d{7})|致电|电联|通话|来电|回电|语音留言|\bcall(?:ed)?\b|\bphoned?\b|\brang\b|\bvoicemail\b/i,
  },
  // 资料在微信里, 邮件里: the medium something sits in, not how the contact happened.
  { value: 'wechat', re: /微信(?!里|群里)|企微|\bwechat\b|\bwecom\b/i },
  { value: 'email', re: /邮件(?!里)|邮箱(?!里)|\be-?mail(?:ed)?\b/i },
  {
    value: 'visit',
    re: /拜访|上门|面谈|见面|见了|见到|吃饭|吃了?[顿个]?饭|饭局|喝酒|喝茶|喝咖啡|到访|来访|走访|登门|参观|去了一?趟|当面|去[^,.;!?\s]{2,16}?(?:演示|汇报|讲方案|做[\u4e00-\u9fa5]{0,4}演示)|(?:^|刚才|刚刚|今天|上午|下午)在(?!微信|电话|群|线上|网上|邮件|家)[\u4e00-\u9fa5A-Za-z]{2,12}?(?:跟|和|与|见)|(?:来|到|在)了?(?:我们)?(?:店里|门店|店|展厅|校区|售楼处|琴行|现场)|从[\u4e00-\u9fa5A-Za-z]{2,12}?出来|(?:^|今天|上午|下午|刚才|刚刚)去了[\u4e00-\u9fa5A-Za-z]{2,12}?(?:公司|厂|工厂|医院|学校|园区|总部|现场|门店)(?![\u4e00-\u9fa5])|\b(?:dropped|stopped|swung) by\b|\bvisit(?:ed)?\b|\bmet\b|\bmet with\b|\bin person\b|\bon[- ]site\b|\blunch\b|\bdinner\b|\bcoffee\b|\bbreakfast\b/i,
  },
];

/** Later stages first: a note that says 签约 and mentions the earlier 报价 is won. */
const STAGE_RULES: Rule<Stage>[] = [
  {
    value: 'lost',
    re: /丢单|丢了|流失|选了竞品|选择了竞品|用了竞品|定了竞品|选了(?:别家|其他家?|隔壁|更便宜)|用了别家|选了另一家|在别[的家][\u4e00-\u9fa5A-Za-z0-9]{0,6}(?:买|提|签|订)[\u4e00-\u9fa5]?了|在网上买了|不要了|没争取下来|放弃了?|没戏|黄了|不做了|不考虑了|\blost\b|(?:went with|chose) (?:a |another )?(?:competitor|vendor|supplier)|\bchurn(?:ed)?\b/i,
  },
  {
    value: 'won',
    re: /签约了|已经?签约|已经签了|已经?签(?:了|好|单|下|完)?|签完合同|签了合同|合同(?:已经?)?签(?:了|好|完|下来了)|签单|签了(?![\u4e00-\u9fa5]{0,2}(?:保密|NDA|意向|框架|协议|字))|成交|已盖章|合同已盖章|回款|打款了|已付款|定金[\u4e00-\u9fa5]{0,4}(?:打|付|交)(?:过来)?了|(?:收到|付了|交了)定金|付了全款|付了款|交了(?:全款|定金)?\s*\d|下单了|下单|订了[一两二三四五六七八九十\d]+[套台件个份]|\bclosed[- ]won\b|\bsigned\b|\bwon the deal\b|\bdeal (?:won|closed)\b|\bclosed at\b/i,
  },
  {
    value: 'negotiation',
    re: /(?:谈|聊)(?:了|到|起)?(?:一下|下|一轮|一次|几轮|[两三]轮)?价格|压[\u4e00-\u9fa5]?[\d一二三四五六七八九十两几]+个?点|\bdiscussed (?:the )?pric(?:e|ing)\b|\b\d+\s?% off\b|价格[\u4e00-\u9fa5]{0,4}谈|议价|砍价|谈判|合同条款|条款要改|合同还在谈|合同在谈|报价[\u4e00-\u9fa5]{0,2}在谈|合同在走流程|法务(?:还在)?审|条款在谈|付款(?:条件|方式)|压价|再降|降价|再便宜|价格[\u4e00-\u9fa5]{0,3}太高|便宜(?:一)?点|优惠(?:一)?点|太贵|贵了|打折|讨价还价|谈了price|price[\u4e00-\u9fa5]{0,4}谈|contract[\u4e00-\u9fa5]{0,4}(?:走流程|在谈)|\bnegotiat/i,
  },
  {
    value: 'quote',
    re: /报价(?:已经?|单)?(?:已经?)?(?:发|send|收到|给了)|报价\s*(?:[A-Z]{3}\s*)?[¥$€]?\s*[\d一二三四五六七八九十两百千万.,]+\s*[万千kKwW]?\s*已经?发|附(?:上|了)?(?:报价|quote|quotation)|quotation\s*(?:已经?发|sent)|已报价|已经报价|发了报价|报价单|报过价|报了价|给了报价|报价给了|把报价发|报价发给|在看我们的quote|\bquotes? (?:sent|submitted)\b|\b(?:sent|emailed)\b[^.]{0,60}\bquote\b|\bquoted\b|reviewing (?:our|the) (?:quote|pricing)/i,
  },
  {
    value: 'proposal',
    re: /方案[\u4e00-\u9fa5]{0,3}已经?发|发了[\u4e00-\u9fa5]{0,4}方案|已发[\u4e00-\u9fa5]{0,4}方案|方案已认可|方案发过|看方案|方案在看|方案[\u4e00-\u9fa5]{0,6}(?:再|在)(?:看|评审|评估)|方案[\u4e00-\u9fa5]{0,2}已经?[\u4e00-\u9fa5]{0,8}?(?:转给|发给|交给|转过去|发过去)|方案看过了?|方案[\u4e00-\u9fa5]{0,6}(?:看过了|认可)|评估方案|在看[\u4e00-\u9fa5]{0,8}的方案|讲了(?:一下)?[\u4e00-\u9fa5]{0,6}方案|reviewing the proposal|review(?:ing)? (?:our|the) proposal|review[\u4e00-\u9fa5]{0,4}proposal|附上proposal|proposal (?:sent|submitted|under review|in review)|\b(?:sent|emailed)\b[^.]{0,60}\bproposal\b/i,
  },
  {
    value: 'qualified',
    re: /确认需求|确认了需求|需求[\u4e00-\u9fa5]{0,3}确认|明确了需求|需求明确|需求[\u4e00-\u9fa5]{0,2}(?:confirm|OK)|\bqualified\b|(?:needs|requirements) confirmed|confirmed (?:the |their )?(?:needs|requirements)/i,
  },
  {
    value: 'lead',
    re: /新线索|初次接触|第一次接触|首次接触|初次见面|第一次见面|新客户线索|初次拜访|第一次(?:给|来|打|拜访|电话|联系|去|到)|是第一次|首次(?:拜访|联系|来)|\bnew lead\b|\bfirst contact\b/i,
  },
];

/** 没签, 未报价, 不考虑: a negated cue states nothing. */
const NEGATED_BEFORE = /(?:没|没有|未|不|别|还没)(?:外出|出去|去)?$/;
/** 报价单明天发, 方案下周给: the cue is followed by when it will happen, so it has not yet. */
const PLAN_AFTER =
  /^(?:明天|后天|下周[一二三四五六日天]?|下个?月|周[一二三四五六日天]|月底|稍后|晚点|回头)[\u4e00-\u9fa5]{0,2}?(?:发|给|出|报|签|做|提交|送)/;
/** 报价单也想要一份: a thing asked for has not been sent. */
const REQUEST_AFTER = /^[也还都]?(?:想要|要一份|需要一份|想看看)/;
/** 签单了吗: a question states nothing either. */
const QUESTION_AFTER = /^[了没]*(?:吗|么|\?)/;

/**
 * `报价 已发` reads as `报价已发`: a space between short Chinese chunks carries no meaning. A space
 * between two longer chunks separates phrases (`下周二发合同 报价已发过了`), so that the plan of one
 * does not hide the fact stated in the next: it becomes a clause break.
 */
const CJK_SPACE_CJK = /[\u4e00-\u9fa5]\s+[\u4e00-\u9fa5]/;

export function joinCjk(text: string): string {
  if (!text.includes(' ') || !CJK_SPACE_CJK.test(text)) return text;
  // Run by run rather than a replace with a callback per space (a tenth of the rule path's time
  // on spaced notes); the same as replacing /(?<![一-龥])([一-龥]+)\s+(?=([一-龥]+))/g.
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    if (!isCjk(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd < text.length && isCjk(text.charCodeAt(runEnd))) runEnd++;
    let next = runEnd;
    while (next < text.length && isSpace(text.charCodeAt(next))) next++;
    if (next === runEnd || next === text.length || !isCjk(text.charCodeAt(next))) {
      i = runEnd;
      continue;
    }
    let nextEnd = next;
    while (nextEnd < text.length && isCjk(text.charCodeAt(nextEnd))) nextEnd++;
    out += text.slice(copied, runEnd) + (runEnd - i >= 3 && nextEnd - next >= 3 ? ',' : '');
    copied = next;
    i = next;
  }
  return out + text.slice(copied);
}

const isCjk = (code: number) => code >= 0x4e00 && code <= 0x9fa5;
/** What `\s` matches in a regular expression. */
const isSpace = (c: number) =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** The first rule that matches a clause which is not a plan; rules are tried in priority order. */
/** Channel and stage read the same clauses of a note. */
let lastClauses: { text: string; parts: { text: string; start: number }[] } = { text: '', parts: [] };

/**
 * All of a rule set's patterns in one (they share the `i` flag and have no back-references): a
 * clause it does not match holds no cue of any rule, and is not scanned rule by rule.
 */
const anyOf = new Map<Rule<unknown>[], RegExp>();

function anyCue(rules: Rule<unknown>[]): RegExp {
  let re = anyOf.get(rules);
  if (!re) anyOf.set(rules, (re = new RegExp(rules.map((r) => `(?:${r.re.source})`).join('|'), 'i')));
  return re;
}

function firstOutsidePlans<T>(text: string, rules: Rule<T>[], byPosition: boolean): T | null {
  if (lastClauses.text !== text) lastClauses = { text, parts: clauses(joinCjk(text)) };
  const any = anyCue(rules as Rule<unknown>[]);
  const parts = lastClauses.parts.filter((part) => any.test(part.text));
  const hits: { value: T; index: number; priority: number }[] = [];
  rules.forEach((rule, priority) => {
    for (const part of parts) {
      const m = rule.re.exec(part.text);
      if (!m) continue;
      const before = part.text.slice(0, m.index);
      if (PLAN_MARKERS.test(before)) continue;
      const after = part.text.slice(m.index + m[0].length);
      if (NEGATED_BEFORE.test(before) || QUESTION_AFTER.test(after) || REQUEST_AFTER.test(after)) continue;
      if (rules === (STAGE_RULES as Rule<unknown>[]) && !m[0].endsWith('了') && PLAN_AFTER.test(after)) continue;
      // 周五前把报价单整理好: a 把 instruction with nothing done (已经把报价单发过去了 is done).
      if (rules === (STAGE_RULES as Rule<unknown>[]) && /把\s*$/.test(before) && !/了/.test(m[0] + after.slice(0, 8))) continue;
      // 需求还没确认, 价格还没谈: a negation inside the cue (lost cues say 不要了 themselves).
      if (rule.value !== 'lost' && /[没未不]/.test(m[0])) continue;
      // `Call her tomorrow`: an instruction, not a call that happened.
      if (/^call$/i.test(m[0]) && /^\s+(?:her|him|them)\b/i.test(after)) continue;
      hits.push({ value: rule.value, index: part.start + m.index, priority });
      break;
    }
  });
  if (hits.length === 0) return null;
  hits.sort((a, b) => (byPosition ? a.index - b.index : a.priority - b.priority));
  return hits[0]?.value ?? null;
}

/** How the contact happened: the earliest channel word that is not part of a plan. */
export function findChannel(text: string): Channel | null {
  return firstOutsidePlans(text, CHANNEL_RULES, true);
}

/** The stage the note puts the customer in; plans (下周发方案) do not count. */
export function findStage(text: string): Stage | null {
  return firstOutsidePlans(text, STAGE_RULES, false);
}

import { clauses } from './normalize-text.js';
import type { Channel, Stage } from './schema.js';

/** Words that make a clause a plan rather than something that happened (下周发方案 does not move the stage). */
const PLAN_MARKERS =
  /(明天|后天|下周|下个?月|下次|再|准备|计划|打算|争取|待|将|会去|要去|约了|预计|月底前|之前|前要|\bwill\b|\bplan|\bnext\b|\bto send\b|\bgoing to\b)/i;

type Rule<T> = { value: T; re: RegExp };

const CHANNEL_RULES: Rule<Channel>[] = [
  { value: 'meeting', re: /视频会议|腾讯会议|飞书会议|线上会议|视频会|zoom|teams会议|video call|online meeting|\bmeeting\b/i },
  { value: 'call', re: /打电话|打了电话|电话|致电|电联|通话|来电|回电|\bcall(?:ed)?\b|\bphoned?\b|\brang\b/i },
  { value: 'wechat', re: /微信|企微|\bwechat\b|\bwecom\b/i },
  { value: 'email', re: /邮件|邮箱|\be-?mail(?:ed)?\b/i },
  {
    value: 'visit',
    re: /拜访|上门|面谈|见面|见了|吃饭|吃了?[顿个]?饭|饭局|到访|来访|走访|登门|参观|\bvisit(?:ed)?\b|\bmet\b|\bmet with\b|\bin person\b|\bon[- ]site\b|\blunch\b|\bdinner\b/i,
  },
];

/** Later stages first: a note that says 签约 and mentions the earlier 报价 is won. */
const STAGE_RULES: Rule<Stage>[] = [
  {
    value: 'lost',
    re: /丢单|丢了|流失|选了竞品|选择了竞品|用了竞品|放弃了?|没戏|黄了|不做了|不考虑了|\blost\b|went with (?:a )?competitor|\bchurn(?:ed)?\b/i,
  },
  {
    value: 'won',
    re: /签约了|已经?签约|已经签了|签完合同|签了合同|合同已签|签单|成交|已盖章|合同已盖章|回款|打款了|下单了|下单|\bclosed[- ]won\b|\bsigned\b|\bwon the deal\b|\bdeal won\b/i,
  },
  {
    value: 'negotiation',
    re: /谈价格|谈价|价格[\u4e00-\u9fa5]{0,4}谈|议价|砍价|谈判|合同条款|合同还在谈|合同在谈|条款在谈|压价|讨价还价|\bnegotiat/i,
  },
  {
    value: 'quote',
    re: /报价已发|已报价|已经报价|发了报价|报价单|报过价|报了价|给了报价|\bquotes? (?:sent|submitted)\b|\b(?:sent|emailed)\b[^.]{0,40}\bquote\b|\bquoted\b/i,
  },
  {
    value: 'proposal',
    re: /方案已发|发了[\u4e00-\u9fa5]{0,4}方案|已发[\u4e00-\u9fa5]{0,4}方案|方案已认可|方案发过|看方案|方案在看|评估方案|reviewing the proposal|proposal (?:sent|submitted)|\b(?:sent|emailed)\b[^.]{0,40}\bproposal\b/i,
  },
  {
    value: 'qualified',
    re: /确认需求|确认了需求|需求已确认|需求确认|明确了需求|需求明确|\bqualified\b|confirmed (?:the |their )?(?:needs|requirements)/i,
  },
  { value: 'lead', re: /新线索|初次接触|第一次接触|首次接触|初次见面|第一次见面|新客户线索|\bnew lead\b|\bfirst contact\b/i },
];

/** `报价 已发` reads as `报价已发`: spaces between Chinese characters carry no meaning here. */
const joinCjk = (text: string) => text.replace(/(?<=[\u4e00-\u9fa5])\s+(?=[\u4e00-\u9fa5])/g, '');

/** The first rule that matches a clause which is not a plan; rules are tried in priority order. */
function firstOutsidePlans<T>(text: string, rules: Rule<T>[], byPosition: boolean): T | null {
  const parts = clauses(joinCjk(text));
  const hits: { value: T; index: number; priority: number }[] = [];
  rules.forEach((rule, priority) => {
    for (const part of parts) {
      const m = rule.re.exec(part.text);
      if (!m) continue;
      if (PLAN_MARKERS.test(part.text.slice(0, m.index))) continue;
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

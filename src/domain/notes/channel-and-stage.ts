import { byFirstChar, nextMatchAt } from './first-chars.js';
import { clauses } from './normalize-text.js';
import type { Channel, Stage } from './schema.js';

/** Words that make a clause a plan rather than something that happened (下周发方案 does not move the stage). */
const PLAN_MARKERS =
  /(明天|后天|下周|下个?月|下次|再|准备|(?<![施作目期线训付试进])计划|打算|争取|待|将|会去|要去|约了|预计|月底前|之前(?![\u4e00-\u9fa5]{0,4}过)|前要|建议(?!书)|\bwill\b|\bplan|\bnext\b|\bto send\b|\bgoing to\b|\bexpected\b|\bscheduled\b|\bto be\b|\bneeds? to\b|\bhave to\b)/i;

/**
 * 已经, 刚才, 这次: what follows is done, whatever plan the clause named before it (a note typed
 * without punctuation: `之前约了下周再去这次是他们打电话过来`, `下周再去一趟报价已经发了`).
 */
const DONE_FROM = /已经|刚才|刚刚|这次|这回|目前|\balready\b/g;
/** 今天, 刚: a fresh start only when a 了 then says it happened (计划下周去拜访今天先打了个电话). */
const TODAY_FROM = /今天|今早|今晚|刚/g;
const HAPPENED = /了(?!解)/;
/** A cue that says itself it is done (报价已经发了, 需求已确认): a plan before it is another verb's. */
const DONE_CUE = /已|刚|\balready\b/i;

/**
 * Whether the words before a cue make it a plan: from the last 已经 / 刚才 on, or from 今天 on
 * when the cue then reads as done; not at all when the cue says it is done.
 */
function planned(before: string, cue: string): boolean {
  if (!PLAN_MARKERS.test(before) || DONE_CUE.test(cue)) return false;
  let from = lastEnd(DONE_FROM, before);
  const today = lastEnd(TODAY_FROM, before);
  if (today > from && HAPPENED.test(before.slice(today) + cue)) from = today;
  return from <= 0 || PLAN_MARKERS.test(before.slice(from));
}

function lastEnd(re: RegExp, text: string): number {
  let at = -1;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) at = m.index + m[0].length;
  return at;
}

type Rule<T> = { value: T; re: RegExp };

const CHANNEL_RULES: Rule<Channel>[] = [
  {
    value: 'meeting',
    re: /视频会议|腾讯会议|飞书会议|钉钉会议|线上会议|线上会|在线会议|远程会议|网络会议|视频会|视频了|视频沟通|视频聊|开了?个?视频|zoom|teams会议|(?:开了?个?|用|通过|在|上)\s?teams\b|\bteams\s?(?:上|里|会|开|线上)|\b(?:call )?(?:over|on|via) (?:teams|zoom)\b|\b(?:a|quick) (?:teams|zoom)\b|\bteams (?:call|meeting)\b|\bwebex\b|\bgoogle meet\b|video call|online meeting|\bmeeting\b/i,
  },
  // 电话 followed by a number, or 留了电话, is a phone number, not a call.
  {
    value: 'call',
    re: /打电话|打了电话|打的电话|(?<!留了?|留个|的)电话(?!\s*[:：]?\s*\d{7})|致电|电联|通话|来电|回电|语音留言|接到[^,.;!?\n]{0,8}电话|\bcall(?:ed)?\b|\bphoned?\b|\brang\b|\bvoicemail\b/i,
  },
  // 资料在微信里, 邮件里: the medium something sits in, not how the contact happened.
  { value: 'wechat', re: /微信(?!里|群里)|企微|\bwechat\b|\bwecom\b/i },
  { value: 'email', re: /邮件(?!里)|邮箱(?!里)|\be-?mail(?:ed)?\b/i },
  {
    value: 'visit',
    re: /拜访|拜会|面见|陌拜|扫楼|上门|面谈|见面|见了|见到|吃饭|吃了?[顿个]?饭|饭局|喝酒|喝茶|喝咖啡|到访|来访|走访|登门|参观|去了一?趟|跑了一?趟|(?:去|到)了?(?:他们|客户|对方)[的那]?(?:公司|办公室|总部|工厂|厂里|店里|现场|项目部|工地|仓库|车间)(?=[^,.;!?\n]{0,10}了)|当面|去[^,.;!?\s]{2,16}?(?:演示|汇报|讲方案|做[\u4e00-\u9fa5]{0,4}演示)|(?:^|刚才|刚刚|今天|上午|下午)在(?!微信|电话|群|线上|网上|邮件|家)[\u4e00-\u9fa5A-Za-z]{2,12}?(?:跟|和|与|见)|(?:来|到|在)了?(?:我们)?(?:店里|门店|店|展厅|校区|售楼处|琴行|现场)|从[\u4e00-\u9fa5A-Za-z]{2,12}?出来|看了?(?:一下|下)?现场|带我们[^,.;!?\s]{0,4}看|实地|(?:勘察|考察|踏勘)了|(?:^|今天|上午|下午|中午|晚上|刚才|刚刚|点半?|分)去了[^,.;!?\s]{2,16}?(?:那边|那儿|那里|这边)?(?:跟|和|与|找|见)|(?:去|到)了(?:他们|客户|对方)[的那]?(?:公司|办公室|总部|工厂|厂里|店里|现场|项目部|工地)|(?:^|今天|上午|下午|刚才|刚刚)去了[\u4e00-\u9fa5A-Za-z]{2,12}?(?:公司|厂|工厂|医院|学校|园区|总部|现场|门店|办公室|项目部|工地|车间|仓库)(?![\u4e00-\u9fa5])|\b(?:dropped|stopped|swung) by\b|\bvisit(?:ed)?\b|\bmet\b|\bmet with\b|\bin person\b|\bon[- ]?site\b|\blunch\b|\bdinner\b|\bcoffee\b|\bbreakfast\b/i,
  },
];

/**
 * Stage events are read as structure rather than as whole phrases: a thing of the deal (报价,
 * 方案, 合同, 需求 …) next to what was done with it (发, 提交, 签, 确认 …), in either order, at
 * most a few characters apart (`报价单已经邮件发送`, `把价格发给了`, `给了一版报价`). The clause
 * gates in `statesFact` then drop plans, questions, conditions, wishes and other parties.
 */
let nearCount = 0;
const near = (things: string, acts: string, gap = 6, done = false) => {
  const core = `(?:${things})[^,.;!?\\n]{0,${gap}}?(?:${acts})`;
  // A named group marks the events that must also read as done (see DONE).
  return done ? `(?<done${nearCount++}>${core})` : core;
};
/** Proposal, quote: sent, given, handed in, presented (发送, 给到, 递交, 甩给, 讲了). */
const HANDED = '发|给|提交|递交|交了|交给|已交|交上去|交过去|甩|回了|报给|报过去|递';
const PROPOSAL_THING = '方案|建议书|PPT|ppt|\\bproposal\\b';
const QUOTE_THING = '报价单?|价格表|价目表|价格|价钱|询价单|\\bquote\\b|quotation';
/** What a negotiation is about, and its verbs (磨价格, 卡在折扣上, 条款来回改). */
const TERMS = '价格|价钱|价|折扣|条款|合同|账期|付款|违约金|售后|单价|总价';
const HAGGLE = '走法务|分歧|没谈妥|在谈|还在谈|还在磨|在磨|来回|拉锯|谈不拢|没谈拢|没谈下来|扯皮|卡住|僵住|改了|在改|还在申请';
/** A stage fact needs to be done (已, 了, 过, 完) or under way (在, 正在), not only named. */
const DONE = /[已了过完在到刚]|\b(?:sent|submitted|delivered|received|reviewing|shared)\b/i;

/** A stage's cues: the patterns that need Latin letters (English wording) apart from the rest. */
type StageRule = Rule<Stage> & { cjk: string };

function stageRule(value: Stage, sources: string[], latin: string): StageRule {
  return { value, re: new RegExp([...sources, latin].join('|'), 'i'), cjk: sources.join('|') };
}

/** Later stages first: a note that says 签约 and mentions the earlier 报价 is won. */
const STAGE_RULES: StageRule[] = [
  stageRule(
    'lost',
    [
      /丢单|丢了|跟丢|流失|选了竞品|选择了竞品|用了竞品|定了竞品|选了(?:别家|其他家?|隔壁|更便宜)|用了别家|选了另一家|在别[的家][\u4e00-\u9fa5A-Za-z0-9]{0,6}(?:买|提|签|订)[\u4e00-\u9fa5]?了|在网上买了|不要了|没争取下来|放弃了?|没戏|黄了|不做了|不考虑了|不采购了|不买了/
        .source,
      // 被截胡, 被友商抢了, 输给了, 落标, 没中标: someone else got it.
      /截胡|被[^,.;!?\n]{0,6}?抢|抢单|输给|我们输了|输掉|落标|(?:没|未)中标?|(?:单|单子|项目|事)[^,.;!?\n]{0,2}凉了|凉凉/.source,
      // 定了别家, 选了别的供应商, 和友商签了, 最后还是选了用友.
      /(?:选|用|定|买|签|换)(?:了|给了|择了)[^,.;!?\n我咱贵不]{0,8}?(?:别家|别的|其他|另一|竞品|友商|竞争对手|对手)|(?:和|跟|与|同)(?:友商|竞品|竞争对手|别家|对手)[^,.;!?\n]{0,4}签|(?:决定|改|转而|还是|要)(?:用|选|买|换|签)[^,.;!?\n我咱贵不]{0,6}?(?:别家|别的供应商|别的厂家|其他家|其他供应商|竞品|友商|竞争对手)|(?:最终|最后|还是)[^,.;!?\n]{0,3}选了(?![^,.;!?\n]{0,8}(?:我|咱|贵))/
        .source,
      // 客户选了金蝶: a name alone after 选了 (not 选了标准版, 选了周三, 选了我们).
      /选了(?![我咱贵你这那哪几两一二三四五六七八九十\d]|周|星期|礼拜)(?:[A-Za-z][A-Za-z. ]{1,20}|[\u4e00-\u9fa5]{2,4})(?<![版款型餐案置块能品务间期点量色号])$/
        .source,
      /(?:项目|采购|订单)[^,.;!?\n]{0,2}取消|决定(?:自研|自己(?:做|开发|搞))/.source,
    ],
    /\blost\b|(?:went with|chose|picked|selected|opted for) (?:a |another |someone |some other )?(?:(?:different|other|cheaper|local|rival) )?(?:competitor|vendor|supplier|provider|else)|\bwent with (?:a |another )?(?:cheaper |different |local |other )?(?:vendor|supplier|competitor)|\bwent with (?!us\b|our\b|the\b|a\b|an\b|option|plan)[A-Z]\w+|signed with (?:a |our |another |the )?(?:competitor|rival)|did(?:n't| not) (?:win|get) (?:the )?(?:tender|bid|deal|contract)|build (?:it )?in-house|(?:project|deal) (?:was |got )?cancell?ed|no longer a fit|\bchurn(?:ed)?\b|\bdecided not to (?:move forward|proceed|go ahead|buy|renew)|\b(?:deal|project|opportunity) fell through\b/
      .source,
  ),
  stageRule(
    'won',
    [
      /签约了|已经?签约|已经签了|已经?签(?:了|好|单|下|完)?|签完合同|签了合同|合同(?:已经?)?签(?:了|好|完|下来了)|签单|签了(?![\u4e00-\u9fa5]{0,2}(?:保密|NDA|意向|框架|协议|字))|成交|已盖章|合同已盖章|回款|打款了|已付款|定金[\u4e00-\u9fa5]{0,4}(?:打|付|交)(?:过来)?了|(?:收到|付了|交了)定金|付了全款|付了款|交了(?:全款|定金)?\s*\d|下单了|下单|下了(?:订单|单子|采购单|PO)|订了[一两二三四五六七八九十\d]+[套台件个份]/
        .source,
      // 合同盖章了, 单子签下来了, 合同回传了, 双方都签字了: the contract, then what made it binding.
      near('合同|协议|订单|单子|这单|那单', '下来了|签(?!到|收)|盖章|盖了章|盖好章|回传|签字|流程走完|走完了', 6),
      /双方[^,.;!?\n]{0,2}(?:签字|盖章|签章)|签约完成|签约成功|(?:顺利|成功|正式)签约|(?:我们|我司)(?:中了|中标)|签订了|签署了合同/.source,
      // 中标了, 收到中标通知书 (客户中标了一个项目 is the customer's own tender).
      /(?<!(?:客户|对方|他们|竞品|友商|供应商|总包|集成商)[^,.;!?\n]{0,2}|没|未)中标(?!率)|成单|拿下了|拿到(?:了)?(?:订单|合同|单子)|PO已下|订单(?:已经?)?确认/
        .source,
      // 款到了, 首付款已到账, 预付款收到了, 对方已经打款.
      /(?:首付款?|预付款?|尾款|全款|货款|定金|订金|款)[^,.;!?\n]{0,3}?(?:到了|到账|已到|收到|打过来)|(?:收到|已收)[^,.;!?\n]{0,2}(?:首付|预付|货款|款项)|已经?打款|付了[^,.;!?\n]{0,2}(?:首款|首付|预付|定金|订金|全款|尾款)/
        .source,
    ],
    /\bclosed[- ]won\b|\bsigned\b|\bwon\b(?!['’]t)|\b(?:deal|contract|it|we)(?: is| was|'s| just| finally)? closed\b(?! (?:on|by|for|until|over|down))|\bclosed\s*(?:!|🎉)|\bwon the (?:deal|tender|bid|contract)\b|\bdeal (?:won|closed)\b|\bclosed (?:at|the deal|it)\b|\bpo (?:received|came in|issued)\b|\b(?:got|received) (?:the |a |their )?(?:po|purchase order)\b|\bpurchase order (?:received|came in)\b|\bpayment received\b|\bcontract (?:executed|countersigned)\b|\bcountersigned\b|\bwe closed\b/
      .source,
  ),
  stageRule(
    'negotiation',
    [
      /(?:谈|聊)(?:了|到|起)?(?:一下|下|一轮|一次|几轮|[两三]轮)?价格|压[\u4e00-\u9fa5]?[\d一二三四五六七八九十两几]+个?点|\bdiscussed (?:the )?pric(?:e|ing)\b|\b\d+\s?% off\b|价格[\u4e00-\u9fa5]{0,4}谈|议价|砍价|谈判|合同条款|条款要改|合同还在谈|合同在谈|报价[\u4e00-\u9fa5]{0,2}在谈|合同在走流程|法务(?:还在)?审|(?:在|已经?)走法务|法务(?:在|正在)(?:看|审)|条款在谈|付款(?:条件|方式)|压价|再降|降价|再便宜|价格[\u4e00-\u9fa5]{0,3}太高|便宜(?:一)?点|优惠(?:一)?点|太贵|贵了|打折|讨价还价|谈了price|price[\u4e00-\u9fa5]{0,4}谈|contract[\u4e00-\u9fa5]{0,4}(?:走流程|在谈)/
        .source,
      // 谈合同细节, 磨价格, 在谈价; 价格还在磨, 条款来回改了几轮; 卡在折扣上.
      near('(?<![面会座访洽])谈', TERMS, 4),
      near('改了|在改', TERMS, 4),
      near('磨|砍', '价|折扣', 4),
      near('压', '价|折扣', 2),
      near(TERMS, HAGGLE, 8),
      near('卡在', TERMS, 6),
      /咬死|嫌贵|再让[^,.;!?\n]{0,3}个?点|嫌价格|要(?:打)?[一二三四五六七八九\d.]{1,3}折|商务(?:阶段|洽谈|条款)/.source,
    ],
    /\bnegotiat|(?:contract|合同)[^,.;!?\n]{0,8}\blegal\b[^,.;!?\n]{0,6}\breview|\blegal (?:is )?review(?:ing)? (?:the |our )?contract|\bcontract (?:is )?(?:under|in) legal review|\bpush(?:ed|ing)? back on (?:the )?pric|\bredlines?\b|\bhaggl|\bask(?:ing|ed)? for (?:a )?(?:lower|better) price|\b(?:longer|better) payment terms|\bpushing for (?:a )?lower|\bterms? (?:under|in) discussion|\bcounter(?:ed|offer)\b|\bmark(?:ed)?[- ]?up (?:of )?the contract/
      .source,
  ),
  stageRule(
    'quote',
    [
      /报价(?:已经?|单)?(?:已经?)?(?:发|send|收到|给了)|报价\s*(?:[A-Z]{3}\s*)?[¥$€]?\s*[\d一二三四五六七八九十两百千万.,]+\s*(?:[万千kKwW]|元|块)?\s*已经?(?:发|提交|递交|给|送)|附(?:上了|上|了)?[^,.;!?\n]{0,8}?(?:报价|quote|quotation)|附件[^,.;!?\n]{0,3}(?:报价|quote|quotation)|quotation\s*(?:已经?发|sent)|已报价|已经报价|发了报价|(?<![汇上申])报(?:过|了)价|给了报价|报价给了|把报价发|报价发给|在看我们的quote|\bquotes? (?:sent|submitted)\b|\b(?:sent|emailed)\b[^.]{0,60}\bquote\b|\bquoted\b|reviewing (?:our|the) (?:quote|pricing)/
        .source,
      // 价格表给过去了, 正式报价已提交, 把价格发给李经理了; 给了一版报价, 出了报价; 报了个价.
      near(QUOTE_THING, `${HANDED}|收到`, 6, true),
      near('发了|给了|出了|回了|提交了|递交了|甩了|收到了?|在看|看了|在比', QUOTE_THING, 4, true),
      /报了个价|报个价[^,.;!?\n]{0,3}了|报完价|报价了|(?:询价单|询价)回了/.source,
      // 报了一个初步价格; 和他们过了一遍报价 (walked them through it).
      near('(?<![汇上申])报了|报过', '价', 6, true),
      near('(?:在|正在)(?:对比|比较)', QUOTE_THING, 10, true),
      /(?<![汇简情申电])报的价/.source,
      near('过了一遍|过了一下|讲了|讲解了', QUOTE_THING, 4, true),
    ],
    /\bsent (?:over )?(?:the |our )?(?:pricing|quote|quotation|price list)\b|\b(?:quote|quotation|pricing|price list) (?:was |has been |is )?(?:already )?(?:sent|delivered|submitted|shared)\b|\b(?:quote|quotation|pricing) went out\b|\b(?:have|received|got) our (?:quote|quotation|pricing)\b|\b(?:submitted|emailed|shared|delivered)\b[^.]{0,30}\b(?:quote|quotation|pricing|price list)\b|\bgave (?:them )?a price\b|\breceived (?:our |the |a |their )?(?:quote|quotation|pricing)\b/
      .source,
  ),
  stageRule(
    'proposal',
    [
      /方案[\u4e00-\u9fa5]{0,3}已经?发|发了[\u4e00-\u9fa5]{0,4}方案|已发[\u4e00-\u9fa5]{0,4}方案|方案已认可|方案发过|(?:在|已经?|正在)看方案|看了方案|方案在看|方案[\u4e00-\u9fa5]{0,6}(?:再|在)(?:看|评审|评估)|方案[\u4e00-\u9fa5]{0,2}已经?[\u4e00-\u9fa5]{0,8}?(?:转给|发给|交给|转过去|发过去)|方案看过了?|方案[\u4e00-\u9fa5]{0,6}(?:看过了|认可)|评估方案|在看[\u4e00-\u9fa5]{0,8}的方案|讲了(?:一下)?[\u4e00-\u9fa5]{0,6}方案|reviewing the proposal|review(?:ing)? (?:our|the) proposal|review[\u4e00-\u9fa5]{0,4}proposal|附上proposal|proposal (?:is |was |has been )?(?:sent|submitted|under review|in review)|\b(?:sent|emailed)\b[^.]{0,60}\bproposal\b/
        .source,
      // 方案过了一遍, 技术方案已提交, 方案汇报完了; 客户在评审我们的方案, 把PPT和方案都发到.
      near(PROPOSAL_THING, `${HANDED}|讲|汇报|演示|过了一遍|评审|收到|传阅|交了`, 6, true),
      near('发了|给了|讲了|汇报了|演示了|评审|提交了|递交了|甩了|收到了', PROPOSAL_THING, 10, true),
      // 他们在 review 我们的 proposal, 方案在内部评估, 附件是维保平台的技术方案.
      near('(?:在|正在)\\s?(?:review|评估|评审|研究)', PROPOSAL_THING, 12),
      near(PROPOSAL_THING, '(?:在|正在)[^,.;!?\\n]{0,4}?(?:看|评审|评估|review|研究)', 6),
      /附件(?:是|为|里是)?[^,.;!?\n]{0,10}?(?:方案|proposal)|附(?:上了|上|了)[^,.;!?\n]{0,8}?(?:方案|proposal)/.source,
    ],
    /\b(?:sent|emailed|submitted|presented|delivered|shared|walked (?:them )?through)\b[^.]{0,30}\b(?:proposal|deck)\b|\bproposal (?:delivered|shared)\b|\b(?:reviewing|going through|looking at|evaluating) (?:the |our )?(?:deck|proposal)\b|\b(?:have|received|got) our proposal\b|\b(?:proposal|deck) went out\b/
      .source,
  ),
  stageRule(
    'qualified',
    [
      /确认需求|确认了需求|需求[\u4e00-\u9fa5]{0,3}确认|明确了需求|需求明确|需求[\u4e00-\u9fa5]{0,2}(?:confirm|OK)|\bqualified\b|(?:needs?|requirements?) (?:is |are |have been )?confirmed(?=\s*(?:[,.;:!?]|$|[\u4e00-\u9fa5]))|(?:确认|明确)(?:了|好了)?[^,.;!?\n后再等要没不会]{1,14}?需求|confirmed (?:the |their )?(?:needs|requirements)/
        .source,
      // 需求摸清楚了, 需求敲定了, 需求已经对齐; 客户确认了预算和需求.
      near('需求', '过了一遍|确认|明确|清楚|清晰|敲定|对齐|梳理好|聊透|对得上|定下来', 6),
      near('确认了|明确了|摸清了|梳理了|敲定了', '需求', 6),
      /需求调研[^,.;!?\n]{0,2}(?:完|做完)|调研完成|需求访谈|摸底完|痛点[^,.;!?\n]{0,2}聊透|已立项|决策人是|明确有[^,.;!?\n]{0,2}需求|试用[^,.;!?\n]{0,3}(?:觉得可以|通过)/
        .source,
    ],
    /\bscoped (?:the |their )?requirements\b|\brequirements (?:gathering )?(?:confirmed|finished|done|complete|gathered|nailed down|signed off)|\bneeds are clear\b|\bneeds assessment\b|\bdiscovery (?:call )?(?:done|completed)\b|\bbant\b|\bconfirmed it fits\b|\bconfirmed (?:the |their )?needs?\b/
      .source,
  ),
  stageRule(
    'lead',
    [
      /新线索|初次接触|第一次接触|首次接触|初次见面|第一次见面|新客户线索|初次拜访|第一次(?:给|来|打|拜访|电话|联系|去|到)|是第一次|首次(?:拜访|联系|来)|\bnew lead\b|\bfirst contact\b|\blead\s*(?:来源|source)/
        .source,
      // 线索, 潜在客户, 询盘, 刚加上微信, 陌拜, 初步接洽: the first touch with someone new.
      /线索|潜在客户|意向客户|新客户|新挖的|询盘|留资|陌拜|扫楼|初步(?:接触|接洽)|刚认识|刚加上|首次沟通|主动[^,.;!?\n]{0,4}咨询/.source,
    ],
    /\bprospect\b|\binbound inquiry\b|\b(?:new|inbound|fresh) (?:\w+ )?lead\b|\bfirst touch\b|\breferral\b|\binitial (?:outreach|contact)\b|\bcold (?:call|email)\b|\bintro call\b|\bearly days\b/
      .source,
  ),
];

/** 没签, 未报价, 不考虑: a negated cue states nothing. */
const NEGATED_BEFORE = /(?:没|没有|未|不|别|还没)(?:外出|出去|去)?$/;
/** 续签没成, 签约失败, 报价没通过: the event named did not come off. */
const NEGATED_AFTER = /^(?:[没未](?:成|能成|签成|谈成|通过|过)|失败|不成|没有成)/;
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
  // The length read once (see `clauses`).
  const length = text.length;
  while (i < length) {
    if (!isCjk(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd < length && isCjk(text.charCodeAt(runEnd))) runEnd++;
    let next = runEnd;
    while (next < length && isSpace(text.charCodeAt(next))) next++;
    if (next === runEnd || next === length || !isCjk(text.charCodeAt(next))) {
      i = runEnd;
      continue;
    }
    let nextEnd = next;
    while (nextEnd < length && isCjk(text.charCodeAt(nextEnd))) nextEnd++;
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

/** Channel and stage read the same clauses of a note. */
let lastClauses: { text: string; joined: string; parts: { text: string; start: number }[] } = { text: '', joined: '', parts: [] };

/**
 * All the channel rules' patterns in one (they share the `i` flag and have no back-references):
 * a clause it does not match holds no channel word, and is not scanned rule by rule.
 */
const CHANNEL_ANY = new RegExp(CHANNEL_RULES.map((r) => `(?:${r.re.source})`).join('|'), 'i');

/** `Kickoff call tomorrow`, `meeting next week`: a medium followed by when it will be. */
const LATER_AFTER = /^\s*(?:tomorrow|next\b|later\b|on (?:mon|tue|wed|thu|fri|sat|sun))/i;
/** 上次拜访后, 之前电话里: an earlier contact the note refers back to, not this one. */
const EARLIER_BEFORE = /(?:上次|上回|之前|此前|那次)$/;
/** 约了王总吃饭, 聊了…: the meal was set up and then held; what was talked about says so. */
const HELD_AFTER = /聊了|聊到|聊得|透露|席间|饭桌上|饭局上|期间/;

/**
 * The earliest channel word of the note that is not part of a plan, negated, asked about, an
 * instruction or said to happen later; at the same place, the rule listed first. Each rule's first
 * word in a clause is the one judged. Clauses are read in order and the first one with a word that
 * passes decides: a later clause can only hold later words. An earlier contact the note refers
 * back to (上次拜访后) counts only when no clause names another.
 */
function firstChannel(text: string): Channel | null {
  const { joined, parts } = clausesOf(text);
  let earlier: Channel | null = null;
  for (const part of parts) {
    const clause = part.text;
    if (!CHANNEL_ANY.test(clause)) continue;
    let found: Channel | null = null;
    let foundAt = clause.length;
    let earlierHere: Channel | null = null;
    let earlierAt = clause.length;
    for (const rule of CHANNEL_RULES) {
      const m = rule.re.exec(clause);
      if (!m || (m.index >= foundAt && m.index >= earlierAt)) continue;
      const before = clause.slice(0, m.index);
      const after = clause.slice(m.index + m[0].length);
      if (planned(before, m[0] + after.slice(0, 2)) && !(heldAfterAll(before) && HELD_AFTER.test(joined.slice(part.start + m.index))))
        continue;
      if (NEGATED_BEFORE.test(before) || QUESTION_AFTER.test(after) || LATER_AFTER.test(after)) continue;
      if (/[没未不]/.test(m[0])) continue;
      // `Call her tomorrow`: an instruction, not a call that happened.
      if (/^call$/i.test(m[0]) && /^\s+(?:her|him|them)\b/i.test(after)) continue;
      if (EARLIER_BEFORE.test(before)) {
        if (m.index < earlierAt) {
          earlierHere = rule.value;
          earlierAt = m.index;
        }
      } else if (m.index < foundAt) {
        found = rule.value;
        foundAt = m.index;
      }
    }
    if (found !== null) return found;
    earlier ??= earlierHere;
  }
  return earlier;
}

/** Whether 约了 is the only plan word before a cue, with no day named (约了下周二吃饭 is a plan). */
function heldAfterAll(before: string): boolean {
  return before.includes('约了') && !PLAN_MARKERS.test(before.replace(/约了/g, ''));
}

function clausesOf(text: string): typeof lastClauses {
  if (lastClauses.text !== text) {
    const joined = joinCjk(text);
    lastClauses = { text, joined, parts: clauses(joined) };
  }
  return lastClauses;
}

/** 下周发方案 inside the words of an event (方案下周发, 报价明天给): not done yet. */
const PLAN_INSIDE =
  /明天|后天|下周|下礼拜|下星期|(?:周|礼拜|星期)[一二三四五六日天末]|这周|本周|月底|年底|年后|\d+号|下个?月|下次|准备|(?<![施作目期线训付试进])计划|打算|争取|预计|月底前|回头|稍后|晚点|\bwill\b/i;
/** 需求待确认, 报价还要再出: still to be done (价格还要再谈 is a negotiation under way). */
const STILL_TO = /(?<![接招款对期])待|还要|还需|需要|要再/;
/** 今年不考虑了, 暂时不做了, 不考虑了明年再说: put off, not lost. */
const FOR_NOW_BEFORE = /(?:今年|暂时|暂|目前|近期|短期内|年内|这个?月|本月|这季度|本季度|眼下|先)$/;
const LATER_AGAIN = /明年|年后|以后|过段时间|过阵子|再说|再看|再议|再考虑|\bnext year\b|\bfor now\b/i;
/** 能不能签, 报价什么时候能出, can we get it signed: a question states nothing. */
const QUESTION_BEFORE =
  /能不能|能否|是否|可不可以|有没有|会不会|要不要|什么时候|何时|多久|\b(?:can|could|will|would|should) (?:we|they|you)\b|\bwhether\b|\bwhen\b/i;
/** 如果价格合适就签, if the pricing works they'll sign: a condition states nothing. */
const CONDITION_BEFORE = /如果|假如|假设|要是|只要|一旦|万一|若是|\bif\b|\bonce\b|\bunless\b/i;
/** 希望这周能签下来, 担心被截胡, hoping to close: a wish or a worry (a customer's demand is a negotiation). */
const WISH_BEFORE = /希望|担心|怕|期待|盼|但愿|\bhop(?:e|ing)\b|\bwant(?:s|ed)? to\b|\btry(?:ing)? to\b|\bworried\b/i;
/** 等客户确认需求: waiting for it to happen. */
const WAIT_BEFORE = /等[^了过]{0,6}$/;
/** 竞品报价了, 友商去讲过方案了, the competitor sent them a quote: another party's event. */
const OTHER_PARTY = /竞品|友商|对手|别家|客户的客户|他们的客户|\bcompetitor|\brival/gi;
/** 竞争对手报了55万 我们的报价已发: a later 我们 brings the subject back to us. */
const US = /我们|我司|我方|咱们|\bwe\b|\bour\b/gi;

function lastAt(re: RegExp, text: string): number {
  let at = -1;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) at = m.index;
  return at;
}

function byOtherParty(text: string): boolean {
  const other = lastAt(OTHER_PARTY, text);
  return other >= 0 && other > lastAt(US, text);
}
/** 报价单模板, 签约流程: the cue word names a thing, not an event. */
const NOUN_AFTER = /^单?(?:模板|格式|系统|功能|流程|模块|制度|规范|\s*templates?\b)/i;
/** Negations a negotiation states itself (价格谈不拢 is still being negotiated). */
const HAGGLE_NEGATION = /谈不拢|没谈拢|没谈妥|没谈下来|谈不下来/g;

/**
 * Every stage's cues in one alternation, latest stage first: one scan of a clause finds where the
 * cues of all stages start (seven scans and a filter cost twice as much). Which stage a cue
 * belongs to is the first of `STAGE_AT` that matches where it starts, so the scan needs no
 * groups, which cost an object per match. It is split by the characters the cues start with
 * (`byFirstChar`): at most characters of a clause no cue starts, and where one does, only the
 * few cues that start with that character are tried.
 */
export const STAGE_ANY_SOURCE = STAGE_RULES.map((rule) => rule.re.source.replace(/\(\?<done\d+>/g, '(?:')).join('|');
const STAGE_ANY = byFirstChar(STAGE_ANY_SOURCE, 'i');
/** The same without the English cues, for a clause with no Latin letter (most): they cannot match it. */
export const STAGE_ANY_CJK_SOURCE = STAGE_RULES.map((rule) => rule.cjk.replace(/\(\?<done\d+>/g, '(?:')).join('|');
const STAGE_ANY_CJK = byFirstChar(STAGE_ANY_CJK_SOURCE, 'i', true);
const LATIN = /[A-Za-z]/;
const STAGE_AT = STAGE_RULES.map((rule) => new RegExp(rule.re.source, 'iy'));

/**
 * Whether a stage cue found in a clause states a fact: not a plan, question, condition, wish,
 * wait or request, not negated, and not another party's event.
 */
function statesFact(value: Stage, m: RegExpExecArray, clause: string, end: string): boolean {
  const cue = m[0];
  const before = clause.slice(0, m.index);
  const after = clause.slice(m.index + cue.length);
  if (planned(before, cue) || PLAN_INSIDE.test(cue) || (value !== 'negotiation' && STILL_TO.test(cue))) return false;
  if (NEGATED_BEFORE.test(before) || NEGATED_AFTER.test(after) || QUESTION_AFTER.test(after) || end === '?') return false;
  if (CONDITION_BEFORE.test(before) || /的话/.test(after.slice(0, 6))) return false;
  if (value !== 'negotiation' && (WISH_BEFORE.test(before) || QUESTION_BEFORE.test(before + cue))) return false;
  if (WAIT_BEFORE.test(before) || NOUN_AFTER.test(after) || /模板|格式|template/i.test(cue)) return false;
  if (value !== 'lost' && byOtherParty(before + cue)) return false;
  // Only the soft refusals (不考虑了, 不做了): 项目暂时放弃 still gives the deal up.
  if (value === 'lost' && /^不|\bnot\b/.test(cue) && (FOR_NOW_BEFORE.test(before) || LATER_AGAIN.test(after))) return false;
  if (!cue.endsWith('了') && PLAN_AFTER.test(after)) return false;
  if (REQUEST_AFTER.test(after)) return false;
  // 周五前把报价单整理好: a 把 instruction with nothing done (已经把报价单发过去了 is done).
  if (/把\s*$/.test(before) && !/[已刚]/.test(before) && !/了/.test(cue + after.slice(0, 8))) return false;
  // 需求还没确认, 价格还没谈: a negation inside the cue (lost cues say 不要了 themselves).
  if (
    value !== 'lost' &&
    /[没未不]/.test(value === 'negotiation' ? (cue + after.slice(0, 2)).replace(HAGGLE_NEGATION, '').slice(0, cue.length) : cue)
  )
    return false;
  // 报价单发他, 方案给王总: an event composed of a thing and a verb must read as done or under way.
  if (m.groups && Object.values(m.groups).some(Boolean) && !DONE.test(before.slice(-3) + cue + after.slice(0, 6))) return false;
  return true;
}

/** The stage the note puts the customer in: the latest stage stated as a fact in any clause. */
function stageOf(text: string): Stage | null {
  const { joined, parts } = clausesOf(text);
  let best = STAGE_RULES.length;
  for (const part of parts) {
    const clause = part.text;
    const any = LATIN.test(clause) ? STAGE_ANY : STAGE_ANY_CJK;
    // The next cue may start inside this one (价格没谈 is refused, 价格没谈妥 is not): from + 1.
    for (let from = nextMatchAt(any, clause, 0); from >= 0; from = nextMatchAt(any, clause, from + 1)) {
      // The stages whose cue starts here, latest first; a refused one leaves the others a chance
      // (签约流程 is no signing, and an earlier stage's cue may start at the same place).
      for (let stage = 0; stage < best; stage++) {
        const at = STAGE_AT[stage] as RegExp;
        at.lastIndex = from;
        const n = at.exec(clause);
        if (n && statesFact(STAGE_RULES[stage]?.value as Stage, n, clause, joined[part.start + clause.length] ?? '')) {
          best = stage;
          break;
        }
      }
      if (best === 0) return STAGE_RULES[0]?.value ?? null;
    }
  }
  return STAGE_RULES[best]?.value ?? null;
}

/** How the contact happened: the earliest channel word that is not part of a plan. */
export function findChannel(text: string): Channel | null {
  return firstChannel(text);
}

/**
 * A field that names a stage and nothing else: a template's `阶段: 报价` or a jotting's
 * `| 新线索 |`. Standing in a stage field, a bare stage name states it (`方案` is the proposal stage);
 * a value with anything more (方案下周发, 未报价) is read as a clause instead.
 */
const STAGE_NAMES: [Stage, RegExp][] = [
  ['lead', /^(?:新?线索|潜在客户|意向客户|初次接触|初步接触|首次接触|(?:new )?lead|prospect(?:ing)?)$/i],
  ['qualified', /^(?:需求(?:已经?)?确认|已?确认需求|需求明确|商机确认|qualified|qualification)$/i],
  ['proposal', /^(?:方案|方案已发|已发方案|方案评估|方案评审|方案沟通|proposal(?: sent)?)$/i],
  ['quote', /^(?:报价|已报价|报价中|报价已发|已发报价|quote(?:d| sent)?|quotation)$/i],
  ['negotiation', /^(?:谈判|谈判中|商务谈判|价格谈判|合同谈判|议价|议价中|商务洽谈|negotiation|negotiating)$/i],
  ['won', /^(?:成交|已成交|赢单|签约|已签约|签单|已签单|won|closed[- ]won)$/i],
  ['lost', /^(?:输单|丢单|已丢单|流失|已流失|lost|closed[- ]lost)$/i],
];

/** The stage a field's whole value names (`商务谈判`, `已报价阶段`, `Stage 3 - Quote` is not one), or null. */
export function stageNamed(value: string): Stage | null {
  const name = value
    .trim()
    .replace(/^(?:当前|目前|已进入)\s*/, '')
    .replace(/\s*(?:阶段|stage)$/i, '')
    .trim();
  for (const [stage, re] of STAGE_NAMES) if (re.test(name)) return stage;
  return null;
}

/**
 * A jotting's fields between bars (`GT新材 | 新线索 | 官网留言`): one that is a stage name. With no
 * label to say so, a bare 方案 or 报价 may be the thing to do next (`| 报价 | 明天发`): not counted.
 */
function stageInFields(text: string): Stage | null {
  for (const part of text.split(/[|\n]/)) {
    // `| 阶段: 方案 |`: a field with the stage's own label names it, bare noun or not.
    const field = part.replace(STAGE_LABEL, '');
    const stage = field === part && BARE_NOUN.test(field.trim()) ? null : stageNamed(field);
    if (stage) return stage;
  }
  return null;
}
const STAGE_LABEL = /^\s*(?:[\u4e00-\u9fa5]{0,2}阶段|状态|进展|进度|stage|status)\s*[:：]/i;
const BARE_NOUN = /^(?:方案|报价|签约|签单|谈判|线索|proposal|quote|quotation|lead)$/i;

/** The stage the note puts the customer in; plans (下周发方案) do not count. */
export function findStage(text: string): Stage | null {
  return stageOf(text) ?? (text.includes('|') ? stageInFields(text) : null);
}

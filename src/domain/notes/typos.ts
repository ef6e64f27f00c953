/**
 * Pinyin-input slips that reps leave in notes: a near-homophone picked from the candidate list
 * (威信 for 微信, 拜方 for 拜访, 报价以发 for 报价已发). Each pair is a CRM word and a slip that is
 * not a word a note would otherwise use; the rules read the corrected text, the summary keeps
 * what the rep wrote.
 */
const SLIPS: [RegExp, string][] = [
  [/威信|维信|薇信|徽信|微心/g, '微信'],
  [/拜方|拜仿|白访|摆访|败访/g, '拜访'],
  [/回防|回仿/g, '回访'],
  [/电化|点话|电活/g, '电话'],
  // 电连 for 电联 (not 电连接, a wire's), 视屏 for 视频, 有件 for 邮件 before sending (not 有件事).
  [/电连(?!接)/g, '电联'],
  [/视屏/g, '视频'],
  [/有件(?=发给|发了|已发|发过去)/g, '邮件'],
  [/(?<=打了?[个通]?)点话/g, '电话'],
  [/连系|联习/g, '联系'],
  [/须求|需球/g, '需求'],
  [/方安|方按/g, '方案'],
  [/保价(?=单|已|发|太|贵|给|收|了)/g, '报价'],
  [/合铜/g, '合同'],
  // 和同 for 合同 where a contract word follows (not 和同事, 和同行).
  [/和同(?=条款|金额|额|已|还在|在谈|原件|签|到期|[,.;!?\s]|$)/g, '合同'],
  [/签越/g, '签约'],
  [/现索/g, '线索'],
  // 成教 (adult education, 成教中心) is 成交 only as a thing done: 已经成教了.
  [/成教(?=了|啦)/g, '成交'],
  // 以 for 已 only before the verbs of a stage (以经, 以签, 以发, 以确认), never in 可以 / 所以.
  [/(?<![可所难得予用加足])以(?=经|签|发|确认|付|收到|回款|报价|谈)/g, '已'],
  [/还再谈/g, '还在谈'],
  [/丢但|丢担/g, '丢单'],
  [/签越/g, '签约'],
  [/新线锁/g, '新线索'],
  [/却认(?!为)/g, '确认'],
  [/视屏(?=会|通话|沟通|聊)/g, '视频'],
  [/(?<=腾讯|飞书|钉钉|视频|线上)会意/g, '会议'],
  [/邮建/g, '邮件'],
  [/包价(?=已|单|发|给)/g, '报价'],
  [/竟品/g, '竞品'],
  [/接处/g, '接触'],
  [/谈盘/g, '谈判'],
  // 3天候 for 3天后; 三是万 for 三十万 (是 between a numeral and its unit).
  // 价 typed as 加/架 in 报价 and 比价 (报加单, 报架收到了, 比架), where a quote word follows;
  // 价个 for 价格 (谈了谈价个), not 价个位数.
  [/(?<![汇周日月年简情申通电预])[报保包][加架](?=单|已|发|给|收|太|贵|还在|在比|过去)/g, '报价'],
  [/比架/g, '比价'],
  [/(?<![报单])价个(?![位把别])/g, '价格'],
  // 保价 (price protection) is a word of its own; after 的 or 比 it is 报价 (几家的保价).
  [/(?<=[的比])保价(?![费期天险服政\d])/g, '报价'],
  // 钱 for 签 (qian) after 合同, 已 or 刚 (合同已经钱了, 刚钱了合同) and in 钱约; never after a
  // verb or word that takes money (付钱了, 花钱约).
  [/(?<=合同|已|已经|刚)钱(?=了|约|单|合同|下来)/g, '签'],
  [/(?<![付给交收赚花挣有没的少多价笔块])钱约/g, '签约'],
  [/签月(?=了|成功|完成|!|啦)/g, '签约'],
  [/盒同/g, '合同'],
  [/确任/g, '确认'],
  [/月低(?!于)/g, '月底'],
  // 右键 (right-click) for 邮件 where it is sent or read: 发了右键, 右键发给, 右键里说.
  [/(?<=发了?[个封一]?|回了?[个封]?|通过|用)右键|右键(?=给|发|里|回复|说)/g, '邮件'],
  // Pinyin left unconverted between Chinese words (今天dianhua联系了, xuqiu确认, 下周二baifang).
  [/\bdianhua\b/gi, '电话'],
  [/\bweixin\b/gi, '微信'],
  [/\bbaifang\b/gi, '拜访'],
  [/\bxuqiu\b/gi, '需求'],
  [/\bbaojia\b/gi, '报价'],
  [/\bfang'?an\b/gi, '方案'],
  [/\bhetong\b/gi, '合同'],
  [/\bqianyue\b/gi, '签约'],
  [/\byoujian\b/gi, '邮件'],
  // Round 10: 房案 for 方案, 电画 for 电话, 腾训 for 腾讯, 坦判 for 谈判, 白方 for 拜访 (not 黑白方),
  // 成角了 for 成交了 (成角 alone is an angle), 保家单 for 报价单.
  [/房案/g, '方案'],
  [/电画/g, '电话'],
  [/腾训|疼讯|藤讯/g, '腾讯'],
  [/坦判|弹判/g, '谈判'],
  [/(?<![黑红蓝对])白方(?![向面位])/g, '拜访'],
  [/成角(?=了|啦)/g, '成交'],
  [/保家(?=单)/g, '报价'],
  // The time and the day a date is read from: 下无三点 for 下午三点, 下粥二 for 下周二, 周无 for 周五
  // where the day is followed by what happens on it (本周无进展 is no day).
  [/([上下])无(?=\s*[\d一二两三四五六七八九十]{1,3}\s*[点时:])/g, '$1午'],
  [/([下这本上])粥(?=[一二三四五六日天末])/g, '$1周'],
  [/((?:周|星期|礼拜))无(?=[再在去来见约打回前给发,.;!?\s]|$|[上下]午|早上|晚上)/g, '$1五'],
  [/([\d一二三四五六七八九十两]天)候/g, '$1后'],
  [/([一二三四五六七八九两])是([万千])/g, '$1十$2'],
];

/**
 * All slips at once: most notes have none and cost one scan. The slips' own patterns without
 * their lookbehinds and leading classes (点话 for 打了点话, 天候 for 3天候, 是万 for 三是万): it
 * matches wherever one of them does (and a little more, which the replacements then leave
 * alone), and as plain words it scans in half the time or less. A new slip goes in both lists.
 */
const ANY_SLIP =
  /威信|维信|薇信|徽信|微心|拜方|拜仿|白访|摆访|败访|回防|回仿|电化|点话|电活|连系|联习|须求|需球|方安|方按|保价|合铜|以(?:经|签|发|确认|付|收到|回款|报价|谈)|还再谈|丢但|丢担|签越|新线锁|却认|视屏|会意|邮建|包价|竟品|接处|谈盘|天候|是[万千]|和同|现索|成教|电连|有件|[报保包][加架]|比架|价个|钱(?:了|约|单|合同|下来)|签月|盒同|确任|月低|右键|房案|电画|腾训|疼讯|藤讯|坦判|弹判|白方|成角|保家|[上下]无|粥|周无|星期无|礼拜无|[Dd]ianhua|[Ww]eixin|[Bb]aifang|[Xx]uqiu|[Bb]aojia|[Ff]ang'?an|[Hh]etong|[Qq]ianyue|[Yy]oujian/;

export function fixTypos(text: string): string {
  if (!ANY_SLIP.test(text)) return text;
  let out = text;
  for (const [re, to] of SLIPS) out = out.replace(re, to);
  return out;
}

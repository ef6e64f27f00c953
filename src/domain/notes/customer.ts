import { looksLikePersonName, ORG_WORD_EN, type ContactMention } from './contact.js';
import { isGivenName, isSurname, ORG_WORDS_EN } from './english-names.js';
import { withFirstChars } from './first-chars.js';
import { cutDepartment, isClinicName, isFunctionUnit, isUnitWord, isWordBoundary, trimNameEdges } from './name-structure.js';
import { cutToOrgHead, hasPredicateInside, nameStartBefore, spanFrom, type Span } from './org-spans.js';
import { isClauseEnd } from './normalize-text.js';
import { isCommonPredicate, isDictionaryPair, isPlaceWord, segmentDictionary, watchPairsOf } from './segmenter.js';

/**
 * Industry heads that end a company's name as often as a legal ending does (福瑞德机电, 晟通电梯,
 * 瑞丰印务, 青屿县人民政府, 驰骋汽车服务), and that a note rarely uses as a plain noun. Compounds come
 * before their parts: the alternation takes the first that fits, not the longest.
 */
const INDUSTRY_HEADS =
  '汽车服务|酒店管理|物业管理|物业服务|企业管理|餐饮管理|人民政府|市政府|区政府|县政府|镇政府|街道办事处|街道办|中医院|影城|影院|机电|渔业|新材|电梯|印务|印业|冷链|停车|货运|速递|快运|船务|货代|汽修|驾校|车行|装饰|园林|家政|保洁|鞋业|果业|铝业|铜业|泵业|管业|煤业|影业|出版社|电视台|协会|商会|俱乐部|工作室|商行|商城|测绘|地信|优选|优品|口腔|齿科|医美|酒楼|宾馆|民宿|酒家|饭店|物联|网科|数科|智造|智控|会展|托育|康养|童装|进出口|工贸|经贸|置地|幕墙|环卫|热力|供热';
const INDUSTRY_TAIL = new RegExp(`(?:${INDUSTRY_HEADS})$`);
/** Endings that mark an organisation name: 云帆科技, 招商银行, 光明乳业, 杭州西湖文旅. */
const ORG_SUFFIXES =
  INDUSTRY_HEADS +
  '|集团公司|有限公司|公司|集团|科技|银行|证券|电子|化工|软件|物流|地产|乳业|啤酒|速运|快递|文旅|体育|医院|学校|大学|学院|研究院|研究所|股份|实业|贸易|制造|汽车|能源|传媒|网络|信息|咨询|保险|基金|食品|药业|制药|医药|电器|电气|机械|建设|建工|工程|置业|酒店|餐饮|航空|通信|通讯|半导体|光电|材料|环保|教育|资本|投资|控股|商贸|服饰|服装|家居|百货|超市|商场|物业|广告|文化|影视|游戏|电商|数据|智能|机器人|生物|健康|医疗|纺织|钢铁|矿业|石化|石油|电力|水务|燃气|港口|航运|信托|租赁|农业|牧业|物产|国际|家具|陶瓷|化学|新能源|光伏|电池|仪器|设备|装备|动力|重工|船舶|建材|水泥|印刷|包装|造纸|出版|旅游|旅行社|律所|事务所|诊所|药房|连锁|酒业|茶业|饮料|粮油|日化|美妆|母婴|汽配|轮胎|电缆|五金|照明|安防|消防|环境|节能|城投|城建|管委会|光学|文具|器械|服务中心|中心|工厂|厂|配件|精机|精密|农商行|农商银行|信用社|幼儿园|幼教|中学|小学|公安局|税务局|教育局|财政局|卫健委|人社局|交通运输局|运输局|交通局|住建局|规划局|商务局|民政局|水利局|生态环境局|环保局|统计局|审计局|市监局|发改局|应急局|气象局|工信局|文旅局|司法局|医保局|数据局|城管局|农业农村局|自然资源局|林业局|粮食局|邮政局|供电局|房管局|大药房|模具|纸业|家纺|农机|钢构|游艇会|市政|监管局|管理局|科学院|农科院|社科院|科院|设计院|规划院|书院|法院|检察院|卫生院|保健院|疗养院|美容院|养老院|福利院|零部件|港务';
/**
 * One ending, for the scans that try it at many offsets: led by a lookahead on the endings' first
 * characters (`withFirstChars`), so most offsets fail one class test instead of ~300 alternatives.
 */
const ORG_SUFFIX = withFirstChars(ORG_SUFFIXES);
const LEGAL_TAIL = '(?:股份有限公司|有限责任公司|有限公司|分公司|公司)?';
/** 远东国际货运宁波分公司: a branch named by its place after the company's name is part of it. */
const BRANCH_TAIL = '(?:[\\u4e00-\\u9fa5]{2,3}?(?:分公司|分行|支行))?';
/** Starts where no Chinese precedes, or after 了 ending a verb (代理商鸿业信息拿下了宜美乐家居: the first match ends before it). */
const ORG_RE = new RegExp(`(?:(?<![\\u4e00-\\u9fa5])|(?<=了))[\\u4e00-\\u9fa5]{1,20}?(?:${ORG_SUFFIX})+${BRANCH_TAIL}${LEGAL_TAIL}`, 'g');
const SUFFIX_ONLY = new RegExp(`^(?:${ORG_SUFFIXES})+$`);
/** Last characters of the endings: a name ending otherwise skips the long alternation. */
const ORG_TAIL_LAST = new Set(ORG_SUFFIXES.split('|').map((w) => w[w.length - 1]));
const hasOrgTail = (name: string) => ORG_TAIL_LAST.has(name[name.length - 1]) && ORG_TAIL.test(name);
/** Trailing organisation endings: `云帆物流` → `云帆` when matching known customers. */
export const ORG_TAIL = new RegExp(`(?:${ORG_SUFFIX})+${LEGAL_TAIL}$`);

/** Words that open a note or a clause but are not part of a name. Stripped repeatedly from the front. */
const LEAD_WORD_LIST =
  '一趟|一下|今天|今日|昨天|昨日|刚才|刚刚|上午|下午|晚上|早上|中午|好消息|坏消息|又|再次|再|和|跟|与|同|给|对|去|到|在|向|帮|约了|约|陪同|拜访了|拜访|走访了|走访|见了|见|联系了|联系|跟进了|跟进|电话回访|回访了|回访|微信跟进|微信联系|微信|电话联系|电话|电联|致电|打电话给|打给|发邮件给|发邮件|邮件给|邮件|视频会议|线上会议|老客户|新客户|大客户|客户|新线索|线索|上门|一起|和客户|的|联系人|对接人|顾客|一下|明天|后天|大后天|陪同领导|领导|腾讯会议|飞书会议|钉钉会议|会议|去了一趟|去了趟|去了|听说|嗯那个|那个|这个|就是|然后|一早|一大早|今早'.split(
    '|',
  );
/** Longest first, so 跟进 is stripped whole rather than as 跟 + 进. */
const LEAD_WORDS = new RegExp(
  `^(?:${LEAD_WORD_LIST.filter((w) => w.length > 1)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\s*`,
);
/** A verb or preposition inside a run (领导拜访了中铁建工集团): the name starts after the last one. */
const CUT_AFTER =
  /(?:了一下|一下|了|拜访了|拜访|走访了|走访|见了|见到|去了趟|去了|联系了|联系|致电|电联|回访|跟进|约了|打电话给|发邮件给|名叫|叫|给|跟|和|与|向|到|去)(?=[\u4e00-\u9fa5A-Za-z])/g;
const FIRST_CONTACT = /^(?:第一次|初次|首次)?接触了?\s*/;
/** Times that open a run: 明天上午10点跟… */
const LEAD_TIME = /^(?:\d{1,2}(?::\d{2}|点半?|点\d{1,2}分?)|[一二三四五六七八九十两]{1,3}点半?)\s*/;
/** A role, not an organisation: 采购经理, 技术负责人. */
const ROLE_TAIL =
  /(?:经理|总监|主任|助理|负责人|采购|老板|秘书|团队|部门|同事|领导|对接人|联系人|客户|顾客|前台|客服|店长|老板娘|[场店厂园矿]主|[部处科局院校厂所站队场馆社会村组]长|(?:^|[^A-Za-z])(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|HR|PM|manager|head|director))$/;
/**
 * Who a B2C note is about, not an organisation: 散客, 门店, walk-in, 学员, 朋友介绍的 (the contract:
 * no organisation, no customer). A name that opens with one of these is a kind of visitor.
 */
const VISITOR_START =
  /^(?:散客|个人|个体|门店|店里|店面|到店|来店|进店|展厅|展会|[Ww]alk-?in|学员|家长|会员|游客|顾客|路人|朋友|熟人|同事|邻居|亲戚|老乡|网友|粉丝|宝妈|宝爸|网上|线上咨询|电话咨询|在线咨询)/;
/** 高同学, 郑先生夫妇: a person described, not an organisation (the last two characters, no scan). */
const VISITOR_END = new Set('同学|学员|妈妈|爸爸|夫妇|夫妻|一家'.split('|'));
const isVisitor = (name: string) => VISITOR_END.has(name.slice(-2)) || VISITOR_START.test(name);
/** 在公司, 回公司, 她表姐的公司: where the rep was or whose it is, not an organisation; 体验课: a session, not who runs it. */
const NOT_AN_ORG_BEFORE = /(?:^|[在回到去离出进的]|代表|我们|我司)$/;
const notAnOrg = (name: string) =>
  /[课里]$/.test(name) || ((name.endsWith('公司') || name.endsWith('单位')) && NOT_AN_ORG_BEFORE.test(name.slice(0, -2)));
/** `京东方的子公司京东方健康`, `中粮集团下属的中粮可口可乐`: the subsidiary is the customer. */
const PARENT_BEFORE = /^.*?(?:的子公司|子公司|旗下的|下属的|旗下|下属|控股的)(?=[\u4e00-\u9fa5A-Za-z]{2})/;
const PARENT_WORD = /子公司|旗下|下属|控股的/;
const SUBSIDIARY = /(?:子公司|旗下的?|下属的?)([\u4e00-\u9fa5A-Za-z]{2,16}?)(?=[,.;!?\s]|的|$)/g;
/** `物资部` in 中石化物资部: a department, not part of the customer's name. */
const DEPARTMENT_TAIL = /[\u4e00-\u9fa5]{2}(?:部|处|科|室|组)$/;
const TAIL_WORDS =
  /(?:的|是|说|那边|这边|方面|这家|那家|公司的|说|一起|打电话|打了电话|通电话|视频会议|开会|沟通|交流|聊了|见面|吃饭|出来|回来|过来|那里|那儿|这里|他们|她们|见了|见到了?|拜访了|找了|找|约|问|陪)$/;
/** The last characters of TAIL_WORDS: a name ending otherwise skips its scan (it tries every offset). */
const TAIL_WORD_LAST = new Set('的是说边面家起话议会通流了饭来里儿们到找约问陪');
/** Candidates that are words, not names. */
const BRANCH = /^[\u4e00-\u9fa5]{2,4}(?:分公司|分行|支行|分院|办事处|公司)$/;
/** 总部, 物流板块, 华东事业部: a unit of the company named before it, not the customer. */
const ORG_UNIT = /^(?:[\u4e00-\u9fa5]{0,4}(?:总部|板块|事业部|事业群|分部|本部|部门|项目组)|[\u4e00-\u9fa5]{2}部)$/;
const NOT_NAMES = new Set([
  '对接',
  '对方',
  '他们',
  '我们',
  '我司',
  '贵司',
  '甲方',
  '乙方',
  '客户方',
  '继续',
  '联系',
  '沟通',
  '再说',
  '见面',
  '开会',
  '回复',
  '确认',
  '联系人',
  '对接人',
  '跟进',
  '客户',
  '今天',
  '没有',
  '我们',
  '他们',
  '对方',
  '公司',
  '集团',
  '领导',
  '老板',
  '合同',
  '报价',
  '方案',
  '需求',
  '预算',
  '项目',
  '技术',
  '产品',
  '样品',
  // a form of address alone (老师说…) is a person, not an organisation
  '老师',
  '医生',
  '律师',
  '经理',
  '主任',
  '院长',
  '校长',
  '园长',
  // 姓名欧阳敏: the label of a form, before the person.
  '姓名',
]);

/** `领导拜访了中铁建工集团` → `中铁建工集团`, unless what follows would not be a name (中和集团 stays). */
/** 协和, 中和, 了解: the single-character verb at `i` makes a dictionary word with a neighbour. */
watchPairsOf('了给跟和与向到去叫');
function insideWord(name: string, i: number): boolean {
  const c = name[i] ?? '';
  return isDictionaryPair(name[i - 1] ?? '', c) || isDictionaryPair(c, name[i + 1] ?? '');
}

/** 碰到, 楼上: where the rep met them opens a run too; a second scan, only for names holding one of their characters. */
const CUT_AFTER_MET = /(?:碰到|遇到|碰见|遇见|楼上|楼下|隔壁|对面)(?=[\u4e00-\u9fa5A-Za-z])/g;
const MET_CHARS = /[碰遇楼隔对]/;

function cutAfterLastVerb(name: string, note: string): string {
  let cut = name;
  // The rest after the last verb (or place of meeting) that leaves a name of two characters or more.
  let cutAt = -1;
  if (MET_CHARS.test(name)) {
    CUT_AFTER_MET.lastIndex = 0;
    for (let m = CUT_AFTER_MET.exec(name); m; m = CUT_AFTER_MET.exec(name)) {
      const rest = name.slice(m.index + m[0].length).trim();
      if (charCount(rest) >= 2 && !SUFFIX_ONLY.test(rest)) {
        cut = rest;
        cutAt = m.index;
      }
    }
  }
  // Only a verb that is a word of its own in the note: 协和医院 keeps its 和.
  const pos = note.indexOf(name);
  CUT_AFTER.lastIndex = 0;
  for (let m = CUT_AFTER.exec(name); m; m = CUT_AFTER.exec(name)) {
    if (pos >= 0 && m[0].length === 1 && insideWord(name, m.index)) continue;
    const rest = name.slice(m.index + m[0].length).trim();
    if (charCount(rest) >= 2 && !SUFFIX_ONLY.test(rest) && m.index > cutAt) cut = rest;
  }
  return cut;
}

export type CustomerCandidate = { name: string; index: number; score: number };

/** A capitalised Latin word right before a Chinese name, with no space (`Tesla上海超级工厂`). */
const LATIN_GLUED = /(?<![A-Za-z\u00c0-\u024f])([A-Z][A-Za-z\u00c0-\u024f&'.-]*[A-Za-z\u00c0-\u024f])$/;
const NAMED_AS = new RegExp(`(?:名叫|名字叫|叫做|叫)([\\u4e00-\\u9fa5]{1,12}?(?:${ORG_SUFFIX})+)`, 'g');
/** Tags and a short exclamation before the opening name (`#回款 签约了!`), blanked out before it is read. */
const OPENING_LEAD = /^(?:#\S+\s*)*(?:[\u4e00-\u9fa5]{1,4}[!:：]\s*)?/;
/** The first word of a space-separated jotting (at least two more words follow). */
const SPACED_OPENING = /^([\u4e00-\u9fa5A-Za-z0-9]{2,16}) +([^\s]+) +[^\s]/;
const JOTTED_CHANNEL = /^(?:电话|电联|微信|拜访|上门|面谈|见面|邮件|来电)$/;
/** What may follow the opening organisation of a jotting: what was done, agreed or lost, or the system sold. */
const JOTTED_NEXT =
  /^(?:电话|电联|微信|拜访|上门|面谈|见面|邮件|来电|签|已签|选了|选择了|最后|丢|报价|方案|需求|合同|初次接触|首次接触|第一次|新线索|线索|流失|成交|中标|\d+家)|(?:系统|平台|软件|项目)$/;
/** A jotting that opens with a day or time (周五 电话 …) opens with no organisation. */
const TIME_WORD = /^(?:[上下本这]?周|星期|礼拜|今[天早晚日]|明[天早晚日]|后天|昨[天晚]|前天|月底|上午|下午|晚上|早上|中午)|[号日点]$/;
const CLAUSE_OUTCOME_WORDS = /选了|选择了|签了|已签|丢了|成交|签约了|流失|中标/;
const CLAUSE_SUBJECT =
  /[,.;!?\n:：]\s*[“"‘']?([A-Za-z\u4e00-\u9fa5][A-Za-z\u4e00-\u9fa5&']{2,14}?)[”"’']?\s?(?=选了|选择了|签了|已签|丢了|成交|签约了|流失|中标)/g;
const SPACED_STATUS =
  /^(?:签约成功|签约|签单|成交|中标|丢单|流失|拿下|赢单|输单)[!了啦]*\s+([\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z0-9]{1,15})\s+\S/;
const OPENING_NAME =
  /^\s*[“"‘']?([\u4e00-\u9fa5]{2,10}?)[”"’']?(?=选了|选择了|签了|已签|已经|丢了|说|来电|那边|这边|的(?:单子|项目|合同)|成交|签约|流失|丢单|中标)/;

/** 红枫科技财务部: an organisation with its department, not a department alone. */
const ORG_BEFORE_UNIT = new RegExp(`[\\u4e00-\\u9fa5A-Za-z]{2,}${ORG_SUFFIX}.{1,6}$`);
/** A role between the company and the person: 采购总监柏总, 生产副总武总, 电商部负责人司马经理. */
const ROLE_BEFORE_PERSON =
  /(?:的[\u4e00-\u9fa5A-Za-z ]{0,6}?|(?:生产|采购|技术|设计|销售|市场|研发|财务|运营|品牌|公关|产品|项目|招商|客服|IT|HR|人事|行政|创意)?)(?:总经理|副总经理|副总裁|副总|董事长|董事|总裁|总监|主管|负责人|经理|专员|助理|采购|店长|老板娘|老板|创始人|前台|客服|运营|[厂院校园行局处科部所站队社]长|[\u4e00-\u9fa5]{1,3}师|顾问|合伙人|代表|一把手|二把手|\s*\b(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|manager|head|director))(?:的?(?:老婆|老公|爱人|夫人|太太|媳妇|儿子|女儿|父亲|母亲))?$/;
/** The last characters of those roles: most names end otherwise and skip the regex. */
const ROLE_LAST_CHARS = new Set('总监管人理员购长板台服营师问表事裁婆公太妇子儿亲手OPMrdD');
/** `德国客户Becker`, `日本客户星野精机`, `老客户钱阿姨`: a label before the name. */
const CUSTOMER_LABEL = /^[\u4e00-\u9fa5]{0,3}(?:客户|用户)(?=[\u4e00-\u9fa5A-Za-z])/;
/** Endings of a unit inside an organisation: 信息科, 蔬菜所, 执法大队, 畜牧站, 调度中心, 科教股, 立案庭. */
const UNIT_END = /[部科处室组股庭所站队]$|中心$/;
/** A role between the organisation and the person in a spaced note: 区域采购, 产品VP, 客服主管. */
const ROLE_WORD =
  /(?:采购|经理|总监|主管|负责人|前台|客服|助理|专员|店长|(?:^|[^A-Za-z])(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|HR|PM|manager|head|director|lead))$/;
/** A word that is only a role (区域采购, 产品VP), not an organisation with its role (福耀玻璃的IT总监). */
const isRoleWord = (w: string) => ROLE_WORD.test(w) && !w.includes('的') && [...w].length <= 6;
/** CRM words inside a run say it is a phrase, not a name (`报价下周三发`, `方案已发`). */
const CRM_IN_NAME = /报价|方案|合同|预算|需求|已发|已签|签约|回款|价格|下周|明天|后天|月底|打电话|联系人|线索|接触|成交|签单|丢单|流失/;

/** 装修客户, 健身房老会员, 一个宝妈, 一对新人: a kind of customer or person ends the run before the person. */
const KIND_OF_PERSON_END = new Set('客户|顾客|会员|用户|业主|租户|车主|患者|病人|宝妈|宝爸|新人|新娘|新郎'.split('|'));
const isKindOfPerson = (name: string) => KIND_OF_PERSON_END.has(name.slice(-2)) || /^[上下]?一[个位名]/.test(name);
/** Organisations a note names beside the customer: a partner, a channel, a competitor. */
const NOT_THE_CUSTOMER = /^(?:合作伙伴|合作方|渠道商|代理商|集成商|竞争对手|竞品|友商)/;
/** A time that opens a description: 上个月买车的, 去年装修的. */
const TIME_OPENING = /^(?:上个?月|上周|上次|这次|去年|前年|今年|之前|以前|前几天|前段时间|原来)/;
/** 周二再 (约徐总): a day and what is to happen on it, after the verbs are cut. */
const DAY_OPENING = /^(?:[上下本这]?周[一二三四五六日天末]|星期|礼拜)/;
const TIME_ENDING = /(?:上次|这次|上个?月|去年|之前|以前|原来)$/;
/** 集团IT, 公司财务, 工厂的: the organisation's word for itself with a unit, no name. */
const BARE_ORG_UNIT =
  /^(?:集团|公司|总部|工厂|厂里|本部)?(?:IT|HR|PR|QA|EHS)$|^(?:集团|公司|总部|工厂|厂里|本部)(?:财务|采购|技术|信息|行政|人事|法务|领导)?$/;
/** 我们出软件, 想换公司: a verb and an organisation ending, no name. */
const VERB_BEFORE_TAIL = /^(?:没|未|不|要|想)?(?:出|做|用|买|卖|找|换|上|开|注册|成立|新开)$/;
const EN_ROLE = /^(?:Head|Director|VP|SVP|EVP|Chief|Manager|Lead|President|Partner|General Manager)\b|\b(?:CEO|CFO|CTO|COO|CIO|CMO)$/;
/** Lower-case English verbs in a Chinese note (`再call Zenova的Jack`). */
const EN_LEAD_VERB =
  /^[再又先也还就]?(?:call(?:ed)?|ping(?:ed)?|meet|met|email(?:ed)?|visit(?:ed)?|follow(?:ed)? up(?: with)?|demo(?:ed)?)\s+(?=[A-Z])/;

/** clean() of each raw string once per note: the same words come from several signals. */
let cleanMemo: { note: string; names: Map<string, string | null> } = { note: '', names: new Map() };

function cleanOnce(raw: string, note: string): string | null {
  if (cleanMemo.note !== note) cleanMemo = { note, names: new Map() };
  let name = cleanMemo.names.get(raw);
  if (name === undefined) {
    name = clean(raw, note);
    cleanMemo.names.set(raw, name);
  }
  return name;
}

const CRM_CHARS = /[报方合预需已签回价下明后月打联线接成丢流]/;

function cleanOrSelf(raw: string, note: string): string {
  return cleanOnce(raw, note) ?? raw;
}

const EDGE_FIRST = /^[\s\-:：,，#(（]$/;
const EDGE_LAST = /^[\s\-:：,，)）]$/;

/** `[...s].length` (code points) without making the array. */
function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

const SOLD = /(?:系统|平台|小程序|模块|套餐|版本|型号|课程)$/;
const SOLD_LAST = new Set('统台序块餐本号程');
const ADVERBS = /已经|正在|还在|刚刚/;
const ADVERB_CHARS = /[已正还刚]/;
const VENUE_LAST = new Set('店房馆厅');

function clean(raw: string, note: string): string | null {
  // Punctuation at the ends: only a string that starts or ends with some is scanned for it.
  const edged = EDGE_FIRST.test(raw[0] ?? '') || EDGE_LAST.test(raw[raw.length - 1] ?? '');
  let name = (edged ? raw.replace(/^[\s\-:：,，#(（]+|[\s\-:：,，)）]+$/g, '') : raw)
    .replace(/^[嗯呃哦诶喂哎唉啊]+/, '')
    .replace(CUSTOMER_LABEL, '');
  // 叫李娜: a person's full name introduced, not an organisation.
  if (/^(?:叫|名叫|姓名)/.test(name) && looksLikePersonName(name.replace(/^(?:叫|名叫|姓名)/, ''))) return null;
  // 装修客户赵女士, 健身房老会员孙哥: a kind of customer described, not an organisation.
  // (Head of Ops), (VP Sales): a person's role in brackets.
  if (isVisitor(name) || isKindOfPerson(name) || (/[A-Za-z]/.test(name) && EN_ROLE.test(name))) return null;
  // 参会的是信息部主管 (彭工): what precedes 的是 says who the person is, not where they work.
  const isAt = name.lastIndexOf('的是');
  if (isAt >= 0) name = name.slice(isAt + 2);
  // 朗科精密的生产副总 (武总): the role belongs to the person; what comes before is the company.
  for (let i = 0; i < 2 && ROLE_LAST_CHARS.has(name[name.length - 1] ?? '') && ROLE_BEFORE_PERSON.test(name); i++) {
    let rest = name.replace(ROLE_BEFORE_PERSON, '').replace(/(?:他们|她们)?的$/, '');
    // 上海的禾木家居采购 (陈经理): the words between 的 and the role end as an organisation does,
    // so they are its name, not part of the role.
    const removed = name.slice(rest.length);
    if (removed.startsWith('的'))
      for (let k = removed.length - 1; k >= 3; k--) {
        const mid = removed.slice(1, k);
        if (hasOrgTail(mid) && ROLE_BEFORE_PERSON.test(removed.slice(k)) && removed.slice(k).replace(ROLE_BEFORE_PERSON, '') === '') {
          rest = `${rest}的${mid}`;
          break;
        }
      }
    // 独立设计师 (Amy Wang): a role and nothing before it is a person's trade, not an organisation.
    if ([...rest].length < 2) {
      if (i === 0) return null;
      break;
    }
    name = rest;
  }
  for (let i = 0; i < 6; i++) {
    let next = name.replace(LEAD_WORDS, '').replace(LEAD_TIME, '');
    // 第一次接触爱尔眼科: a first contact is what happened (a second scan, only where 接触 is).
    if (next.includes('接触')) next = next.replace(FIRST_CONTACT, '');
    if (TAIL_WORD_LAST.has(next[next.length - 1] ?? '')) next = next.replace(TAIL_WORDS, '');
    next = next.replace(EN_LEAD_VERB, '').trim();
    if (next === name) break;
    name = next;
  }
  // 上个月买车的 (刘先生), 上次的配件: a time opens a description, never a name.
  if (TIME_OPENING.test(name)) return null;
  name = cutAfterLastVerb(name, note).replace(CUSTOMER_LABEL, '');
  // 合作伙伴博远信息, 竞争对手华港软件: an organisation the note names beside the customer (read
  // after the verbs: 合作伙伴东软带我们见了最终用户沈阳地铁 is about 沈阳地铁).
  if (NOT_THE_CUSTOMER.test(name) || TIME_OPENING.test(name) || DAY_OPENING.test(name)) return null;
  if (PARENT_WORD.test(name)) name = name.replace(PARENT_BEFORE, '');
  name = trimNameEdges(name, note);
  // 苏州工业园区的恒瑞医疗器械: the organisation is what follows the last 的.
  // (美的集团 keeps its 的: only a place or a long phrase before it is cut off.)
  const deAt = name.lastIndexOf('的');
  const beforeDe = name.slice(0, Math.max(0, deAt));
  const afterDe = name.slice(deAt + 1);
  const beforeChars = deAt > 0 ? charCount(beforeDe) : 0;
  const afterChars = deAt > 0 ? charCount(afterDe) : 0;
  if (
    deAt > 0 &&
    afterChars >= 2 &&
    (beforeChars >= 4 ||
      /[区市省县镇园上里]$/.test(beforeDe) ||
      isPlaceWord(beforeDe) ||
      TIME_ENDING.test(beforeDe) ||
      // 嘉兴的恒润纺织, 香港的福昇贸易: what 的 qualifies is an organisation by its ending.
      // (科技园B座的宏达机电: one character before 的 is enough before a name of four.)
      (beforeChars + afterChars >= 5 && afterChars >= 3 && hasOrgTail(afterDe)))
  ) {
    // 润泽水务的调度中心: what follows 的 is a unit of the organisation before it; after a place
    // (上海的盒马鲜生门店) it is the organisation with its unit, cut off below.
    // (静安的禾苗早教中心: a centre with a name of its own before its kind is the organisation.)
    const ownCentre = afterChars >= 6 && afterDe.endsWith('中心');
    name = isUnitWord(afterDe) && !isPlaceWord(beforeDe) && !ownCentre ? beforeDe : afterDe;
  }
  // 蓝鸟咖啡门店拓展部: a unit inside a unit.
  for (let i = 0; i < 2; i++) {
    const withoutDepartment = cutDepartment(name, note, hasOrgTail);
    if (withoutDepartment === name) break;
    name = trimNameEdges(withoutDepartment, note);
  }
  // 苏宁那边 (的采购是孙经理): the side of the organisation, not part of its name.
  name = name.replace(/(?<=[\u4e00-\u9fa5A-Za-z]{2})(?:那边|这边|方面)$/, '');
  if (DEPARTMENT_TAIL.test(name) && !ORG_BEFORE_UNIT.test(name) && !isClinicName(name)) return null;
  // 东莞一家模具厂: an organisation described, not named.
  if (/一家|某家|一个/.test(name)) return null;
  // 分公司总经理曹总: a branch that the note names elsewhere, not a name.
  if (/^(?:分公司|总公司|子公司|分行|支行|分部|分店|分厂|分院)$/.test(name)) return null;
  // 售后, 前厅, 综治办: a function of the organisation, named alone.
  if (isFunctionUnit(name)) return null;
  // 集团IT, 公司财务: a unit of an organisation the note does not name here.
  if (BARE_ORG_UNIT.test(name) || (hasOrgTail(name) && VERB_BEFORE_TAIL.test(name.replace(ORG_TAIL, '')))) return null;
  if ((CRM_CHARS.test(name) && CRM_IN_NAME.test(name)) || /^[a-z]+$/.test(name)) return null;
  const last = name[name.length - 1] ?? '';
  // 点单系统, 会员小程序, 婚纱照套餐: what is sold, not who buys it.
  if (SOLD_LAST.has(last) && SOLD.test(name) && !hasOrgTail(name)) return null;
  // 采购申请已经报到设备(处): an adverb of time inside says it is a clause, not a name.
  if (ADVERB_CHARS.test(name) && ADVERBS.test(name)) return null;
  // 健身房, 花店, 茶馆: a kind of place, one word of the dictionary, names no organisation.
  if (VENUE_LAST.has(last) && name.length <= 3 && /^[\u4e00-\u9fa5]{2,3}$/.test(name) && segmentDictionary(name).length === 1) return null;
  if (ROLE_TAIL.test(name) || name.includes('了') || notAnOrg(name) || isVisitor(name)) return null;
  // 前台转给 (了冯经理), 介绍给, 新娘叫 (Vivian): a verb handing on or naming, not a name.
  if (name.endsWith('给') || name.endsWith('叫')) return null;
  // 两家, 三个, 一套: a count, not a name.
  if (/^[一二两三四五六七八九十几\d]+[家个位名套台件单批]|^[个次通趟遍]/.test(name)) return null;
  // 两万四, 三千五: an amount in numerals.
  if (/^[零一二两三四五六七八九十百千万亿]+$/.test(name)) return null;
  // 在公司 / 本公司: a function word plus an organisation ending is not a name.
  if (/^[在本该我贵此这那其各某]/.test(name) && /^[在本该我贵此这那其各某]$/.test(name.replace(ORG_TAIL, ''))) return null;
  const chars = charCount(name);
  // (住建局, 公安局: a bureau of the city the note is about, named by its kind alone.)
  if (
    chars < 2 ||
    chars > 40 ||
    NOT_NAMES.has(name) ||
    (SUFFIX_ONLY.test(name) && !/^[\u4e00-\u9fa5]{2}局$/.test(name)) ||
    /^\d+$/.test(name)
  )
    return null;
  return name;
}

/**
 * A name read some other way (the learned tagger's) put through the same clean-up and the same
 * vetoes as the rules' candidates: null when the rules would not take it as a name (东莞一家模具厂,
 * a kind of visitor, a department alone).
 */
export function cleanCustomerName(raw: string, note: string): string | null {
  return clean(raw, note);
}

/** A person named as a partner's or a competitor's (合作伙伴博远信息的刘工), in the run before them. */
const PARTNER_BEFORE_PERSON =
  /(?:合作伙伴|合作方|渠道商|代理商|集成商|竞争对手|竞品|友商)[\u4e00-\u9fa5A-Za-z]{1,12}?的?[\u4e00-\u9fa5A-Za-z]{0,4}$/;

/** Whether the contact at `index` is introduced as someone from a partner or a competitor. */
export function isPartnersPerson(text: string, index: number): boolean {
  return PARTNER_BEFORE_PERSON.test(text.slice(Math.max(0, index - 20), index));
}

/** `今天见的是工厂的冯经理`: a cleft naming the person met, in the run before them. */
const MET_BEFORE_PERSON = /(?:见|聊|谈|对接|接待(?:我们)?|面谈)的(?:人)?是[^,.;!?\n]{0,8}$/;

/** Whether the contact at `index` is named as the one the rep met or spoke to (见的是…). */
export function isMetPerson(text: string, index: number): boolean {
  return MET_BEFORE_PERSON.test(text.slice(Math.max(0, index - 14), index));
}

/** Verb patterns with their score and the fixed words one of which each needs to match. */
const VERB_PATTERNS: [RegExp, number, string[]][] = [
  [/给([\u4e00-\u9fa5A-Za-z0-9]{2,20}?)(?:打了?[个通]?电话|发了?(?:邮件|微信|方案|报价)|回电)/g, 0.7, ['给']],
  [
    /(?:客户|跟进|拜访了?|联系了?|致电|电联|回访)\s*[:：]?\s+([\u4e00-\u9fa5A-Za-z0-9]{2,20})/g,
    0.6,
    ['客户', '跟进', '拜访', '联系', '致电', '电联', '回访'],
  ],
  [/(?:客户|新线索|线索)\s*[:：]\s*([\u4e00-\u9fa5A-Za-z0-9]{2,20})/g, 0.8, ['客户', '线索']],
  // 合伙人Peter…介绍了复星医药的财务共享项目: the organisation whose project a person introduced.
  [/介绍了?(?:一下)?([\u4e00-\u9fa5A-Za-z]{2,12}?)(?:的|那边)[\u4e00-\u9fa5A-Za-z]{0,10}项目/g, 0.9, ['介绍']],
  // 杭州地铁 的 AFC 项目: the organisation whose project the note is about (weak: a project is
  // also a partner's or a competitor's).
  [/([\u4e00-\u9fa5A-Za-z]{2,12}?)\s*的\s*[\u4e00-\u9fa5A-Za-z0-9]{1,10}?\s?项目/g, 0.55, ['项目']],
  // 去客户公司演示:南通江海船舶, 拜访: 华茂纺织: the organisation the visit or demo was at.
  [/(?:拜访|演示|回访|面谈|走访|上门)\s*[:：]\s*([\u4e00-\u9fa5A-Za-z0-9]{2,20})/g, 0.6, ['拜访', '演示', '回访', '面谈', '走访', '上门']],
  [
    /([\u4e00-\u9fa5A-Za-z\u00c0-\u024f0-9'’]+(?: [\u4e00-\u9fa5A-Za-z\u00c0-\u024f0-9'’]+){0,3})\s*的\s*(?!是)(?:HR|IT|采购|老板|负责人|团队|技术|财务|领导|同事|人|[\u4e00-\u9fa5]{0,3}(?:部|团队)|[\u4e00-\u9fa5]{0,2}(?:总监|经理|主管|副总|总裁|董事长)|[A-Z][a-z]+\b)/g,
    0.65,
    ['的'],
  ],
  [/[(（]([\u4e00-\u9fa5A-Za-z0-9 ]{2,20})[)）]/g, 0.65, ['(', '（']],
  [/(?:去了趟|去了|到了|拜访了|走访了)\s*([\u4e00-\u9fa5]{2,12})(?=[,，.。\s])/g, 0.55, ['去了', '到了', '拜访了', '走访了']],
  // 投的一家初创公司 芯途微电子: the name given after a description of the organisation.
  [
    /(?:一家|这家|那家|的)[\u4e00-\u9fa5]{0,6}?(?:公司|企业|工厂|厂商)\s*[,:：]?\s*([\u4e00-\u9fa5]{2,12}?)(?=\s|[,.;!?]|的|介绍|$)/g,
    0.75,
    ['公司', '企业', '工厂', '厂商'],
  ],
  // 去省农科院见了…, 到城投找了…: the place visited before meeting someone there.
  [/(?:去|到)(?:了趟|了)?([\u4e00-\u9fa5]{2,12}?)(?:见了|见到了?|拜访了?|找了)/g, 0.65, ['见了', '见到', '拜访', '找了']],
  // 刚从星辰汽配出来: the place the rep has just left.
  [/从([\u4e00-\u9fa5]{2,12}?)出来/g, 0.6, ['出来']],
  // 那家汉唐装饰: a name introduced as an organisation.
  [/(?:那家|这家)([\u4e00-\u9fa5]{2,10}?)(?=[,.;!?\s]|$)/g, 0.6, ['那家', '这家']],
];

/**
 * An organisation ending found anywhere that ends a phrase, not a name: what a business does
 * (`做跨境电商的`), or a verb or adjective inside (`想给老房子加装电梯`).
 */
function isPhrase(text: string, raw: string, index: number): boolean {
  if (
    /^[\u4e00-\u9fa5]{0,2}的/.test(text.slice(index + raw.length, index + raw.length + 3)) &&
    /(?:做|搞|卖|干|开)[\u4e00-\u9fa5]{1,8}$/.test(raw)
  )
    return true;
  // 烹饪学校, 培训中心: a verb before a legal or institutional ending is the kind of school it is.
  if (!INDUSTRY_TAIL.test(raw)) return false;
  const name = cleanOnce(raw, text);
  if (!name || !INDUSTRY_TAIL.test(name)) return false;
  // 老板娘聊冷链: a person's role inside, then what was talked about.
  if (/(?:老板娘|老板|经理|总监|主任|负责人|店长)(?=[\u4e00-\u9fa5])/.test(name)) return true;
  const at = text.indexOf(name, index);
  return at >= 0 && hasPredicateInside(text, name, at, hasOrgTail);
}

const UNIT_START = /[科部处室组中办院所站队]/;
const AFFILIATED = /^附属(?:第[一二三四五六七八九十\d]{1,3})?[\u4e00-\u9fa5]{0,6}?(?:医院|中学|小学|学校|幼儿园|实验学校)/;
/** Characters of the words that end a run of dictation before a name: only a run holding one is segmented. */
const SENTENCE_CHARS = /[他她是叫其说]/;
const SPOKE = /说|表示|提到|透露|讲/;
watchPairsOf([...ORG_TAIL_LAST].join(''));

/** The organisation name at `index` (`raw`, ending mid-word) moved to an ending that is the end of a word. */
function toWordEnd(text: string, index: number, raw: string): string {
  for (let k = raw.length + 1; k <= raw.length + 8 && /[\u4e00-\u9fa5]/.test(text[index + k - 1] ?? ''); k++) {
    const longer = text.slice(index, index + k);
    if (hasOrgTail(longer) && isWordBoundary(text, index + k) && !UNIT_START.test(longer[longer.length - 1] ?? '')) return longer;
  }
  for (let k = raw.length - 1; k >= 2; k--) {
    const shorter = raw.slice(0, k);
    if (hasOrgTail(shorter) && isWordBoundary(text, index + k)) return shorter;
  }
  return raw;
}

/**
 * What a person does with someone (和X开会, 视频会议:和X…, 和X的蔡总电联): anywhere in the note,
 * these make 和 a preposition; 签 only after the name (和X签了合同, not 合同已经签了,和悦达纸业…).
 */
const CO_ACTION =
  /开会|会议|视频|通话|通了?[个次]?电话|电联|打(?!来)了?[个通]?电话|聊|谈|沟通|交流|见面|碰|吃饭|吃了[顿个]?饭|对接|讨论|一起|合作|商量|约/;

/** A predicate the organisation (or its person) has on its own: it called in, is there, is so. */
const ON_ITS_OWN = /^(?:的[^,.;!?\n]{0,8}?)?(?:打来|来电|都在|也在|很|挺|非常|比较|特别)/;

/**
 * `老客户和盛家居打来电话`, `:和润物流的三个副总都在`: 和 opening a clause is the name's own first
 * character when the organisation (or its person) is the subject of what follows and nothing is
 * done *with* it anywhere in the note (和顺丰速运的赵总视频会议 is "with 顺丰速运", and so is
 * 和X的王总确认了方案: a predicate of its own is needed, not only the absence of a joint one).
 */
function withOwnHe(name: string, text: string): string {
  // 和顺达物流的赵总视频会议: the dictionary reads 和顺 as a word, but the note does something with the rest.
  if (name.startsWith('和') && name.length >= 4 && CO_ACTION.test(text)) {
    const at = text.indexOf(name);
    if (at === 0 || (at > 0 && /[,.;!?:：\n\s]/.test(text[at - 1] ?? ''))) return name.slice(1);
  }
  const at = text.indexOf(name);
  if (at < 1 || text[at - 1] !== '和' || !/^[\u4e00-\u9fa5]{2,}$/.test(name)) return name;
  const before = text.slice(Math.max(0, at - 4), at - 1);
  if (at - 1 > 0 && !/[,.;!?:：\n\s]$/.test(before) && !/客户$/.test(before)) return name;
  let end = at + name.length;
  while (end < text.length && !isClauseEnd(text.charCodeAt(end))) end++;
  const rest = text.slice(at + name.length, end);
  return !CO_ACTION.test(text) && !rest.includes('签') && ON_ITS_OWN.test(rest) ? `和${name}` : name;
}

/** 最终, 最后, 然后: an adverb of the sentence (jieba's common adverbs and the time words of a story). */
const isSentenceAdverb = (word: string) => /^(?:最后|然后|后来|结果|其实|当时|目前|现在|最近)$/.test(word) || isCommonPredicate(word);

/** `Festo 苏州工厂`: the Latin brand written before a Chinese name made only of dictionary words. */
function withLatinBrandBefore(raw: string, words: string[], run: string): string {
  const at = words.lastIndexOf(raw);
  const brand = at > 0 ? (words[at - 1] ?? '') : '';
  if (!/^[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f&'.-]+$/.test(brand) || isGivenName(brand) || ROLE_WORD.test(brand) || EN_ROLE.test(brand))
    return raw;
  const joined = `${brand} ${raw}`;
  if (!run.includes(joined)) return raw;
  for (const w of segmentDictionary(raw)) if (w.length < 2) return raw;
  return joined;
}

/** A cleaned name as a candidate, unless it holds a contact's name (a loop: no closure per call). */
function addCandidate(
  out: CustomerCandidate[],
  contacts: ContactMention[],
  text: string,
  raw: string | undefined,
  index: number,
  score: number,
): void {
  const cleaned = raw === undefined ? null : cleanOnce(raw, text);
  if (!cleaned) return;
  const name = text.includes('和') ? withOwnHe(cleaned, text) : cleaned;
  // 小米汽车: 小 + a surname reads as a person (小米), unless an organisation's ending follows it.
  for (const c of contacts)
    if (name.includes(c.name) && !(/^[小老]/.test(c.name) && name.startsWith(c.name) && SUFFIX_ONLY.test(name.slice(c.name.length))))
      return;
  out.push({ name, index, score });
}

function includesAny(text: string, words: string[]): boolean {
  for (const w of words) if (text.includes(w)) return true;
  return false;
}

/**
 * Candidate customer names with a confidence each; the best is the note's customer. Signals,
 * strongest first: the template's 客户 line, `X的王总`, the words just before a contact
 * (`微信跟进中信证券林总`), an organisation ending (`光明乳业`), a verb pattern (`给比亚迪打电话`).
 */
export function findCustomerCandidates(text: string, contacts: ContactMention[], templateCustomer: string | null): CustomerCandidate[] {
  const out: CustomerCandidate[] = [];
  if (templateCustomer) {
    // `客户:个人 范先生`: the form itself says there is no organisation.
    if (isVisitor(templateCustomer.trim())) return out;
    addCandidate(out, contacts, text, templateCustomer, 0, 0.95);
  }

  for (const [nth, contact] of contacts.entries()) {
    // Only Chinese notes put the company right before the person (中信证券林总, 德国博世 Mr. Braun).
    const before = text.slice(0, contact.index);
    if (!/[\u4e00-\u9fa5]/.test(contact.name) && !(contact.person && /[\u4e00-\u9fa5][\s的]*$/.test(before))) continue;
    // The run of name characters right before the contact, in the same clause (`#回款` tags aside).
    const m = /([\u4e00-\u9fa5A-Za-z\u00c0-\u024f0-9&()·'’\- ]{2,40})$/.exec(before);
    if (!m?.[1]) continue;
    const viaDe = /的\s*$/.test(m[1]);
    // Space-separated notes (拜访 招商银行 陆行长): the last word that is a name.
    // A space between two Latin words is inside a name (Vertex Pharma), not between words.
    // Loops, not filter callbacks: closures made per contact cost more than the checks.
    const words: string[] = [];
    for (const w of m[1].replace(/的\s*$/, '').split(/(?<![A-Za-z\u00c0-\u024f&.])\s+|\s+(?![A-Za-z\u00c0-\u024f&])/))
      if (w && !/^[-·&]+$/.test(w) && !text.includes(`#${w}`) && cleanOnce(w, text) !== null) words.push(w);
    const named: string[] = [];
    for (const w of words)
      if (!ORG_UNIT.test(w) && (words.length === 1 || ((!isUnitWord(w) || ORG_BEFORE_UNIT.test(w)) && !isRoleWord(w)))) named.push(w);
    // Of several words, the one with an organisation ending (青禾食品 冷链仓储 尤总), else the last.
    // A note names the organisation before its units (宝钢股份 冷轧厂 喻工): of two with an ending, the first.
    let withSuffix: string | undefined;
    if (named.length > 1)
      for (const w of named)
        if (hasOrgTail(cleanOrSelf(w, text))) {
          withSuffix = w;
          break;
        }
    let raw = withSuffix ?? named[named.length - 1];
    // 中国电信 四川分公司: a branch belongs to the company named before it.
    if (raw && named.length > 1 && BRANCH.test(raw)) raw = `${named[named.length - 2] ?? ''}${raw}`;
    // `Festo 苏州工厂`, `Zara 供应链`: a Latin brand before Chinese words of the dictionary (a place,
    // a plant, a line of business) is the name they qualify, space or no space.
    if (raw && /^[\u4e00-\u9fa5]+$/.test(raw)) raw = withLatinBrandBefore(raw, words, m[1]);
    // The first person named is the one the note is about; later ones (新对接人是祁经理) weigh less.
    // A unit named before the person (见到了规划信息科杜科长, 蔬菜所的魏研究员) weighs less than an
    // organisation named elsewhere in the note (去了趟朝阳区卫健委): the unit is part of it.
    const kept = raw ? cleanOrSelf(raw, text) : '';
    // 去了管委会见了经发局的邵处长: a short bureau (经发局) is a unit of an organisation named before it too.
    const bureau = /^[\u4e00-\u9fa5]{2,3}局$/.test(kept);
    const keptChars = charCount(kept);
    const unitOnly = keptChars <= 4 && (UNIT_END.test(kept) || bureau || (keptChars <= 2 && !raw?.includes('的')));
    const unit = raw && ((UNIT_END.test(raw) && !hasOrgTail(kept)) || bureau) && unitOnly ? 0.2 : 0;
    let at = contact.index - m[1].length + m[1].lastIndexOf(raw ?? '');
    // 其中重点是汇川技术的研发总监周总: dictation before the name ends at the last word no name holds.
    if (raw && SENTENCE_CHARS.test(raw)) {
      const from = nameStartBefore(text, at, at + raw.length);
      raw = raw.slice(from - at);
      at = from;
    }
    if (raw) addCandidate(out, contacts, text, raw, at, (viaDe ? 0.85 : 0.75) - (nth > 0 ? 0.2 : 0) - unit);
  }

  ORG_RE.lastIndex = 0;
  for (let m = ORG_RE.exec(text); m; m = ORG_RE.exec(text)) {
    // 绿城建设: the shortest prefix stopped at 城建; a longer ending one or two characters on wins.
    for (const k of [2, 1]) {
      const longer = text.slice(m.index, m.index + m[0].length + k);
      if (longer.length === m[0].length + k && /^[\u4e00-\u9fa5]+$/.test(longer.slice(-k)) && hasOrgTail(longer)) {
        m[0] = longer;
        ORG_RE.lastIndex = m.index + longer.length;
        break;
      }
    }
    // 中山大学附属第三医院: a hospital or school attached to the one named is one name with it.
    if (text.startsWith('附属', m.index + m[0].length)) {
      const attached = AFFILIATED.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 16));
      if (attached) {
        m[0] += attached[0];
        ORG_RE.lastIndex = m.index + m[0].length;
      }
    }
    // An ending that is not the end of a word: 市政|务 (市政务服务中心), 信息|科 (第二人民医院信息科).
    // The name runs on to the next ending that ends a word (服务中心), or, failing that, stops at
    // the last one that does (医院). Checked only where the ending's last character and the next
    // make a word, or a unit's character follows (科, 部, 中心…): elsewhere it is the word's end.
    const after = text[m.index + m[0].length] ?? '';
    if ((UNIT_START.test(after) || isDictionaryPair(m[0][m[0].length - 1] ?? '', after)) && !isWordBoundary(text, m.index + m[0].length))
      m[0] = toWordEnd(text, m.index, m[0]);
    // 见了 俞厂长: 俞厂 is the start of a form of address, not an organisation ending in 厂.
    const end = m.index + m[0].length;
    if (contacts.some((c) => c.index < end && m !== null && m.index < c.end && c.end > end)) continue;
    // `Unilever合肥厂`, `Bosch苏州工厂`: a Latin name glued to the Chinese one is part of it.
    const brand = /[A-Za-z\u00c0-\u024f]/.test(text[m.index - 1] ?? '')
      ? LATIN_GLUED.exec(text.slice(Math.max(0, m.index - 30), m.index))?.[1]
      : undefined;
    const name = brand ? cleanOnce(m[0], text) : null;
    if (brand && name && !ROLE_WORD.test(brand)) out.push({ name: `${brand}${name}`, index: m.index - brand.length, score: 0.75 });
    else if (!isPhrase(text, m[0], m.index)) {
      // 和老周吃饭他是宏图建设, 其中重点是汇川技术: a run of dictation before the name; it starts
      // after the last word no name holds (他, 是, 叫, 其中…).
      // (Not past a person who speaks: `韦经理微信说他们也在看鸿星科技` names what the person spoke
      // of, while `老孙…他是腾跃建设的` says where the person works.)
      let from = SENTENCE_CHARS.test(m[0]) ? nameStartBefore(text, m.index, m.index + m[0].length) : m.index;
      for (const c of contacts) if (c.index >= m.index && c.index < from && SPOKE.test(text.slice(c.end, from))) from = m.index;
      addCandidate(out, contacts, text, text.slice(from, m.index + m[0].length), from, 0.7);
    }
  }

  if (text.includes('下属') || text.includes('子公司') || text.includes('旗下')) {
    SUBSIDIARY.lastIndex = 0;
    for (let m = SUBSIDIARY.exec(text); m; m = SUBSIDIARY.exec(text)) {
      // 旗下的瀚海冷链要先上我们的TMS: the name ends at the first word no name holds.
      const span = m[1] ? spanFrom(text, m.index + m[0].length - m[1].length, [], hasOrgTail) : null;
      addCandidate(out, contacts, text, span?.name ?? m[1], m.index, 0.8);
    }
  }

  // `做连锁药房的叫康泰大药房`: a name introduced as such.
  NAMED_AS.lastIndex = 0;
  for (let m = NAMED_AS.exec(text); m; m = NAMED_AS.exec(text)) addCandidate(out, contacts, text, m[1], m.index, 0.7);

  // `佰草堂选了别家`, `签约了!宁海市政 …`: a name opening the note, followed by what it did.
  const lead = OPENING_LEAD.exec(text)?.[0] ?? '';
  const opening = OPENING_NAME.exec(lead ? ' '.repeat(lead.length) + text.slice(lead.length) : text);
  // (他们最终选了别家: an adverb of the sentence, 最终 or 最后, is no name.)
  if (opening?.[1] && !isSentenceAdverb(cleanOnce(opening[1], text) ?? ''))
    addCandidate(out, contacts, text, opening[1], opening.index, 0.5);
  // `今天lost了一个单,Skyline建筑 选了别家`, `Deal closed!! 易达跨境 签了`: a clause whose subject is
  // the name, then what it chose, signed or was lost to (three characters at least: 最后选了 is no name).
  if (CLAUSE_OUTCOME_WORDS.test(text)) {
    CLAUSE_SUBJECT.lastIndex = 0;
    for (let m = CLAUSE_SUBJECT.exec(text); m; m = CLAUSE_SUBJECT.exec(text))
      if (m[1] && !looksLikePersonName(m[1]) && !isSentenceAdverb(m[1]))
        addCandidate(out, contacts, text, m[1], m.index + m[0].indexOf(m[1]), 0.5);
  }
  // `签约成功 东方雨虹 合同额75万`: a jotting that opens with what happened, then the name.
  const status = SPACED_STATUS.exec(text);
  if (status?.[1] && !contacts.some((c) => c.index === status[0].length - (status[1] ?? '').length - 1))
    addCandidate(out, contacts, text, status[1], text.indexOf(status[1]), 0.4);
  // `中储粮镇江直属库 信息化改造 电话没人接`: a jotting opens with the organisation when a unit,
  // project or channel word follows it (the weakest signal: any other candidate wins).
  const jotted = SPACED_OPENING.exec(text);
  if (
    jotted?.[1] &&
    jotted[2] &&
    (isUnitWord(jotted[2]) || JOTTED_CHANNEL.test(jotted[2]) || JOTTED_NEXT.test(jotted[2])) &&
    !TIME_WORD.test(jotted[1]) &&
    // 老王 电话 没通: a familiar form of address (老/小 + surname) is a person.
    !(jotted[1].length === 2 && /^[老小]/.test(jotted[1])) &&
    !contacts.some((c) => c.index === 0)
  )
    addCandidate(out, contacts, text, jotted[1], 0, 0.4);

  for (const [re, score, needs] of VERB_PATTERNS) {
    // A pattern whose fixed words are all absent from the note cannot match: skip its scan.
    if (!includesAny(text, needs)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) addCandidate(out, contacts, text, m[1], m.index, score);
  }
  // A person (Tom Hargreaves, Jane) is the contact, never the customer.
  const latinPeople = contacts.filter((c) => c.person === true);
  for (const c of englishCandidates(text, latinPeople)) {
    const name = c.name.replace(/['’]s?$/, '').trim();
    // `Walk-in: Mr. Hughes`: a kind of visitor heading the note.
    if (isVisitor(name)) continue;
    if (!name || latinPeople.some((p) => name.includes(p.name) || p.name.includes(name))) continue;
    if (/(?:vendor|supplier|competitor) (?:is|was)\s*$/i.test(text.slice(Math.max(0, c.index - 25), c.index))) continue;
    // `Partner Accenture brought us in`: the partner's own name, capitalised as the sentence opens.
    if (EN_NOT_THE_CUSTOMER.test(`${name.split(' ')[0] ?? ''} `)) continue;
    // `Intro from our reseller NorthPeak Systems: called Halvorsen Marine`: a partner or a rival named beside the customer.
    const at = text.indexOf(name, c.index);
    if (at >= 0 && EN_NOT_THE_CUSTOMER.test(text.slice(Math.max(0, at - 30), at))) continue;
    out.push({ ...c, name });
  }
  if (/[\u4e00-\u9fa5]/.test(text)) {
    if (/[A-Za-z]/.test(text)) chineseNameInEnglish(out, contacts, text);
    structuralCandidates(out, contacts, text);
  }
  return out;
}

/**
 * `brought us into 中国太保寿险 project`, `Lost 中粮可口可乐 - …`, `Jenny from 小红书商业化部`,
 * `Follow up 蓝鲸仓储 tomorrow`: a Chinese name standing as a word of an English sentence, after
 * a preposition or a verb of contact, winning or losing.
 */
const CJK_AFTER_EN =
  /(?<![A-Za-z])(?:into|from|at|for|with|to|visited|called|met|emailed|pinged|lost|won|signed|closed|follow(?:ed)?[- ]up(?: with)?|demo(?:ed)? (?:to|for))\s+([\u4e00-\u9fa5]{2,16})(?=\s|[,.;:!?)-]|$)/gi;

/** Where a Latin word is followed by a space and Chinese: the only places CJK_AFTER_EN can match. */
const LATIN_CJK_SEAM = /[A-Za-z]\s+[\u4e00-\u9fa5]/g;

function chineseNameInEnglish(out: CustomerCandidate[], contacts: ContactMention[], text: string): void {
  LATIN_CJK_SEAM.lastIndex = 0;
  const seam = LATIN_CJK_SEAM.exec(text);
  if (!seam) return;
  // From the start of the word before the first seam (a verb of up to `follow up with`, 16 letters back).
  CJK_AFTER_EN.lastIndex = Math.max(0, seam.index - 16);
  for (let m = CJK_AFTER_EN.exec(text); m; m = CJK_AFTER_EN.exec(text)) {
    const raw = m[1] ?? '';
    if (NOT_THE_CUSTOMER.test(raw) || isPlaceWord(raw)) continue;
    // After a preposition (at 上海 office), two characters are as often a place as a name, unless
    // a person works there (Lily from 喜茶); a person is met, called or lunched with (with 王海波),
    // while what is followed up, lost or signed is an organisation (Follow up 周黑鸭).
    const preposition = /^(?:into|from|at|for|with|to)\s/i.test(m[0]);
    const personBefore = contacts.some((c) => c.end <= m!.index && /^\s*$/.test(text.slice(c.end, m!.index)));
    if (preposition && raw.length < 3 && !hasOrgTail(raw) && !personBefore) continue;
    if (looksLikePersonName(raw) && (raw.length === 2 || preposition || /^(?:met|called|emailed|pinged)/i.test(m[0]))) continue;
    addCandidate(out, contacts, text, raw, m.index + m[0].length - raw.length, hasOrgTail(raw) ? 0.7 : 0.6);
  }
}

/** A verb of visiting or contacting, after which the organisation is named: 拜访福瑞德机电, 周四回访晟通电梯. */
const VISIT_CUE =
  /(?:拜访|回访|走访|陌拜|拜会|电联|致电|跟进|约见|联系|接触)(?:了|完|后|过)?(?:一下)?|(?:去|跑)了一?趟|(?:跟|聊)了一?下|去了|到了|来到|听说|见了/g;
const CUSTOMER_CUE = /(?:老|新|大|重点|意向|潜在)?客户(?:是)?/g;
/** A name introduced as such (叫阳光恒远, 名叫…), or after what the organisation does (做跨境电商的蓝鲸优选). */
const NAMING_CUE = /(?:名叫|名字叫|叫做|叫|(?:做|搞|卖|开)[\u4e00-\u9fa5A-Za-z]{1,8}?的\s*(?:叫|是)?)/g;
/** What follows a name that opens a note: 中科瑞达今天发来, 「青禾」那边, `JM机电 / 方案`, `蓝图设计 won`. */
const AFTER_OPENING_NAME = /^\s*(?:这家|那边|这边|今天|昨天|刚刚|刚才|一直|又|已经|发来|[/|｜]|[A-Za-z])/;
const CALLED_CUSTOMER = /^\s*(?:这个|这家|那个|那家)(?:客户|公司)/;
const CALLED_AHEAD = /^[^,.;!?]{2,16}?(?:这个|这家|那个|那家)(?:客户|公司)/;

/**
 * Names read where the note's structure puts one (org-spans.ts), scored by their shape: a name
 * that ends as an organisation does (机电, 物业, 医院) is taken with more confidence than a bare
 * one, and a bare one that is a single dictionary word (时候, 阳光) or a person's name (王明) is
 * no organisation. The scores sit below the cues that name an organisation outright (`X的王总`,
 * an ending found anywhere: 0.7 and up), so that these only decide where those say nothing.
 */
function structuralCandidates(out: CustomerCandidate[], contacts: ContactMention[], text: string): void {
  // Reading words costs a segmenting of their clause: a cue whose best score cannot beat a
  // candidate found already is not read (a tie goes to the first named, so only a higher score
  // counts).
  let best = 0;
  for (const c of out) if (c.score > best) best = c.score;
  VISIT_CUE.lastIndex = best < 0.6 ? 0 : text.length;
  for (let m = VISIT_CUE.exec(text); m; m = VISIT_CUE.exec(text))
    takeSpan(out, contacts, text, spanFrom(text, m.index + m[0].length, contacts, hasOrgTail), 0.6, 0.5, END_AFTER_VISIT);
  if (best < 0.8 && (text.includes('叫') || text.includes('的'))) {
    NAMING_CUE.lastIndex = 0;
    for (let m = NAMING_CUE.exec(text); m; m = NAMING_CUE.exec(text))
      // After what the business does (做母婴店的 叫贝贝乐), a name shaped like a person's is the shop's.
      takeSpan(out, contacts, text, spanFrom(text, m.index + m[0].length, contacts, hasOrgTail), 0.8, 0.75, null, !m[0].includes('的'));
  }
  // 我们的老客户海康威视又来询价了: a name after the word for a customer.
  if (best < 0.55 && text.includes('客户')) {
    CUSTOMER_CUE.lastIndex = 0;
    for (let m = CUSTOMER_CUE.exec(text); m; m = CUSTOMER_CUE.exec(text))
      takeSpan(out, contacts, text, spanFrom(text, m.index + m[0].length, contacts, hasOrgTail), 0.6, 0.55, null);
  }
  const lead = OPENING_LEAD.exec(text)?.[0].length ?? 0;
  if (best >= 0.75 || (best >= 0.5 && !CALLED_AHEAD.test(text.slice(lead, lead + 24)))) return;
  const opening = spanFrom(text, lead, contacts, hasOrgTail);
  // 云舟这个客户: the note says outright that the words before are the customer's name.
  const called = opening && CALLED_CUSTOMER.test(text.slice(opening.end)) ? cleanOnce(opening.name, text) : null;
  if (opening && called) addCandidate(out, contacts, text, opening.name, opening.index, 0.75);
  else takeSpan(out, contacts, text, opening, 0.5, 0.45, AFTER_OPENING_NAME);
}

/** A bare name after a visit ends where the clause or the sentence's subject does. */
const END_AFTER_VISIT = /^(?:$|[,.;!?:：\s]|那边|这边|的|码头|门店|总部|工厂)/;

/** A span as a candidate: `shaped` if it ends as an organisation, else `bare` when `bareEnds` (if given) fits what follows. */
function takeSpan(
  out: CustomerCandidate[],
  contacts: ContactMention[],
  text: string,
  span: Span | null,
  shaped: number,
  bare: number,
  bareEnds: RegExp | null,
  mayBePerson = true,
): void {
  if (!span) return;
  const cut = cutToOrgHead(text, span, hasOrgTail);
  const name = cleanOnce(cut.name, text);
  if (!name) return;
  if (hasOrgTail(name)) {
    addCandidate(out, contacts, text, cut.name, cut.index, shaped);
    return;
  }
  if ((mayBePerson && looksLikePersonName(name)) || segmentDictionary(name).length < 2) return;
  if (bareEnds && !bareEnds.test(text.slice(cut.end))) return;
  addCandidate(out, contacts, text, cut.name, cut.index, bare);
}

const EN_NOT_THE_CUSTOMER = /\b(?:reseller|partner|distributor|integrator|channel partner|vendor|supplier|competitor|rival)\s+$/i;

/** Verbs in any case; the name after them must be capitalised (no /i flag on the name part). */
// Not `spoke with`: it names the person, the contact rules read it.
const EN_VERBS = [
  'called',
  'met with',
  'met',
  'visited',
  'emailed',
  'phoned',
  'followed up with',
  'follow up with',
  'demoed for',
  'demo for',
  'demo to',
  'meeting with',
  'call with',
  'lunch with',
  'catch-up with',
  'catch up with',
  'sync with',
  'check-in with',
  'dinner with',
  'coffee with',
  'pitched to',
  'pitched',
  'presented to',
  'sent proposal to',
  'sent a proposal to',
  'sent the proposal to',
  'quote to',
  'lost',
  'won',
  'email to',
  'emailed to',
  'signed with',
  'signed',
  'dropped by',
  'stopped by',
  'swung by',
  'popped into',
];
const caseless = (word: string) => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const EN_VERB = new RegExp(
  `\\b(?:${EN_VERBS.map(caseless).join('|')})\\s+((?:[A-Z\\u00c0-\\u00de][\\w\\u00c0-\\u024f&'.-]*)(?:\\s+(?:[A-Z\\u00c0-\\u00de][\\w\\u00c0-\\u024f&'.-]*|of\\b|and\\b|&))*)`,
  'g',
);
const EN_ORG = new RegExp(
  `\\b((?:(?:[A-Z\\u00c0-\\u00de][\\w\\u00c0-\\u024f&'.-]*|&)\\s+){0,4}[A-Z\\u00c0-\\u00de][\\w\\u00c0-\\u024f&'.-]*\\s+(?:${ORG_WORD_EN.source.replace(/^\\b|\\b$/g, '')}|${ORG_WORDS_EN.source.replace(/^\\b|\\b$/g, '')}))(?![\\w-])`,
  'g',
);
const EN_TRAILING = /\s+(?:today|yesterday|this|last|next|and|about|re|regarding)$/i;

/** `Northwind: spoke with …`, `Email from Aperture Science: …`: a name heading the note. */
const EN_HEADING =
  /(?:^|\b(?:[Ee]-?mail|[Cc]all|[Mm]essage|[Nn]ote|[Uu]pdate) from\s+|\b(?:[Ff]ollow[- ]up|[Mm]eeting|[Cc]all|[Cc]heck-in|[Cc]atch-?up|[Ss]ync) (?:with|w\/)\s+)((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*){0,4})\s*:/g;

/** `Prestige Worldwide signed …`: a capitalised name opening a sentence, followed by what it did. */
const EN_SUBJECT =
  /(?:^|[.!?:]\s+)((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*){0,4})\s+(?:signed|chose|went with|wants|want|agreed|declined|bought|renewed|asked|accepted|rejected|approved|is reviewing|are reviewing|placed)\b/g;

/** `Leo from Summit Outdoor`, `Victor Lam at Seabright Insurance`, `(procurement, Sakura Components)`. */
const WORKS_AT =
  /^\s*(?:,\s*(?:head|owner|founder|CEO|CFO|CTO|COO|CIO|CMO|CISO|VP|GM|GC|president|partner|director|manager)\s+(?:of|at)\s+|\s*\([^()]{1,30}\)\s*,?\s*(?:at|from|of)\s+|\s+(?:at|from|of)\s+|\s*\((?:Head|Director|VP|Manager|Chief|CEO|CFO|CTO|CIO|COO|CMO|GM|Lead|Partner|Owner|Founder)[^(),]{0,30},\s*|\s*\((?:[a-z ]+,\s*)?(?!(?:CEO|CFO|CTO|COO|CIO|CMO|VP|SVP|EVP|GM|MD|HR|IT|GC|Head|Director|Manager|Chief|Senior|Lead|Principal|General|Deputy|Vice|President)\b))((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*|&))*)/;
/** `New lead: Greenhill Farms`, `客户Orion Robotics Inc.`: a labelled Latin name. */
const EN_LABELLED =
  /(?:\b(?:new lead|lead|customer|client|account)(?:\s+(?:from|via|at)\s+[^:.\n]{1,30})?\s*:\s*|客户\s*[:：]?\s*)((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*|&))*)/gi;
/** `Singapore client Meridian Ports`, `prospect Kestrel Foods`: a name after the word for a customer. */
const EN_CLIENT_BEFORE =
  /\b(?:[Cc]lient|[Cc]ustomer|[Pp]rospect|[Aa]ccount)\s+((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*|&))*)/g;
/** `Apex Marine那边`, `Orbit Games 的 producer`: a Latin name the Chinese around it marks as the organisation. */
/** `WMS的live demo`, `ERP的报价`: a kind of software, not an organisation. */
const PRODUCT_KIND = /^(?:ERP|CRM|WMS|TMS|MES|OA|BI|SCM|HRM|HRIS|POS|SaaS|API|APP|App|SKU|SDK|AI|IoT|PLM|EHR|HIS|LIS|PACS)$/;
const EN_BEFORE_CJK =
  /((?:[A-Z][\w&'.\u00c0-\u024f-]*)(?:\s+(?:[A-Z][\w&'.\u00c0-\u024f-]*|&))*(?:中国区?|大中华区|亚太区?|[华东南北中西]{2}区)?)\s*(?:那边|这边|方面|的(?!\s*[A-Z]))/g;

/** `Acme's CFO`, `Kestrel Foods' CFO`: the possessive names the organisation the person works for. */
const EN_POSSESSIVE =
  /((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&.-]*|&))*)(?:['’]s|(?<=s)['’])\s+(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|GC|general counsel|counsel|president|partner|head|director|manager|owner|founder|buyer|procurement|team|IT|finance|legal)\b/g;
const OWNER_OF_PERSON =
  /((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&.-]*|&))*)(?:['’]s|(?<=s)['’])\s+$/;
const EN_TEAM_OF = /\b[Tt]he ((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*){0,3}) team\b/g;
/** `Oscorp procurement (Mr. Osborn) asked…`: a name opening a sentence, before the unit of it that acted. */
const EN_UNIT_SUBJECT =
  /(?:^|[.!?:]\s+)((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*|&)){0,3})\s+(?:procurement|purchasing|finance|legal|IT|HR|ops|team|leadership|board)\b/g;
/** `Initech - Bill Lumbergh - …`: a name heading the note before a dash. */
const EN_DASH_HEADING =
  /^((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*)(?:\s+(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f&'.-]*|&)){0,4})\s+[-–—]\s+/;

/** Verbs of using or buying: what follows them is a product (用的是SAP Business One), not the customer. */
const USING = '用|上|换|买|装|试用|部署|用的是|采购|替换';
const AFTER_USING = new RegExp(`(?:${USING})\\s*$`);

const LATIN_RUN_IN_CJK = new RegExp(
  `(?<![A-Za-z\\u00c0-\\u024f]\\s*)(?<!(?:${USING})\\s*)([A-Z][a-z][\\w&'.\\u00c0-\\u024f-]*(?:\\s+(?:[A-Z][a-z][\\w&'.\\u00c0-\\u024f-]*|&))+)(?![A-Za-z\\u00c0-\\u024f])`,
  'g',
);

/** Whether the name at `index` of `text` follows a verb of using or buying (a product, as in LATIN_RUN_IN_CJK). */
export function followsUsingVerb(text: string, index: number): boolean {
  return AFTER_USING.test(text.slice(Math.max(0, index - 6), index));
}

/** `Aurora Health Network's IT director`, `University's School of Engineering`: the owner is the organisation. */
const POSSESSIVE_UNIT =
  /(?<=\w)['’]s?(?:\s+(?:[a-z]|(?:IT|HR|CEO|CFO|CTO|COO|CIO|VP|GM|School|Faculty|Department|Dept|Division|Office|Lab)\b).*)?$/;

/** A Latin run ends at a sentence's full stop (`School. They're`), not at `Inc.` or `Co.`. */
const toSentenceEnd = (name: string) => name.replace(/(?<!\b(?:Inc|Ltd|Co|Corp|Bros|St))\.(?:\s.*)?$/, '').trim();

function englishCandidates(text: string, people: ContactMention[]): CustomerCandidate[] {
  const out: CustomerCandidate[] = [];
  if (!/[A-Z]/.test(text)) return out;
  EN_POSSESSIVE.lastIndex = 0;
  for (let m = EN_POSSESSIVE.exec(text); m; m = EN_POSSESSIVE.exec(text)) {
    const name = (m[1] ?? '').replace(/^(?:Called|Met|Emailed|Visited|With)\s+/i, '');
    if (name) out.push({ name, index: m.index, score: 0.8 });
  }
  // `Initech's Peter Gibbons`: the organisation a person belongs to.
  for (const p of people) {
    const m = OWNER_OF_PERSON.exec(text.slice(Math.max(0, p.index - 60), p.index));
    if (m?.[1]) out.push({ name: m[1].replace(/^(?:Called|Met|Emailed|Visited|With)\s+/i, ''), index: p.index - m[0].length, score: 0.8 });
  }
  const heading = EN_DASH_HEADING.exec(text);
  if (heading?.[1] && !/^(?:Update|Note|Re|Call|Meeting|Follow)/.test(heading[1])) out.push({ name: heading[1], index: 0, score: 0.7 });
  for (const p of people) {
    const m = WORKS_AT.exec(text.slice(p.end));
    // (Crestline Hotels' IT director): the possessive ends the organisation's name.
    if (m?.[1])
      out.push({
        name: toSentenceEnd(m[1])
          .replace(/[,;:]+$/, '')
          .replace(POSSESSIVE_UNIT, ''),
        index: p.end,
        score: 0.8,
      });
  }
  EN_LABELLED.lastIndex = 0;
  for (let m = EN_LABELLED.exec(text); m; m = EN_LABELLED.exec(text)) {
    if (m[1] && /^[A-Z]/.test(m[1]))
      out.push({ name: m[1].replace(/[.,;:]+$/, '').replace(/(?<=\b(?:Inc|Ltd|Co|Corp))$/, '.'), index: m.index, score: 0.8 });
  }
  if (/[Cc]lient|[Cc]ustomer|[Pp]rospect|[Aa]ccount/.test(text)) {
    EN_CLIENT_BEFORE.lastIndex = 0;
    for (let m = EN_CLIENT_BEFORE.exec(text); m; m = EN_CLIENT_BEFORE.exec(text))
      if (m[1]) out.push({ name: toSentenceEnd(m[1]).replace(/[,;:]+$/, ''), index: m.index, score: 0.7 });
  }
  EN_UNIT_SUBJECT.lastIndex = 0;
  for (let m = EN_UNIT_SUBJECT.exec(text); m; m = EN_UNIT_SUBJECT.exec(text))
    if (m[1] && !/^(?:The|Their|Our|Its|His|Her|We|They)$/.test(m[1])) out.push({ name: m[1], index: m.index, score: 0.7 });
  // `Zoom w/ the Nimbus Cloud team`: the organisation whose team it is.
  if (text.includes(' team')) {
    EN_TEAM_OF.lastIndex = 0;
    for (let m = EN_TEAM_OF.exec(text); m; m = EN_TEAM_OF.exec(text)) if (m[1]) out.push({ name: m[1], index: m.index, score: 0.6 });
  }
  EN_BEFORE_CJK.lastIndex = 0;
  for (let m = EN_BEFORE_CJK.exec(text); m; m = EN_BEFORE_CJK.exec(text)) {
    if (m[1] && /[A-Za-z]{2}/.test(m[1]) && !BARE_ORG_UNIT.test(m[1]) && !PRODUCT_KIND.test(m[1]))
      out.push({ name: m[1], index: m.index, score: 0.75 });
  }
  // `报价已发 Pacifica Seafoods,`: in a Chinese note, a run of capitalised Latin words that is no
  // person is an organisation (the weakest English signal); not a product (用的是Microsoft Teams,
  // SAP Business One, Power BI: after a verb of using or buying, after another Latin word, or
  // with a word in capitals).
  if (/[\u4e00-\u9fa5]/.test(text)) {
    LATIN_RUN_IN_CJK.lastIndex = 0;
    for (let m = LATIN_RUN_IN_CJK.exec(text); m; m = LATIN_RUN_IN_CJK.exec(text)) {
      // `Lily Chen`: a given name and a surname is a person, whatever the cues around it.
      const words = (m[1] ?? '').split(/\s+/);
      if (words.length === 2 && (isGivenName(words[0] ?? '') || isSurname(words[1] ?? ''))) continue;
      if (m[1]) out.push({ name: m[1], index: m.index, score: 0.5 });
    }
  }
  EN_HEADING.lastIndex = 0;
  for (let m = EN_HEADING.exec(text); m; m = EN_HEADING.exec(text)) {
    const name = (m[1] ?? '').trim();
    if (name && !/^(?:Customer|Client|Contact|Notes?|Next|Budget|Re|Subject)$/i.test(name)) out.push({ name, index: m.index, score: 0.7 });
  }
  EN_SUBJECT.lastIndex = 0;
  for (let m = EN_SUBJECT.exec(text); m; m = EN_SUBJECT.exec(text)) {
    const name = (m[1] ?? '').trim();
    if (name && !/^(?:They|We|He|She|It|I|The client|Customer|Client)$/.test(name))
      out.push({ name, index: m.index, score: ORG_WORD_EN.test(name) ? 0.8 : 0.6 });
  }
  EN_ORG.lastIndex = 0;
  for (let m = EN_ORG.exec(text); m; m = EN_ORG.exec(text)) {
    const name = (m[1] ?? '')
      .replace(
        /^(?:Called|Met|Visited|Emailed|With|Spoke|Followed|Follow|Lost|Won|Signed|Closed|Pinged|Texted|Messaged)\s+(?:with\s+|to\s+|up\s+with\s+)?/i,
        '',
      )
      .trim();
    if (name.split(/\s+/).length >= 2) out.push({ name, index: m.index, score: 0.8 });
  }
  EN_VERB.lastIndex = 0;
  for (let m = EN_VERB.exec(text); m; m = EN_VERB.exec(text)) {
    let name = (m[1] ?? '').trim().replace(POSSESSIVE_UNIT, '');
    while (EN_TRAILING.test(name)) name = name.replace(EN_TRAILING, '');
    // `Signed NDA`: a document, not an organisation.
    if (/^(?:NDA|MSA|SOW|PO|SLA|LOI|MOU|DPA|RFP|RFQ)$/.test(name)) continue;
    // Two capitalised words without a company word may be a person (Mark Chen): low confidence.
    const org = ORG_WORD_EN.test(name) || ORG_WORDS_EN.test(name);
    if (name) out.push({ name, index: m.index, score: org ? 0.8 : name.split(/\s+/).length === 2 ? 0.5 : 0.55 });
  }
  return out;
}

/**
 * The strongest candidate; among equals, the one named first. A short form (康联) of a name the
 * note also writes in full with its organisation ending (康联制药) is given in full.
 */
export function pickCustomer(candidates: CustomerCandidate[]): CustomerCandidate | null {
  let best: CustomerCandidate | null = null;
  for (const c of candidates) {
    if (!best || c.score > best.score || (c.score === best.score && c.index < best.index)) best = c;
  }
  if (!best) return best;
  for (const c of candidates) {
    // Written elsewhere in the note, not the same words read longer (市三院 / 市三院信息科).
    // Cheapest tests first: most notes have no other candidate that starts with the best one.
    if (c.name.length <= best.name.length || !c.name.startsWith(best.name) || Math.abs(c.index - best.index) <= c.name.length) continue;
    if (
      !hasOrgTail(best.name) &&
      /[\u4e00-\u9fa5]$/.test(best.name) &&
      SUFFIX_ONLY.test(c.name.slice(best.name.length).replace(/(?:股份有限公司|有限责任公司|有限公司|公司)$/, ''))
    )
      return { ...best, name: c.name };
  }
  // 中国移动浙江公司的项目…对接人是移动的喻经理: a short form of a name written in full earlier
  // with an organisation's ending is that name.
  if (!hasOrgTail(best.name) && /^[\u4e00-\u9fa5]{2,4}$/.test(best.name))
    for (const c of candidates)
      if (c.index < best.index && c.score >= 0.6 && c.name.length > best.name.length && c.name.includes(best.name) && hasOrgTail(c.name))
        return { ...best, name: c.name };
  return best;
}

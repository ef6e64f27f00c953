import { findLatinPeople, ORG_WORDS_EN } from './english-names.js';
import { isDictionaryPair, segment, segmentDictionary, watchPairsOf } from './segmenter.js';

/** Common Chinese surnames (single and compound), so 总价 or 部长 are not read as people. */
const COMPOUND_SURNAMES = '欧阳|司马|上官|诸葛|东方|皇甫|慕容|令狐|夏侯|尉迟|公孙|长孙|宇文|司徒|端木';
const SURNAMES =
  '钮贝邴竺茆宓闾蔚谯晏苗卜管柏诸暴甘凤' +
  '阎萧傅佘鄂訾赖粱鞠晏隗郦酆王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由';
const TITLES =
  '总监|总经理|总裁|总工|董事长|董事|总|经理|工程师|工|主任|行长|女士|先生|老师|处长|局长|院长|园长|校长|部长|科长|所长|厂长|主管|老板|律师|医生|教授|博士|研究员|书记|会计|秘书长|秘书|理事长|庭长|股长|助理|专员|小姐|大姐|大哥|阿姨|叔叔|大爷|奶奶|爷爷|护士长|大队长|支队长|中队长|队长|站长|馆长|社长|会长|村长|组长|店长|同学|师傅|姐|哥|太(?![贵多少忙好高低远大小快慢久难累晚早重热冷])';

// 徐工集团, 王总部: the title is the start of a longer word, not a form of address.
watchPairsOf(SURNAMES);
const CN_CONTACT = new RegExp(
  `(?:${COMPOUND_SURNAMES}|[${SURNAMES}])副?(?:${TITLES})(?!价|额|体|结|共|计|部|数|量|之|厂|师|集团|机械|科技|股份|重工|控股|实业|建设|有限|公司|电子|银行|证券|程)`,
  'g',
);
/**
 * Short forms that are a title only as a word of their own (`葛处 电话`, `老板 陈生 上门`,
 * `王局,`): 处 (处长), 局 (局长), 生 (Cantonese 先生). Inside a phrase they are other words (好处, 卫生).
 */
const CN_SHORT_TITLE = new RegExp(`(?<=^|[\\s,:;的])(?:${COMPOUND_SURNAMES}|[${SURNAMES}])[处局生](?=$|[\\s,.:;!?])`, 'g');
/**
 * 老郑, 小吴, 小马哥: 老/小 before a surname. Only where the dictionary does not read the
 * characters as a word (小时, 老师, 小区, 小米, 小程序), or, for words it does know (小叶), after a
 * role (`客服主管小叶`, `运营小马哥`).
 */
const CN_FAMILIAR = new RegExp(`[老小](?:${COMPOUND_SURNAMES}|[${SURNAMES}])[哥姐]?`, 'g');
const ROLE_BEFORE =
  /(?:\b(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|HR|PM|manager|head|director|lead|owner|founder|buyer|producer|merchandiser|partner)|总监|经理|主管|负责人|对接人|联系人|老板|店长|[场店厂园矿]主|前台|助理|专员|采购|客服|运营|秘书|师|顾问|代表|客户|顾客|[部科处组室])\s*(?:是|[:：])?\s*$/i;
/** A whole name after a role (`CFO李文博`, `EHS manager 周丽`): a word of 2-3 characters opening with a surname. */
const NAME_AFTER_ROLE = new RegExp(
  `(?:\\b(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|HR|manager|head|director|lead|owner|founder|buyer)|总监|经理|主管|负责人|对接人|联系人|老板|店长|前台|助理|专员|姓名|名叫)\\s*(?:是|[:：])?\\s*(?=(?:${COMPOUND_SURNAMES}|[${SURNAMES}])[\\u4e00-\\u9fa5])`,
  'gi',
);
const GIVEN_FAMILIAR =
  /(?:的|老板娘|老板|店长|经理|主管|前台|会计|财务|负责人)[\u4e00-\u9fa5](?<![大小老表堂师空嫂姐哥我你他她亲干学一二三四五六七八九十])[姐哥](?![\u4e00-\u9fa5]?[夫们])/g;
watchPairsOf('姐哥');
const COMPOUND_FULL_NAME = new RegExp(`^(?:${COMPOUND_SURNAMES})[\\u4e00-\\u9fa5]{1,2}(?![\\u4e00-\\u9fa5])`);
/** A dictionary word of three characters after a role is a name (王海波); these endings make it a place or a time. */
const NOT_NAME_END = /[区市省县镇村年月日天期周点]$/;

/**
 * `经宏远机电马经理介绍`, `东方美谷的包总把她表姐的公司介绍给我们`: whoever made the introduction
 * is not the person spoken to.
 */
const REFERRAL = /经[^,.;!?\n\s]{2,30}?介绍|[^,.;!?\n]{2,30}?把[^,.;!?\n]{2,30}?介绍给/g;
/** `spoke with Mark Chen`, `contact: Sarah Lee`, `Mr. Smith` */
const EN_CONTACT =
  /(?:\b(?:[Ss]poke (?:with|to)|[Tt]alked (?:with|to)|[Cc]ontact(?:ed)?:?|[Mm]et|[Ee]mailed|[Cc]alled|with|[Aa]ttn:?)\s+|,\s*|\(\s*)((?:Mr\.?|Ms\.?|Mrs\.?|Dr\.?)\s+[A-Z][a-z\u00df-\u00f6\u00f8-\u024f]+|[A-Z][a-z\u00df-\u00f6\u00f8-\u024f]+\s+[A-Z][a-z\u00df-\u00f6\u00f8-\u024f]+)(?![A-Za-z\u00c0-\u024f])/g;

/** `张丽 35岁左右`, `郑凯,四十多岁`: a full name followed by the person's age (the name opens its phrase). */
const NAME_BEFORE_AGE = new RegExp(
  `(?<![\\u4e00-\\u9fa5])(?:${COMPOUND_SURNAMES}|[${SURNAMES}])[\\u4e00-\\u9fa5]{1,2}(?=\\s*,?\\s*(?:\\d{1,2}|[二三四五六七八九]?十[一二三四五六七八九]?)多?岁)`,
  'g',
);
/** `Dr. 沈`, `Mr. 王`: a Latin honorific before a Chinese surname standing alone (what follows a surname may be a verb: `Mr. 王说`). */
const HONORIFIC_CJK = new RegExp(
  `(?<![A-Za-z])(?:Mr|Ms|Mrs|Miss|Dr|Prof)\\.?\\s*((?:${COMPOUND_SURNAMES}|[${SURNAMES}]))(?![\\u4e00-\\u9fa5])`,
  'g',
);

const PERSON_NAME = new RegExp(`^(?:${COMPOUND_SURNAMES}|[${SURNAMES}])[\\u4e00-\\u9fa5]{1,2}$`);
/** 王明, 欧阳敏: two or three characters opening with a surname, the shape of a person's full name. */
export const looksLikePersonName = (name: string) => PERSON_NAME.test(name);

/** `person`: named as a person for certain (a given name, an honorific), not only by position. */
export type ContactMention = { name: string; index: number; end: number; person?: boolean };

/** Whether the dictionary reads the character before `at` and the one at `at` as one word (公关, 设计). */
function startsInsideWord(text: string, at: number): boolean {
  // Most surnames do not end a word with the character before them: no segmenting needed.
  if (!isDictionaryPair(text[at - 1] ?? '', text[at] ?? '')) return false;
  const from = Math.max(0, at - 2);
  let offset = from;
  for (const word of segmentDictionary(text.slice(from, at + 2))) {
    if (offset === at) return false;
    if (offset < at && offset + word.length > at) return true;
    offset += word.length;
  }
  return false;
}

/** The person spoken to: `王总`, `李经理`, `欧阳总`, `Sarah Lee`; the first one named. */
export function findContacts(text: string): ContactMention[] {
  const out: ContactMention[] = [];
  const referrals = (text.includes('介绍') ? [...text.matchAll(REFERRAL)] : []).map((m) => [m.index, m.index + m[0].length] as const);
  CN_CONTACT.lastIndex = 0;
  for (let m = CN_CONTACT.exec(text); m; m = CN_CONTACT.exec(text)) {
    const at = m.index;
    if (referrals.some(([a, b]) => a <= at && at < b)) continue;
    // 公关主管, 设计总监: the surname character ends a word of the dictionary, so it is no surname.
    if (at > 0 && /[\u4e00-\u9fa5]/.test(text[at - 1] ?? '') && startsInsideWord(text, at)) continue;
    out.push({ name: m[0], index: at, end: at + m[0].length });
  }
  if (/[\u4e00-\u9fa5]/.test(text)) findMoreChinese(text, out, referrals);
  if (/(?:Mr|Ms|Miss|Dr|Prof)\.?\s*[\u4e00-\u9fa5]/.test(text)) {
    HONORIFIC_CJK.lastIndex = 0;
    for (let m = HONORIFIC_CJK.exec(text); m; m = HONORIFIC_CJK.exec(text))
      if (!overlaps(out, m.index, m.index + m[0].length))
        out.push({ name: m[0], index: m.index, end: m.index + m[0].length, person: true });
  }
  const latin = findLatinPeople(text);
  EN_CONTACT.lastIndex = 0;
  for (let m = EN_CONTACT.exec(text); m; m = EN_CONTACT.exec(text)) {
    const name = m[1] ?? '';
    // `Follow-up with Massive Dynamic: …`: a name heading what follows is the organisation.
    if (text[m.index + m[0].length] === ':') continue;
    // `Catch-up with Pied Piper, Richard says …`: someone else speaks for what was named, so it is the organisation.
    if (
      /^\s*,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?:says|said|confirmed|wants|told|asked|replied|thinks)\b/.test(
        text.slice(m.index + m[0].length),
      )
    )
      continue;
    if (ORG_WORD_EN.test(name) || ORG_WORDS_EN.test(name)) continue;
    const index = m.index + m[0].length - name.length;
    if (latin.some((p) => p.index < index + name.length && index < p.end)) continue;
    out.push({ name, index, end: index + name.length });
  }
  out.push(...latin.filter((p) => !out.some((c) => c.index < p.end && p.index < c.end)).map((p) => ({ ...p, person: true })));
  return out.sort((a, b) => a.index - b.index);
}

function overlaps(out: ContactMention[], at: number, end: number): boolean {
  for (const c of out) if (c.index < end && at < c.end) return true;
  return false;
}

/** A name findMoreChinese found, unless a contact or a referral already covers it (no closure per note). */
function addMore(name: string, at: number, out: ContactMention[], found: ContactMention[], referrals: (readonly [number, number])[]): void {
  // 小杜哥 holds 杜哥, which CN_CONTACT found: the longer form is the one written.
  let inner = -1;
  for (let i = 0; i < out.length; i++) {
    const c = out[i] as ContactMention;
    if (c.index === at + 1 && c.end === at + name.length) {
      inner = i;
      break;
    }
  }
  if (inner >= 0 && /^[老小]/.test(name)) out.splice(inner, 1);
  for (const [a, b] of referrals) if (a <= at && at < b) return;
  if (overlaps(out, at, at + name.length) || overlaps(found, at, at + name.length)) return;
  found.push({ name, index: at, end: at + name.length });
}

/** The forms of address CN_CONTACT does not cover: 葛处, 陈生, 老郑, 小吴, 小马哥, `CFO李文博`. */
function findMoreChinese(text: string, out: ContactMention[], referrals: (readonly [number, number])[]): void {
  const found: ContactMention[] = [];
  // Most notes hold none of these characters: one scan each, not the surname alternations.
  CN_SHORT_TITLE.lastIndex = /[处局生]/.test(text) ? 0 : text.length;
  for (let m = CN_SHORT_TITLE.exec(text); m; m = CN_SHORT_TITLE.exec(text)) addMore(m[0], m.index, out, found, referrals);
  if (/[老小]/.test(text)) {
    CN_FAMILIAR.lastIndex = 0;
    for (let m = CN_FAMILIAR.exec(text); m; m = CN_FAMILIAR.exec(text)) {
      const at = m.index;
      // Dictionary words only: 老/郑 is no word, 老师 and 小/程序 are (the surname starts a longer word).
      const [first, second] = segmentDictionary(text.slice(at, at + 4));
      const apart = first === text[at] && second === text[at + 1];
      const word = first === m[0] || (first === m[0].slice(0, 2) && second === m[0].slice(2));
      if (apart || (word && ROLE_BEFORE.test(text.slice(Math.max(0, at - 12), at)))) addMore(m[0], at, out, found, referrals);
    }
  }
  // 老板芳姐, 美容院的丽姐: a given name with 姐/哥 after a role or 的 (a surname is CN_CONTACT's),
  // unless the two characters are a word of the dictionary (表姐, 小姐, 空姐, 师兄…).
  if (/[姐哥]/.test(text)) {
    GIVEN_FAMILIAR.lastIndex = 0;
    for (let m = GIVEN_FAMILIAR.exec(text); m; m = GIVEN_FAMILIAR.exec(text)) {
      const at = m.index + m[0].length - 2;
      if (isDictionaryPair(text[at] ?? '', text[at + 1] ?? '')) continue;
      addMore(text.slice(at, at + 2), at, out, found, referrals);
    }
  }
  if (text.includes('岁')) {
    NAME_BEFORE_AGE.lastIndex = 0;
    for (let m = NAME_BEFORE_AGE.exec(text); m; m = NAME_BEFORE_AGE.exec(text)) addMore(m[0], m.index, out, found, referrals);
  }
  NAME_AFTER_ROLE.lastIndex = 0;
  for (let m = NAME_AFTER_ROLE.exec(text); m; m = NAME_AFTER_ROLE.exec(text)) {
    const at = m.index + m[0].length;
    // 经理王总: CN_CONTACT has it already; no segmenting.
    if (overlaps(out, at, at + 1) || overlaps(found, at, at + 1)) continue;
    // 姓名欧阳敏: a compound surname and a given name of one or two characters, ending the run.
    const compound = COMPOUND_FULL_NAME.exec(text.slice(at, at + 5))?.[0];
    if (compound) {
      addMore(compound, at, out, found, referrals);
      continue;
    }
    // A dictionary word of two characters (周五, 安排, 马上) is no name; one of three is (王海波).
    const [first = ''] = segmentDictionary(text.slice(at, at + 3));
    if (first.length === 2) continue;
    const word = first.length === 3 ? first : (segment(text.slice(at, at + 4))[0] ?? '');
    if (word.length < 2 || word.length > 3 || !/^[\u4e00-\u9fa5]+$/.test(word) || NOT_NAME_END.test(word)) continue;
    addMore(word, at, out, found, referrals);
  }
  out.push(...found);
}

/** Words that make a capitalised pair a company, not a person. */
export const ORG_WORD_EN =
  /\b(Traders|Trading|Ltd|Inc|Corp|Co|LLC|Group|Bank|Enterprises|Technologies|Technology|Tech|Industries|Holdings|Systems|Solutions|Labs|Partners|Capital|Robotics|Logistics|Software|Motors|Foods|Pharma|Media|Studio|Company|Corporation|Limited)\b/;

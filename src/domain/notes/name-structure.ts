import { isPlaceWord, segment, segmentDictionary, wordsAround } from './segmenter.js';

type Token = { word: string };

/**
 * Where a Chinese organisation name starts and ends, decided on jieba's words rather than on
 * characters: `跟了下小红书` → 下 is a word of its own (a verb's complement), so it is dropped,
 * while 下沙物流 keeps its 下; `协和医院信息科` ends at the word 信息科, a department.
 */

/**
 * Function words as jieba cuts them off (a closed list, not tags: jieba tags 中 of 中石油 or 同 of
 * 同方威视 as function words too, but only cuts them off when they stand alone).
 */
const LEFT_FUNCTION = new Set(
  '下|了|的|地|得|着|过|她|他|它|他们|她们|我们|咱们|对方|这家|那家|这个|那个|和|跟|与|同|及|向|对|给|在|从|把|被|也|又|再|还|就|都|刚|刚刚|才|已|已经|一下|一起|今天|昨天|前天|上周|本周|这周|上午|下午|晚上|刚才|等|叫|经|来|来看|什么|来着|就是|然后|嗯|呃|啊|我|我们|那个什么'.split(
    '|',
  ),
);
const RIGHT_FUNCTION = new Set(
  '的|了|着|过|也|又|都|还|就|那边|这边|方面|一下|一起|他们|她们|他|她|签合同|讲方案|做演示|演示|签约|谈判'.split('|'),
);
/** Verbs that reps glue to names (找比亚迪, 比亚迪找…); a closed list, so 招行 or 拼多多 are not cut. */
const EDGE_VERBS = new Set(
  '接到|收到|碰到|遇到|找到|接待了|接待|找|去|见|是|跟|聊|打|约|到|在|做|看|请|陪|给|帮|问|催|和|与|同|向|对|为|把|被|让|说|想|要|拜访|联系|跟进|回访|电联|致电|来电|回电|去了趟|去了一趟|跑了趟|跟了下|跟了一下|聊了下|聊了一下|见了|见到|约了|拜访了|联系了|跟进了|回访了|打了个|打了通|面谈|走访|开会|沟通|交流|通话|电话|微信|邮件|来访|到访'.split(
    '|',
  ),
);
const LABELS = new Set('老客户|新客户|大客户|意向客户|潜在客户|新线索|线索|客户|顾客|个人客户|甲方|联系人|对接人'.split('|'));
/** A tier label before a name: `B级客户海尔`. */
const TIER_LABEL = /^[ABCabc]\s*[级类](?:客户)?/;

/** Words a department or unit ends with; the unit itself is not the customer. */
/** Unit words that take the word before them as their qualifier (品牌 + 部, 计算机 + 学院). */
const DEPT_WORDS = new Set('部|科|处|室|组|中心|学院|事业部|事业群|办公室|项目组|基地'.split('|'));
/** 爱尔眼科, 华美口腔科: a specialty after a name that is no hospital's is a clinic's own name. */
export function isClinicName(name: string): boolean {
  const m = /(?:眼科|牙科|齿科|口腔科|儿科|妇科|妇产科|骨科|皮肤科|耳鼻喉科|男科|中医科|肛肠科|整形科)$/.exec(name);
  return m !== null && m.index >= 2 && !/(?:医院|院|中心|[部科处室])$/.test(name.slice(0, m.index));
}
/** Unit words that stand alone after the organisation (蓝鸟咖啡 + 门店). */
const UNIT_WORDS = new Set('门店|分部|本部|部门|板块|团队|总部'.split('|'));
/** Single characters HMM glues to the name after them (跟锐达物流 → 跟锐 / 达): verbs and prepositions. */
const GLUED = /^[跟去到等叫找给经向从]/;
const DEPT_END = /(?:部|科|处|室|组|事业部|事业群|办公室|部门)$/;
/** `学院`, `中心`, `基地` end organisations too (浙江工商学院); they are a unit only after an organisation. */
const WEAK_DEPT = /^(?:学院|中心)$/;
const ORG_END = /(?:大学|医院|集团|公司|银行|委|局|政府|中心|研究院|学校|基地)$/;

/** A name that neither starts nor ends with an edge word needs no segmenting (most names). */
const LEFT_EDGES = new Set([...LEFT_FUNCTION, ...EDGE_VERBS, ...LABELS]);
const RIGHT_EDGES = new Set([...RIGHT_FUNCTION, ...EDGE_VERBS, ...LABELS]);
const LONGEST_EDGE = Math.max(...[...LEFT_EDGES, ...RIGHT_EDGES].map((w) => w.length));
/** The characters edge words start and end with: a name that starts (ends) otherwise needs no lookups. */
const LEFT_EDGE_FIRST = new Set([...LEFT_EDGES].map((w) => w[0]));
const RIGHT_EDGE_LAST = new Set([...RIGHT_EDGES].map((w) => w[w.length - 1]));
/**
 * Set lookups of the name's first and last 1..4 characters, not a regex of a hundred words; each
 * slice is a new string hashed for its lookup, so the name's first (last) character is checked first.
 */
function mayStartWithEdge(name: string): boolean {
  if (!LEFT_EDGE_FIRST.has(name[0])) return false;
  for (let n = 1; n <= LONGEST_EDGE && n <= name.length; n++) if (LEFT_EDGES.has(name.slice(0, n))) return true;
  return false;
}
function mayEndWithEdge(name: string): boolean {
  if (!RIGHT_EDGE_LAST.has(name[name.length - 1])) return false;
  for (let n = 1; n <= LONGEST_EDGE && n <= name.length; n++) if (RIGHT_EDGES.has(name.slice(name.length - n))) return true;
  return false;
}

const isLeftEdge = (t: Token) => LEFT_FUNCTION.has(t.word) || EDGE_VERBS.has(t.word) || LABELS.has(t.word);
const isRightEdge = (t: Token) =>
  RIGHT_FUNCTION.has(t.word) || (EDGE_VERBS.has(t.word) && !/^[和与同]$/.test(t.word)) || LABELS.has(t.word);

/**
 * Drops function words, glued verbs and labels from both ends of a Chinese name. The name is
 * placed in the words of the whole note when it occurs there (`跟了下小红书`: 下 belongs to the
 * verb 跟了下, which a name cut out of its sentence would not show).
 */
export function trimNameEdges(name: string, note: string): string {
  const stripped = name.replace(TIER_LABEL, '');
  if (!/[\u4e00-\u9fa5]/.test(stripped)) return stripped;
  if (!mayEndWithEdge(stripped) && !mayStartWithEdge(stripped) && !GLUED.test(stripped)) return stripped;
  const pos = note.indexOf(stripped);
  if (pos >= 0) {
    const endPos = pos + stripped.length;
    const inside = wordsAround(note, pos).filter((t) => t.end > pos && t.start < endPos);
    const first = inside[0];
    const last = inside[inside.length - 1];
    let from = pos;
    let to = endPos;
    // A word cut by the name's edge whose own ending or start is a verb or particle (跟了下 → 下).
    if (first && first.start < pos && (isLeftEdge(first) || isRightEdge(first))) from = Math.min(first.end, endPos);
    if (last && last.end > endPos && (isLeftEdge(last) || isRightEdge(last))) to = Math.max(last.start, from);
    const words = inside.filter((t) => t.start >= from && t.end <= to);
    let a = 0;
    let b = words.length;
    while (a < b && isLeftEdge(words[a] as Token)) a++;
    while (b > a && isRightEdge(words[b - 1] as Token)) b--;
    const lo = a < words.length ? Math.max(from, (words[a] as { start: number }).start) : to;
    const hi = b > a ? Math.min(to, (words[b - 1] as { end: number }).end) : lo;
    // Keep partial words at the edges that are not function words (the name may end mid-word).
    const out = note.slice(a === 0 ? from : lo, b === words.length ? to : hi).trim();
    return unglue(out);
  }
  const tokens = wordsOf(stripped, note);
  let start = 0;
  let end = tokens.length;
  while (start < end && isLeftEdge(tokens[start] as Token)) start++;
  while (end > start && isRightEdge(tokens[end - 1] as Token)) end--;
  const kept = tokens.slice(start, end);
  return unglue(
    kept
      .map((t) => t.word)
      .join('')
      .trim(),
  );
}

/** `跟锐达物流` → `锐达物流`: a verb glued to the name by jieba's guessing, unless the dictionary has the pair (到家). */
function unglue(name: string): string {
  if (!GLUED.test(name) || [...name].length < 4) return name;
  const first = segmentDictionary(name.slice(0, 3))[0];
  return first === name[0] ? name.slice(1) : name;
}

/**
 * Cuts a department or unit off the end of a name: `三只松鼠品牌部` → `三只松鼠`,
 * `协和医院信息科` → `协和医院`, `浙江大学计算机学院` → `浙江大学`. A unit word on its own
 * (`部`, `学院`) takes the word before it along (`品牌` + `部`).
 */
export function cutDepartment(name: string, note: string, looksLikeOrg: (head: string) => boolean = () => false): string {
  if (!/[\u4e00-\u9fa5]{2}[部科处室组心院地店队群]$/.test(name)) return name;
  const tokens = wordsOf(name, note);
  if (tokens.length < 2) return name;
  const last = tokens[tokens.length - 1] as Token;
  let cut = -1;
  const headBefore = (i: number) =>
    tokens
      .slice(0, i)
      .map((t) => t.word)
      .join('');
  if (UNIT_WORDS.has(last.word)) {
    cut = tokens.length - 1;
    // 周大福香港总部, 华联超市徐汇门店: the unit's place goes with it.
    if (cut >= 2 && isPlaceWord((tokens[cut - 1] as Token).word)) cut--;
  } else if (/中心$/.test(last.word) && last.word.length > 2) {
    // 信息中心 after 卫健委 is a unit; 服务中心 after 社区卫生 is the organisation's own name.
    if (!ORG_END.test(headBefore(tokens.length - 1)) && !looksLikeOrg(headBefore(tokens.length - 1))) return name;
    cut = tokens.length - 1;
  } else if (isClinicName(name)) {
    return name;
  } else if (DEPT_WORDS.has(last.word)) {
    // The unit word alone (部, 学院): its qualifier is the word before it, unless that word ends
    // the organisation (人民政府 + 办公室).
    cut = [...last.word].length > 1 && ORG_END.test(headBefore(tokens.length - 1)) ? tokens.length - 1 : tokens.length - 2;
    if (WEAK_DEPT.test(last.word)) {
      const head = tokens
        .slice(0, cut)
        .map((t) => t.word)
        .join('');
      if (!ORG_END.test(head) && !looksLikeOrg(head)) return name;
    }
  } else if (DEPT_END.test(last.word) && [...last.word].length >= 2 && last.word !== '办事处') {
    cut = tokens.length - 1;
  }
  if (cut <= 0) return name;
  // 蔚来的汽车事业部: the 的 goes with the department.
  let end = cut;
  while (end > 0 && /^[的之]$/.test((tokens[end - 1] as Token).word)) end--;
  const head = tokens
    .slice(0, end)
    .map((t) => t.word)
    .join('');
  return [...head].length >= 2 ? head : name;
}

/** Functions of an organisation that notes name without 部 (他们售后的甘经理, `酒店 前厅 韩经理`). */
const FUNCTIONS = new Set(
  '售后|售前|前厅|前台|后厨|财务|采购|技术|行政|人事|法务|市场|销售|运营|客服|研发|生产|品控|质检|仓库|仓管|设备|工程|品牌|后勤|总务|保卫|基建|车间|教务|医务|信息|IT|HR|QA'.split(
    '|',
  ),
);
/** 售后, 前厅, 综治办, 党政办: a function or office of an organisation, no organisation itself. */
export function isFunctionUnit(word: string): boolean {
  return FUNCTIONS.has(word) || /^[\u4e00-\u9fa5]{1,3}办$/.test(word);
}

/** A word that names a unit, a region or a project, not a customer: 品牌部, 华东区, 仓储项目, 年产20万吨. */
export function isUnitWord(word: string): boolean {
  if (/\d/.test(word) || isFunctionUnit(word)) return true;
  if (
    /^[\u4e00-\u9fa5]{0,6}(?:项目|工程|区|大区|片区|区域|板块|总部|事业部|事业群|分部|本部|部门|项目组|部|科|处|室|组|股|庭|门店|基地|中心|大队|支队|中队|站|改造|升级|数字化|信息化|智能化|[二三四]期)$/.test(
      word,
    )
  )
    return true;
  // 华东供应链, 华南区采购: a region's part of the organisation.
  return /^(?:华东|华南|华北|华中|西南|西北|东北|海外|国内|线上|线下)[\u4e00-\u9fa5]{0,4}$/.test(word);
}

/** Whether a word of the note starts or ends at this offset. */
export function isWordBoundary(note: string, offset: number): boolean {
  if (offset <= 0 || offset >= note.length || /[,.;!?\n\s]/.test(note[offset - 1] ?? '')) return true;
  for (const t of wordsAround(note, Math.max(0, offset - 1))) {
    if (t.start === offset || t.end === offset) return true;
    if (t.start > offset) return false;
  }
  return false;
}

/** Names not found as such in the note (rebuilt from parts) are segmented on their own; a few repeat. */
const ownWords = new Map<string, Token[]>();

/**
 * The words of a name: those of the note where the name occurs in it (a word cut by the name's
 * edge keeps only its part inside), else the name segmented on its own.
 */
function wordsOf(name: string, note: string): Token[] {
  const pos = note.indexOf(name);
  if (pos >= 0) {
    const end = pos + name.length;
    const out: Token[] = [];
    for (const t of wordsAround(note, pos)) {
      if (t.end <= pos || t.start >= end) continue;
      out.push(t.start >= pos && t.end <= end ? t : { word: note.slice(Math.max(pos, t.start), Math.min(end, t.end)) });
    }
    return out;
  }
  let words = ownWords.get(name);
  if (!words) {
    words = segment(name).map((word) => ({ word }));
    if (ownWords.size >= 1000) ownWords.clear();
    ownWords.set(name, words);
  }
  return words;
}

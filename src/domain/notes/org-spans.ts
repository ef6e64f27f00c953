import { isCommonPredicate, wordsAround } from './segmenter.js';

/**
 * Reading a name on from where the note's structure says one starts (after 拜访, after 叫, after
 * `做光伏支架的`, at the head of a note), word by word as jieba cuts the clause, until a word that
 * cannot be part of a name: a particle, a verb of what happened, a pronoun, a time, a CRM word.
 * The name's own words are mostly nouns jieba does not know (瑞德, 恒远) or knows as other words
 * (驰骋, 阳光), so the rule is which words end a name, not which words make one.
 */

/** Words that end a name read on from a cue (a closed list of function words, verbs of the visit, times). */
const STOP_WORDS = new Set(
  (
    '的|之|了|着|过|和|跟|与|同|及|给|找|聊|谈|说|是|在|把|被|让|对|向|从|为|要|想|有|没|不|也|都|还|就|又|再|才|已|' +
    '已经|见|见了|见到|约|约了|去|来|到|签|签了|发|发来|发了|问|讲|表示|觉得|希望|需要|打算|准备|决定|同意|回复|反馈|' +
    '一直|今天|明天|后天|昨天|上午|下午|晚上|中午|早上|上次|这次|之前|之后|以后|目前|现在|刚刚|刚才|最近|那边|这边|' +
    '方面|这个|那个|这家|那家|他们|她们|我们|对方|他|她|它|我|负责人|对接|对接人|联系人|老板|老板娘|一起|当面|电话|微信|邮件|打电话|' +
    '开会|沟通|交流|聊聊|聊了|谈了|打了|说要|换|换了|上|用|用了|买|买了|做|试用|考虑|报价|方案|合同|预算|需求|项目|' +
    '采购|招标|价格|总价|系统|平台|产品|设备|这块|这单|客户|联系|联系过|跟进|拜访|回访|一次|一下|很|挺|非常|突然|' +
    '先|后|那里|这里|码头|车间|现场|工地|门口|楼下|办公室'
  ).split('|'),
);
const TIME_WORD = /^(?:[上下本这]周|[上下这]个?月|[去今明前]年|[前后大]天|周[一二三四五六日天]|星期|礼拜|月[初底末中])/;
/** Characters a name is written in; anything else (punctuation, spaces, digits alone) ends it. */
const NAME_WORD = /^[\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z0-9&·]*$/;
const MAX_CHARS = 16;

function startsContact(contacts: { index: number }[], offset: number): boolean {
  for (const c of contacts) if (c.index === offset) return true;
  return false;
}

export type Span = { name: string; index: number; end: number };

/**
 * The name that starts at `start`: the words from there up to the first that cannot be part of
 * a name (a name stops before a person named in `contacts`). Null when no name-like word starts there.
 */
export function spanFrom(
  text: string,
  start: number,
  contacts: { index: number }[],
  looksLikeOrg: (name: string) => boolean = () => false,
): Span | null {
  while (start < text.length && (text[start] === ' ' || text[start] === ':' || text[start] === '：')) start++;
  if (start >= text.length) return null;
  const words = wordsAround(text, start);
  let i = 0;
  while (i < words.length && (words[i] as { end: number }).end <= start) i++;
  let end = start;
  for (; i < words.length; i++) {
    const placed = words[i] as { word: string; start: number; end: number };
    // The cue ends inside a word jieba guessed across it (拜访后嘉逸 → 后嘉逸): the name is its rest.
    const w = placed.start < start ? { word: text.slice(start, placed.end), start, end: placed.end } : placed;
    if (!NAME_WORD.test(w.word) || STOP_WORDS.has(w.word) || startsContact(contacts, w.start) || w.end - start > MAX_CHARS) break;
    // 摄影师Lily, 采购Tom: Latin letters after Chinese words start a person's name (a Latin brand
    // comes first: Tesla上海超级工厂).
    if (end > start && /^[A-Za-z]/.test(w.word) && /[\u4e00-\u9fa5]/.test(text[w.start - 1] ?? '')) break;
    // 山隐咖啡上周…: a time ends the name.
    if (TIME_WORD.test(w.word)) break;
    // 心情不错, 老房子加装电梯: a common verb or adjective after the first word makes a phrase, not a name.
    if (end > start && isCommonPredicate(w.word) && !looksLikeOrg(w.word)) break;
    end = w.end;
  }
  return end - start >= 2 ? { name: text.slice(start, end), index: start, end } : null;
}

/**
 * A name read on too far into the place or unit after it (`蓝海渔业码头`, `恒润纺织车间`): the
 * longest run of its first words that ends as an organisation does, when one or two words follow.
 */
export function cutToOrgHead(text: string, span: Span, looksLikeOrg: (name: string) => boolean): Span {
  if (looksLikeOrg(span.name)) return span;
  const words = wordsAround(text, span.index).filter((w) => w.start >= span.index && w.end <= span.end);
  for (let k = words.length - 1; k >= Math.max(1, words.length - 2); k--) {
    const end = (words[k - 1] as { end: number }).end;
    const name = text.slice(span.index, end);
    if ([...name].length >= 3 && looksLikeOrg(name)) return { name, index: span.index, end };
  }
  return span;
}

/** Whether a name, placed in the note, has a common verb or adjective after its first word (老房子加装电梯). */
export function hasPredicateInside(text: string, name: string, index: number, looksLikeOrg: (name: string) => boolean): boolean {
  const end = index + name.length;
  let first = true;
  for (const w of wordsAround(text, index)) {
    if (w.end <= index || w.start < index) continue;
    if (w.end > end) break;
    if (!first && isCommonPredicate(w.word) && !looksLikeOrg(w.word)) return true;
    first = false;
  }
  return false;
}

/** Words that end a run of dictation before a name (和老周吃饭他是宏图建设): pronouns, 是, 叫, 其中… */
const BEFORE_NAME_STOPS = new Set('他|她|他们|她们|是|就是|也是|还是|叫|其中|说'.split('|'));

/**
 * Where a name that ends at `end` starts, at or after `index`: after the last word of its clause
 * in that range that no name holds (a pronoun, 是, 叫). `index` when there is none.
 */
export function nameStartBefore(text: string, index: number, end: number): number {
  let from = index;
  for (const w of wordsAround(text, index)) {
    if (w.end > end) break;
    if (w.start >= index && BEFORE_NAME_STOPS.has(w.word) && end - w.end >= 2) from = w.end;
  }
  return from;
}

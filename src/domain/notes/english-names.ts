import { GIVEN_NAMES, SURNAMES } from './english-name-list.js';

/**
 * What English words are, as compromise's lexicon knows them: 3,000+ given names (Tom, Jenny,
 * Klaus) and 900 surnames, from a list generated from that lexicon (`english-name-list.ts`).
 * Loading compromise itself to read them kept 26 MB resident for the life of the process; its
 * tagger is not used either (about 400 µs per sentence, 20 times the budget of a whole note):
 * our own rules decide from the words. Split on first use.
 */
let givenNames: Set<string> | null = null;
let surnames: Set<string> | null = null;

/** `Tom`, `Jenny`, `Klaus`: a given name in the lexicon. */
/**
 * Given names the lexicon files under another word class (bill, art, frank, rose) or lacks
 * (Leo, Raj, Priya). A person still needs a cue around the name (a role before it, `says` after).
 */
const MORE_GIVEN_NAMES = 'bill|art|leo|raj|ray|max|frank|rose|joy|ivy|jay|priya|ravi|anil|vikram|arjun|yuki|kenji|hiro|dawn|sandy';

/** José → jose, Müller → muller: the lexicon is written without accents. */
const unaccented = (word: string) =>
  (/[\u00c0-\u024f]/.test(word) ? word.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : word).toLowerCase();

export function isGivenName(word: string): boolean {
  givenNames ??= new Set([...GIVEN_NAMES.split('|'), ...MORE_GIVEN_NAMES.split('|')]);
  return givenNames.has(unaccented(word));
}

/** `Smith`, `Chen`, `Becker`: a surname in the lexicon. */
export function isSurname(word: string): boolean {
  surnames ??= new Set(SURNAMES.split('|'));
  return surnames.has(unaccented(word));
}

/** Words that make a capitalised run a company or a public body, not a person (besides the lexicon's own). */
export const ORG_WORDS_EN =
  /\b(?:Traders|Trading|Ltd|Inc|Corp|Co|LLC|GmbH|AG|SA|PLC|Group|Bank|Enterprises|Technologies|Technology|Tech|Industries|Holdings|Systems|Solutions|Labs|Partners|Capital|Robotics|Logistics|Software|Motors|Foods|Fresh|Pharma|Media|Studios?|Company|Corporation|Limited|Hotels?|Resorts?|Farms?|Marine|Insurance|Schools?|Academy|Institute|University|College|Hospital|Clinic|Dental|Medical|Health|Healthcare|Coffee|Realty|Properties|Analytics|Components|Outdoor|Games|Energy|Power|Electric|Textiles|Automation|Cosmetics|Bio|Biotech|Cargo|Air|Airlines|Optics|Maschinenbau|Consulting|Services|Networks?|Construction|Engineering|Retail|Stores|Brands|Apparel|Design|Digital|Entertainment|Finance|Financial|Securities|Shipping|Freight|Transport|Steel|Chemicals?|Materials|Manufacturing|Works|Education|Ventures|Fund|Insights|Dynamics|Instruments|Devices|Electronics|Semiconductor|Mobility|Aerospace|Agency|Foundation|Center|Centre|Elementary|Organics|Kindergarten|Pharmacy|Co-op|Cooperative|Legal|Fisheries|Ports|Solar|House|Commission|Committee|Bureau|Ministry|Authority|Council|Administration|Government|Municipality|Association|Federation|Chamber|Museum|Library|Airport|Railway|Metro|Mining|Utilities|Agritech|Management|Property|LLP|Farm)\b/;

const PERSON_CUE =
  /(?:[-–—]|的|(?:联系人|对接人)是?|采购|总监|经理|主管|负责人|前台|运营|店长|合伙人|创始人|董事长|老板娘|老板|秘书|助理|顾问|(?:名字)?叫|[部科处组]|\b(?:CEO|CFO|CTO|COO|CIO|CMO|VP|GM|MD|PM|director|manager|owner|founder|head|producer|buyer|merchandiser|partner|assistant|secretary|consultant|procurement|purchasing|engineer|lead|contact|spoke (?:to|with)|talked (?:to|with)))\s*$/i;
const WEAK_CUE = /(?:,|\b(?:emailed|called(?: back)?|with|w\/|to|met(?: with)?|sent|from))\s*$/i;
/** 微信跟Coco(…): a Chinese verb of contact, a cue only with the person's workplace or role after the name. */
const CJK_CUE = /[跟和给找约问]\s*$/;

export type PersonMention = { name: string; index: number; end: number };

/** Capitalised runs (`Jane Roe`, `Mr. Braun`, `Herr Müller`), with what may precede and follow them; an honorific starts a new run (`Phoned Mr. Abernathy`). */
const CAP_RUN =
  /(?<![A-Za-z\u00c0-\u024f])((?:Mr|Ms|Mrs|Dr|Prof|Professor|Herr|Frau|Mme|Mlle|Madame|Monsieur|Sr|Sra)\.?\s+)?([A-Z\u00c0-\u00de][a-z\u00df-\u00f6\u00f8-\u024f]+(?:[-'][A-Za-z]+)?)(?:\s+(?!(?:Mr|Ms|Mrs|Dr|Prof|Professor|Herr|Frau|Mme|Mlle|Madame|Monsieur|Sr|Sra)\b)([A-Z\u00c0-\u00de](?:[a-z\u00df-\u00f6\u00f8-\u024f]+(?:[-'][A-Za-z]+)?|'[A-Z][a-z\u00df-\u00f6\u00f8-\u024f]+)))?(?![A-Za-z\u00c0-\u024f'])/g;
/** `Miller先生`, `Johnson女士`: a Latin name with a Chinese form of address. */
const LATIN_WITH_TITLE = /(?<![A-Za-z])([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s?(先生|女士|小姐|老师|姐|哥)/g;

/**
 * People named in Latin letters: `Jane Roe`, `Tom`, `Dr. Chen`, `Miller先生`. A run is a person
 * when it carries an honorific or a Chinese form of address, or when its first word is a given
 * name and a role or contact word leads to it (`CFO Jane Roe`, `跟Acme的Tom`, `- Priya Nair`)
 * or it is followed by where the person works (`Leo from Summit Outdoor`). Runs with a company
 * word are never people.
 */
export function findLatinPeople(text: string): PersonMention[] {
  if (!/[A-Z][a-z]/.test(text)) return [];
  const out: PersonMention[] = [];
  LATIN_WITH_TITLE.lastIndex = 0;
  if (!/[先女小老姐哥]/.test(text)) LATIN_WITH_TITLE.lastIndex = text.length;
  for (let m = LATIN_WITH_TITLE.exec(text); m; m = LATIN_WITH_TITLE.exec(text)) {
    if (ORG_WORDS_EN.test(m[1] ?? '')) continue;
    out.push({ name: m[0].replace(/\s+(?=[先女小老姐哥])/, ''), index: m.index, end: m.index + m[0].length });
  }
  CAP_RUN.lastIndex = 0;
  for (let m = CAP_RUN.exec(text); m; m = CAP_RUN.exec(text)) {
    const [whole, honorific, first = '', second] = m;
    if (out.some((p) => m && p.index <= m.index && m.index < p.end)) continue;
    // `Emailed Tom`, `Thanks Sarah Lee`: a word that is no name before a given name is not part of it.
    if (second && !honorific && !isGivenName(first) && isGivenName(second) && !ORG_WORDS_EN.test(second)) {
      CAP_RUN.lastIndex = m.index + whole.indexOf(second, first.length);
      continue;
    }
    const run = second ? `${first} ${second}` : first;
    const after = text.slice(m.index + whole.length);
    // The next capitalised word belongs to the same name (a company of three words is no person).
    if (/^\s+[A-Z][a-z]/.test(after) || ORG_WORDS_EN.test(run) || /^\s*(?:'s\b|’s\b)/.test(after) || /^\s*[&]/.test(after)) {
      if (!honorific) continue;
    }
    const before = text.slice(Math.max(0, m.index - 30), m.index);
    const worksAt = /^\s*(?:\(|,?\s+(?:at|from|of)\s+[A-Z\u4e00-\u9fa5]|,\s*(?:head|owner|founder|CEO|CFO|CTO|director|manager)\b)/.test(
      after,
    );
    // Cheapest tests first: most capitalised words are neither given names nor followed by a workplace.
    let person = honorific !== undefined;
    if (!person) {
      const given = isGivenName(first) && !(second && ORG_WORDS_EN.test(second));
      if (given && second !== undefined) person = true;
      else if (given || second !== undefined || worksAt) {
        // Cues that lead only to people (`CFO Jane Roe`, `- Priya Nair`, `联系人Mike Tan`); `with`
        // and `called` lead to companies as often, so they count only with a workplace after the name.
        const personCue = PERSON_CUE.test(before);
        const weakCue = WEAK_CUE.test(before);
        const cue =
          personCue ||
          weakCue ||
          worksAt ||
          /^\s*(?:said|says|confirmed|wants|wanted|asked|replied|agreed|is|will|from|sent|signed|told|mentioned|needs|approved|promised)\b/.test(
            after,
          );
        person =
          (given && cue) ||
          (second !== undefined && personCue && !ORG_WORDS_EN.test(run)) ||
          (worksAt && (personCue || weakCue || CJK_CUE.test(before)));
      }
    }
    // `琥珀影业 邮件 Alice 方案已发`: a given name standing alone between the words of a Chinese jotting.
    // (`给 Zara 中国 的 Lily`: a region or 的 after it makes it the organisation.)
    if (
      !person &&
      !second &&
      isGivenName(first) &&
      /[\u4e00-\u9fa5]\s+$/.test(before) &&
      /^\s+[\u4e00-\u9fa5]/.test(after) &&
      !/^\s*(?:中国|大中华|亚太|[华东南北中西]{2}区|那边|这边|的)/.test(after)
    )
      person = true;
    // `Wayne Enterprises: Lucius says …`: under a heading that names the organisation, the one
    // who speaks is a person, known name or not.
    if (!person && !second && /^\s*(?:said|says|told|confirmed|replied|mentioned)\b/.test(after) && /[A-Za-z]\s*:\s*$/.test(before))
      person = !ORG_WORDS_EN.test(first);
    if (!person) continue;
    out.push({ name: whole.trim(), index: m.index, end: m.index + whole.trimEnd().length });
  }
  return out.sort((a, b) => a.index - b.index);
}

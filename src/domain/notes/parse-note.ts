import { findAmounts, pickAmount } from './amounts.js';
import { findChannel, findStage, stageNamed } from './channel-and-stage.js';
import { compareDates, toZonedIso, wallClock } from './civil-time.js';
import { findContacts, type ContactMention } from './contact.js';
import { cleanCustomerName, findCustomerCandidates, followsUsingVerb, isMetPerson, isPartnersPerson, pickCustomer } from './customer.js';
import { tagCustomer } from './customer-tagger.js';
import { findDates, findTimeOfDay, type DateMention } from './dates.js';
import { matchKnownCustomers } from './match-known-customer.js';
import { isClauseEnd, normalizeText } from './normalize-text.js';
import type { ParseOptions, ParsedNote } from './schema.js';
import { readTemplate } from './template.js';
import { fixTypos } from './typos.js';

const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const TAG = /#([^\s#,.;:!?]+)/g;
const TIER = /(?:^|[^A-Za-z])([ABC])\s*(?:级|类)(?:客户)?|\btier\s*([ABC])\b/i;
const NEEDS = /(?:客户需求|需求|想了解|想要|需要|希望|关注|interested in|looking for|needs?)\s*[:：]?\s*([^,.;!?\n]{2,60})/i;
/** What a date followed by these names is a milestone of the customer's project, not a follow-up. */
const MILESTONE_AFTER = /^\s*(?:上线|投产|开业|竣工|开工|到期|交付|验收|完工|go[- ]live|goes live|launch)/i;
/** `Kick-off is Dec 14`, `上线时间是3月1日`: the milestone named before its date. */
const MILESTONE_BEFORE =
  /(?:kick-?off|go-?live|launch|deadline|上线|投产|开业|交付|验收)\s*(?:date|时间|日期)?\s*(?:is|was|on|为|是|在|定在|[:：])\s*(?:on\s+)?$/i;
/** A known customer must beat the runner-up by this much to be taken without asking. */
const CLEAR_MARGIN = 0.1;
/** Below decide-customer's bar for creating a customer unasked: a learned reading is confirmed by the rep. */
const LEARNED_CONFIDENCE = 0.4;

/**
 * Turns a follow-up note into a draft (docs/parsing.md). Pure and total: any string in, the
 * contract's shape out, never an exception; what the note does not say is null, never guessed.
 */
export function parseNote(input: string, opts: ParseOptions): ParsedNote {
  const written = normalizeText(typeof input === 'string' ? input : '');
  const text = textToRead(written);
  const template = readTemplate(text);
  const body = template
    ? [template.content, template.needs, template.nextStep, template.budget, template.date, template.stage, template.channel]
        .filter(Boolean)
        .join(', ')
    : text;

  const contacts = findContacts(template?.contact ? `${template.contact} ${text}` : text);
  const candidates = findCustomerCandidates(text, contacts, template?.customer ?? null);
  const picked = pickCustomer(candidates);
  // `with Northwind Traders` looks like a person to the contact rules; the customer wins.
  const people = contacts.filter((c) => !picked || !picked.name.includes(c.name));
  // 和合作伙伴博远信息的刘工一起去了…见了谢总: the partner's person came along; the customer's is the contact.
  // 最后拍板的是梁总,今天见的是冯经理: of several people, the one the note says was met.
  let own: ContactMention | undefined;
  if (people.length > 1) {
    own = people.find((p) => isMetPerson(text, p.index));
    if (!own && isPartnersPerson(text, people[0]?.index ?? 0)) own = people.find((p) => !isPartnersPerson(text, p.index));
  }
  const contact = templateContact(template?.contact, contacts) || (own ?? people[0])?.name || null;
  const given = opts.knownCustomers ?? [];
  const known = !Array.isArray(given) || given.length > 0 ? matchKnownCustomers(text, picked?.name ?? null, given) : [];
  const [top, second] = known;
  const knownWins = top && top.score >= 0.85 && (!second || top.score - second.score >= CLEAR_MARGIN);
  // No name the rules can read and no known customer in the note: the learned tagger's reading,
  // with a confidence that makes the bot ask before it creates a customer from it.
  const learned = !picked && known.length === 0 ? learnedCustomer(text, contact) : null;
  const customer = knownWins ? top.name : (picked?.name ?? learned);
  const confidence = knownWins
    ? top.score
    : known.length > 1
      ? Math.min(0.5, picked?.score ?? 0.5)
      : (picked?.score ?? (learned ? LEARNED_CONFIDENCE : 0));

  const amount = pickAmount(findAmounts(body));
  const next = nextFollowUp(
    // A comma between the parts: `Dec 11` then `Dec 11` again is two dates, not one run-on phrase.
    template?.date ? `${template.date}, ${template.nextStep ?? ''}` : template?.nextStep ? `${template.nextStep}, ${body}` : text,
    opts,
  );
  const tags = text.includes('#') ? [...text.matchAll(TAG)].map((m) => m[1] ?? '').filter(Boolean) : [];
  const tier = TIER.exec(text);

  return {
    customer,
    contact,
    channel: findChannel(template?.channel ?? text) ?? (template?.channel ? 'other' : null),
    stage: (template?.stage ? stageNamed(template.stage) : null) ?? findStage(template ? `${template.stage ?? ''}, ${body}` : text),
    amount: amount?.amount ?? null,
    currency: amount?.currency ?? 'CNY',
    nextFollowUpAt: next?.iso ?? null,
    nextStep: template?.nextStep || next?.clause || null,
    needs: template?.needs || NEEDS.exec(body)?.[1]?.trim() || null,
    summary: summarize(written),
    phone: PHONE.exec(text)?.[0] ?? null,
    email: text.includes('@') ? (EMAIL.exec(text)?.[0] ?? null) : null,
    tags,
    tier: tier ? ((tier[1] ?? tier[2] ?? '').toUpperCase() as 'A' | 'B' | 'C') : null,
    confidence: Math.round(confidence * 100) / 100,
    customerCandidates: known.map((k) => ({ ...k, score: Math.round(k.score * 100) / 100 })),
  };
}

/**
 * The text every rule and the customer tagger read: the note as normalized, its pinyin slips
 * fixed. The tagger's training reads notes through it too, so that it learns from the text it is
 * later given.
 */
export function textToRead(written: string): string {
  return fixTypos(written);
}

/**
 * The tagger's name when the rules would take it as one (`cleanCustomerName`: the same clean-up
 * and vetoes as their own candidates; not a product after a verb of using) and it is not the contact.
 */
function learnedCustomer(text: string, contact: string | null): string | null {
  const tagged = tagCustomer(text)?.name;
  if (!tagged) return null;
  // 他们现在用SAP Business One: a product, as the rules read it too (looked for before the run of
  // Latin words the name is in, which the tagger may have entered in the middle).
  let start = text.indexOf(tagged);
  while (start > 0 && /[A-Za-z\u00c0-\u024f ]/.test(text[start - 1] ?? '')) start--;
  if (followsUsingVerb(text, start)) return null;
  const name = cleanCustomerName(tagged, text);
  if (!name) return null;
  return contact && (contact.includes(name) || name.includes(contact)) ? null : name;
}

/**
 * The template's contact line as written, or, when that line holds a department or role before
 * the form of address (`客服部 沈主管`), that form of address alone. The contacts were read from
 * the line put before the note, so the first one found inside the line is the line's person.
 */
function templateContact(line: string | undefined, contacts: ContactMention[]): string | null {
  const value = line?.trim();
  if (!value) return null;
  const inside = contacts.find((c) => c.index < value.length && value.includes(c.name));
  return inside && inside.name !== value && /[\u4e00-\u9fa5]/.test(inside.name) && value.endsWith(inside.name) ? inside.name : value;
}

const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;

/**
 * The clause of `clauses(text)` that holds `index`, or null: the run between the punctuation
 * around it, trimmed, found without splitting the whole note.
 */
function clauseAt(text: string, index: number): string | null {
  if (index < 0 || index >= text.length || isClauseEnd(text.charCodeAt(index))) return null;
  let start = index;
  while (start > 0 && !isClauseEnd(text.charCodeAt(start - 1))) start--;
  let end = index + 1;
  const length = text.length;
  while (end < length && !isClauseEnd(text.charCodeAt(end))) end++;
  const run = text.slice(start, end);
  const trimmed = run.trim();
  if (!trimmed) return null;
  const at = start + run.indexOf(trimmed);
  return at <= index && index < at + trimmed.length ? trimmed : null;
}

/**
 * The next follow-up: the first date in the note that lies ahead. Today counts only with a time
 * still to come (今天给王总打电话 is when the call happened, not the next one).
 */
function nextFollowUp(text: string, opts: ParseOptions): { iso: string; clause: string | null } | null {
  const now = wallClock(opts.now, opts.timeZone);
  const time = findTimeOfDay(text);
  // 明年3月上线 … 下周三送方案: when the customer's project goes live is not the follow-up when
  // the note names another day (alone, the go-live is the one date the rep has to go on).
  const dated = findDates(text, opts.now, opts.timeZone);
  let plain = dated;
  if (dated.length > 1) {
    plain = [];
    for (const m of dated)
      if (!MILESTONE_AFTER.test(text.slice(m.end, m.end + 12)) && !MILESTONE_BEFORE.test(text.slice(Math.max(0, m.index - 16), m.index)))
        plain.push(m);
  }
  const mentions = plain.length > 0 ? plain : dated;
  // Loops rather than closures made per note (withTime, ahead): the same order and choice.
  const all: DateMention[] = [];
  let nearTime = false;
  for (const m of mentions) {
    const near = time !== null && Math.abs(time.index - m.end) <= 8;
    if (near) nearTime = true;
    all.push(near ? { ...m, hour: time.hour, minute: time.minute } : m);
  }
  // A time with no day (下午3点再打) means today, if that time is still to come.
  if (time && !nearTime) all.push({ date: now, hour: time.hour, minute: time.minute, index: time.index, end: time.index });
  all.sort(byIndex);
  let chosen: DateMention | undefined;
  for (const m of all) {
    const order = compareDates(m.date, now);
    if (order > 0 || (order === 0 && m.hour !== null && m.hour * 60 + m.minute > now.hour * 60 + now.minute)) {
      chosen = m;
      break;
    }
  }
  if (!chosen) return null;
  const clause = clauseAt(text, chosen.index);
  return {
    iso: toZonedIso(chosen.date, chosen.hour ?? opts.defaultHour ?? 9, chosen.hour === null ? 0 : chosen.minute, opts.timeZone),
    clause: clause?.slice(0, 120) ?? null,
  };
}

function summarize(text: string): string {
  const oneLine = (text.includes('\n') ? text.replace(/\s*\n\s*/g, ' / ') : text).trim();
  // A string of at most 140 UTF-16 units has at most 140 code points: no need to count them.
  if (oneLine.length <= 140) return oneLine;
  return [...oneLine].length > 140 ? `${[...oneLine].slice(0, 139).join('')}…` : oneLine;
}

/** Whether the draft holds something worth recording: a customer, or at least a contact with content. */
export function isActionable(note: ParsedNote): boolean {
  // A person with no organisation (a walk-in: 散客 陈先生 来店看钢琴) is worth recording too: the bot
  // asks which customer, offering the person as a new one.
  return note.customer !== null || note.customerCandidates.length > 0 || note.contact !== null;
}

import { XMLParser, XMLValidator } from 'fast-xml-parser';

// WeCom XML: the POST envelope and the decrypted message (https://developer.work.weixin.qq.com/document/path/96467),
// both parsed here; the passive-reply envelope (https://developer.work.weixin.qq.com/document/path/91144) built here.
// Parser choices: shared/docs/platforms.md D3.

export type WecomXmlFailure = 'doctype_or_entity' | 'malformed_xml' | 'not_wecom_xml';

/** Why a body was refused; `reason` is a stable code for logs and metrics. */
export class WecomXmlError extends Error {
  constructor(readonly reason: WecomXmlFailure) {
    super(`unacceptable WeCom XML: ${reason}`);
    this.name = 'WecomXmlError';
  }
}

/**
 * A parsed element: text as a string (MsgId "4561255354251345929" stays exact), an element with
 * children as an object, a repeated element as an array. Only nested events use the latter two,
 * e.g. template_card_event's SelectedItems.SelectedItem[].OptionIds.OptionId[].
 */
export type WecomXmlValue = string | WecomXmlValue[] | { [name: string]: WecomXmlValue };
export type WecomXmlFields = Record<string, WecomXmlValue>;

/**
 * WeCom never sends a DOCTYPE or entity declarations; refusing them outright closes the door on
 * entity-expansion attacks (billion laughs, external entities) before the parser sees anything.
 */
const DECLARATIONS = /<!DOCTYPE|<!ENTITY/i;

/** Lists that must stay arrays even with one item, so consumers see one shape. */
const ALWAYS_ARRAYS = new Set(['xml.SelectedItems.SelectedItem', 'xml.SelectedItems.SelectedItem.OptionIds.OptionId']);

const parser = new XMLParser({
  // No entity expansion at all; free text arrives as CDATA, which is never decoded anyway.
  processEntities: false,
  htmlEntities: false,
  // Every value a string: MsgId is a 64-bit integer that a JS number would round.
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Drops the indentation between elements; CDATA content is never trimmed.
  trimValues: true,
  // WeCom's deepest known element is xml > SelectedItems > SelectedItem > OptionIds > OptionId.
  maxNestedTags: 20,
  jPath: true,
  isArray: (_name: string, jPath: unknown) => typeof jPath === 'string' && ALWAYS_ARRAYS.has(jPath),
});

/** Copies the parser's output into typed values; text mixed with elements is not WeCom's. */
function toValue(node: unknown): WecomXmlValue {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(toValue);
  if (node && typeof node === 'object') {
    const entries = Object.entries(node);
    if (entries.some(([name]) => name === '#text')) throw new WecomXmlError('malformed_xml');
    // fromEntries defines own properties, so no name can reach a prototype.
    return Object.fromEntries(entries.map(([name, value]) => [name, toValue(value)]));
  }
  throw new WecomXmlError('malformed_xml');
}

/**
 * The children of the root `<xml>` element, CDATA unwrapped, every value a string (nested
 * elements as objects, repeated ones as arrays). Use it on the envelope and again on the
 * decrypted message. Throws WecomXmlError.
 */
export function parseWecomXml(text: string): WecomXmlFields {
  // Rule 1: no DOCTYPE or entity declarations, in any letter case.
  if (DECLARATIONS.test(text)) throw new WecomXmlError('doctype_or_entity');
  // Rule 2: well-formed (the parser alone tolerates unclosed tags).
  if (XMLValidator.validate(text) !== true) throw new WecomXmlError('malformed_xml');
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    // e.g. "Maximum nested tags exceeded", or a __proto__ element.
    throw new WecomXmlError('malformed_xml');
  }
  // Rule 3: one <xml> root with element children.
  const root = doc && typeof doc === 'object' && 'xml' in doc ? toValue(doc.xml) : null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WecomXmlError('not_wecom_xml');
  return root;
}

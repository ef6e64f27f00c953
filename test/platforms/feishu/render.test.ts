import { describe, expect, it } from 'vitest';
import type { Card } from '../../../src/messaging/types.js';
import { decodeFeishuBody } from '../../../src/platforms/feishu/decode.js';
import { escapeMarkdown, renderFeishuMessage } from '../../../src/platforms/feishu/render.js';
import { feishuCardAction } from '../../helpers/feishu-events.js';

const card: Card = {
  title: '已记录跟进 · 云帆科技',
  tone: 'green',
  fields: [{ label: '客户', value: '云帆[点我](https://evil.example) <at id=all></at> **粗体**' }],
  text: '原文 <font color=red>x</font>',
  notes: ['新客户已创建'],
  buttons: [
    { label: '修改', action: { name: 'fu.edit', args: { id: '7' } } },
    { label: '撤销', style: 'danger', action: { name: 'fu.undo', args: { id: '7' } } },
  ],
};

describe('Feishu card rendering', () => {
  it('renders card JSON 2.0 with update_multi, a coloured header and callback buttons', () => {
    const { msg_type, content } = renderFeishuMessage({ kind: 'card', card });
    const json = JSON.parse(content);
    expect(msg_type).toBe('interactive');
    expect(json).toMatchObject({
      schema: '2.0',
      config: { update_multi: true },
      header: { title: { tag: 'plain_text', content: card.title }, template: 'green' },
    });
    const buttons = JSON.stringify(json.body.elements.find((e: { tag: string }) => e.tag === 'column_set'));
    expect(buttons).toContain('"behaviors":[{"type":"callback","value":{"a":"fu.undo","id":"7"}}]');
    expect(buttons).toContain('"type":"danger"');
  });

  it('cannot be made to render links, mentions or formatting from user text', () => {
    const json = JSON.parse(renderFeishuMessage({ kind: 'card', card }).content);
    const facts = json.body.elements[0].content as string;
    expect(facts).not.toContain('[点我]');
    expect(facts).not.toContain('<at');
    expect(facts).toContain('&#42;&#42;粗体&#42;&#42;');
    // Free text goes into a plain_text element, where markup is shown as typed.
    expect(json.body.elements[1]).toEqual({ tag: 'div', text: { tag: 'plain_text', content: card.text } });
    expect(escapeMarkdown('<a>')).toBe('&#60;a&#62;');
  });

  it('keeps a card with a huge note under the 30 KB limit', () => {
    const { content } = renderFeishuMessage({ kind: 'card', card: { ...card, text: '很长的内容'.repeat(10_000) } });
    expect(Buffer.byteLength(content)).toBeLessThan(30 * 1024);
  });

  it("round-trips a button's action through a card.action.trigger callback", () => {
    const decoded = decodeFeishuBody(feishuCardAction({ token: 't', value: { a: 'fu.pick', id: '7', customer: '9' } }), {
      botOpenId: null,
    });
    expect(decoded).toMatchObject({
      kind: 'event',
      event: { type: 'card_action', action: { name: 'fu.pick', args: { id: '7', customer: '9' } }, operatorId: 'ou_rep' },
    });
  });
});

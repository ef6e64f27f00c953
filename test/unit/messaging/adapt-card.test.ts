import { describe, expect, it } from 'vitest';
import { adaptCard } from '../../../src/messaging/adapt-card.js';
import type { Capabilities, Card, CardButton } from '../../../src/messaging/types.js';
import { FEISHU_CAPABILITIES } from '../../../src/platforms/feishu/adapter.js';
import { WECOM_CAPABILITIES } from '../../../src/platforms/wecom/capabilities.js';

// The platforms' own capabilities: Feishu's card holds everything; WeCom's template card has no
// inputs, one select (button_selection) of at most 10 options sent by a button, six buttons.
const rich: Capabilities = FEISHU_CAPABILITIES;
const small: Capabilities = WECOM_CAPABILITIES;

const button = (n: number): CardButton => ({ label: `B${n}`, action: { name: 'x.do', args: { n: String(n) } } });
/** Every action a card set offers, buttons and controls alike, in order. */
const actionsOf = (cards: Card[]) =>
  cards.flatMap((c) => [
    ...(c.controls ?? []).map((x) => `${x.action.name}:${x.name}:${x.kind === 'select' ? x.options.map((o) => o.value).join(',') : ''}`),
    ...(c.buttons ?? []).map((b) => `${b.action.name}:${JSON.stringify(b.action.args)}`),
  ]);

describe('adaptCard', () => {
  it('leaves a card that fits alone', () => {
    const card: Card = { title: 'T', tone: 'blue', text: 'hi', buttons: [button(1), button(2)] };
    expect(adaptCard(card, small)).toEqual([card]);
    expect(adaptCard(card, rich)).toEqual([card]);
  });

  it('moves buttons past the limit to continuation cards, keeping their order', () => {
    const card: Card = { title: '提醒', tone: 'orange', text: 'body', buttons: Array.from({ length: 14 }, (_, i) => button(i)) };
    const cards = adaptCard(card, small);
    expect(cards.map((c) => c.buttons?.length)).toEqual([6, 6, 2]);
    expect(cards[0]).toMatchObject({ title: '提醒', text: 'body' });
    expect(cards[1]).toEqual({ title: '提醒（续）', tone: 'orange', buttons: card.buttons!.slice(6, 12) });
    expect(actionsOf(cards)).toEqual(actionsOf([card]));
  });

  it('turns a person picker into selects of at most ten people, each sent by its own button', () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ id: `u${i}`, name: `人${i}` }));
    const card: Card = {
      title: '转交',
      tone: 'blue',
      controls: [
        {
          kind: 'person',
          name: 'to',
          placeholder: '选择同事',
          people,
          submitLabel: '转给TA',
          action: { name: 'own.reassign', args: { customer: '7' } },
        },
      ],
      buttons: [button(1), button(2), button(3), button(4), button(5)],
    };
    expect(adaptCard(card, rich)).toEqual([card]);
    const cards = adaptCard(card, small);
    const selects = cards.flatMap((c) => c.controls ?? []);
    expect(selects.map((s) => (s.kind === 'select' ? s.options.map((o) => o.value) : []))).toEqual([
      people.slice(0, 10).map((p) => p.id),
      people.slice(10).map((p) => p.id),
    ]);
    expect(selects.map((s) => s.placeholder)).toEqual(['选择同事 (1/2)', '选择同事 (2/2)']);
    // One select per card, and its submit button counts against the six.
    for (const c of cards) expect((c.controls?.length ?? 0) <= 1 && (c.controls?.length ?? 0) + (c.buttons?.length ?? 0) <= 6).toBe(true);
    expect(cards.flatMap((c) => c.buttons ?? [])).toEqual(card.buttons);
  });

  it('offers the sensible dates where there is no calendar', () => {
    const card: Card = {
      title: '改期',
      tone: 'blue',
      controls: [
        {
          kind: 'date',
          name: 'date',
          placeholder: '选日期',
          initial: '2026-11-26',
          choices: [
            { label: '明天', value: '2026-11-26' },
            { label: '下周一', value: '2026-11-30' },
          ],
          submitLabel: '改期',
          action: { name: 'rm.reschedule', args: { id: '3' } },
        },
      ],
    };
    expect(adaptCard(card, small)[0]?.controls).toEqual([
      {
        kind: 'select',
        name: 'date',
        placeholder: '选日期',
        options: [
          { label: '明天', value: '2026-11-26' },
          { label: '下周一', value: '2026-11-30' },
        ],
        initial: '2026-11-26',
        submitLabel: '改期',
        action: { name: 'rm.reschedule', args: { id: '3' } },
      },
    ]);
  });

  it('flattens sections into lines and row actions labelled with their row', () => {
    const card: Card = {
      title: '周报',
      tone: 'blue',
      sections: [
        {
          title: '风险客户',
          rows: [
            {
              text: '云帆科技',
              fields: [{ label: '负责人', value: '李四' }],
              buttons: [{ label: '提醒', action: { name: 'rm.nudge', args: { c: '1' } } }],
              control: {
                kind: 'person',
                name: 'to',
                placeholder: '转给',
                people: [{ id: 'u1', name: '王五' }],
                submitLabel: '转交',
                action: { name: 'own.reassign', args: { c: '1' } },
              },
            },
            { text: '华信银行股份有限公司北京分行', buttons: [{ label: '提醒', action: { name: 'rm.nudge', args: { c: '2' } } }] },
          ],
        },
      ],
    };
    expect(adaptCard(card, rich)).toEqual([card]);
    const cards = adaptCard(card, small);
    expect(cards[0]?.text).toBe('【风险客户】\n· 云帆科技 · 负责人：李四\n· 华信银行股份有限公司北京分行');
    expect(cards[0]?.sections).toBeUndefined();
    // The row's name is shortened so that the verb still fits WeCom's ten characters.
    expect(cards.flatMap((c) => c.buttons ?? []).map((b) => b.label)).toEqual(['云帆科技·提醒', '华信银行股份…·提醒']);
    for (const b of cards.flatMap((c) => c.buttons ?? [])) expect([...b.label].length).toBeLessThanOrEqual(10);
    expect(cards.flatMap((c) => c.controls ?? []).map((c) => c.placeholder)).toEqual(['云帆科技：转给']);
  });

  it('replaces a form by its values and by-message instructions where cards have no inputs, and refuses one without', () => {
    const card: Card = {
      title: '修改',
      tone: 'blue',
      form: {
        name: 'f',
        submitLabel: '保存',
        submit: { name: 'fu.edit_submit', args: { id: '1' } },
        fallbackText: '回复「/改 1 …」',
        inputs: [
          { name: 'contact', label: '联系人', value: '王总' },
          { name: 'needs', label: '需求' },
        ],
      },
    };
    expect(adaptCard(card, small)).toEqual([{ title: '修改', tone: 'blue', text: '联系人：王总\n回复「/改 1 …」' }]);
    expect(() => adaptCard({ ...card, form: { ...card.form!, fallbackText: undefined } }, small)).toThrow(/no by-message fallback/);
  });

  it("puts a form's stand-in button first where cards have no inputs, and keeps the form where they have", () => {
    const ask = { label: '已跟进', style: 'primary' as const, action: { name: 'rem.ask_note', args: { c: '7' } } };
    const card: Card = {
      title: '云帆科技',
      tone: 'orange',
      buttons: [{ label: '推迟1天', action: { name: 'rem.postpone', args: { c: '7', d: '1' } } }],
      form: {
        name: 'note',
        submitLabel: '已跟进',
        submit: { name: 'rem.note', args: { c: '7' } },
        fallbackButton: ask,
        inputs: [{ name: 'note', label: '跟进内容' }],
      },
    };
    const [small0] = adaptCard(card, small);
    expect(small0?.form).toBeUndefined();
    expect(small0?.buttons?.map((b) => b.label)).toEqual(['已跟进', '推迟1天']);
    expect(small0?.buttons?.[0]?.action).toEqual(ask.action);
    const [big0] = adaptCard(card, FEISHU_CAPABILITIES);
    expect(big0?.form?.submit.name).toBe('rem.note');
    expect(big0?.buttons?.map((b) => b.label)).toEqual(['推迟1天']);
  });

  it('writes mentions as @names where the platform cannot mention', () => {
    const card: Card = {
      title: 'T',
      tone: 'blue',
      text: '请跟进',
      mentions: [{ user: { platform: 'wecom', kind: 'user', id: 'lisi' }, name: '李四' }],
    };
    expect(adaptCard(card, small)).toEqual([{ title: 'T', tone: 'blue', text: '@李四\n请跟进' }]);
    expect(adaptCard(card, rich)).toEqual([card]);
  });
});

import { describe, expect, it } from 'vitest';
import { adaptCard, chartRows } from '../../../src/messaging/adapt-card.js';
import type { Card } from '../../../src/messaging/types.js';
import { FEISHU_CAPABILITIES } from '../../../src/platforms/feishu/adapter.js';
import { renderFeishuCard } from '../../../src/platforms/feishu/render.js';
import { WECOM_CAPABILITIES } from '../../../src/platforms/wecom/capabilities.js';
import { renderTemplateCard } from '../../../src/platforms/wecom/render.js';

const chart = {
  title: '跟进次数',
  categories: ['张三', '李四', '王五'],
  series: [
    { name: '本周', values: [12, 6, 0] },
    { name: '上周', values: [9, 7, 2] },
  ],
};

describe('the card model’s chart, fitted to each platform', () => {
  it('stays a chart where the platform draws one (Feishu: a JSON 2.0 chart element)', () => {
    const [card, ...more] = adaptCard({ title: '周报', tone: 'blue', chart }, FEISHU_CAPABILITIES);
    expect(more).toEqual([]);
    expect(card?.chart).toEqual(chart);
    const rendered = renderFeishuCard(card!) as { body: { elements: { tag: string; chart_spec?: { data: { values: unknown[] }[] } }[] } };
    const element = rendered.body.elements.find((e) => e.tag === 'chart');
    expect(element?.chart_spec?.data[0]?.values).toHaveLength(6);
  });

  it('becomes text rows elsewhere, scaled to the largest value of the first series', () => {
    expect(chartRows(chart)).toEqual(['【跟进次数】（本周）', '张三 ▇▇▇▇▇▇▇▇▇▇ 12 · 上周 9', '李四 ▇▇▇▇▇ 6 · 上周 7', '王五 ▏ 0 · 上周 2']);
    const [card] = adaptCard({ title: '周报', tone: 'blue', text: '本周概况', chart }, WECOM_CAPABILITIES);
    expect(card?.chart).toBeUndefined();
    expect(card?.text).toBe(['本周概况', ...chartRows(chart)].join('\n'));
  });

  it('moves text past maxText to text cards right after the first, at line ends, losing nothing', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `第${i + 1}行：张三 跟进 12 次，客户 8 个，新客户 2 个`);
    const card: Card = {
      title: '周报',
      tone: 'blue',
      text: lines.join('\n'),
      buttons: Array.from({ length: 8 }, (_, i) => ({ label: `b${i}`, action: { name: 'x', args: { i: String(i) } } })),
    };
    const cards = adaptCard(card, WECOM_CAPABILITIES);
    const texts = cards.map((c) => c.text ?? '').filter(Boolean);
    expect(texts.join('\n')).toBe(lines.join('\n'));
    expect(texts.every((t) => [...t].length <= WECOM_CAPABILITIES.maxText!)).toBe(true);
    expect(cards[0]?.buttons).toHaveLength(6);
    expect(cards.at(-1)?.buttons).toHaveLength(2);
    expect(cards.slice(1, -1).every((c) => c.text && !c.buttons && c.title === '周报（续）')).toBe(true);
    for (const c of cards) expect(() => renderTemplateCard(c, 'gj_1')).not.toThrow();
  });
});

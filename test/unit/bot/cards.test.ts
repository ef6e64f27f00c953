import { describe, expect, it } from 'vitest';
import { editFormCard, pickCustomerCard, savedCard, undoneCard, type FollowUpView } from '../../../src/bot/cards/follow-up-cards.js';
import { TEXT } from '../../../src/bot/cards/i18n.js';

const view: FollowUpView = {
  id: 42,
  customerName: '云帆科技',
  contact: '王总',
  channel: 'call',
  stage: null,
  amount: 500000,
  currency: 'CNY',
  nextFollowUpAt: new Date('2026-12-02T01:00:00Z'),
  nextStep: '上门演示',
  needs: null,
  summary: '电话沟通，预算50万，下周三上门演示',
};
const zh = { locale: 'zh-CN' as const, timeZone: 'Asia/Shanghai' };
const en = { locale: 'en' as const, timeZone: 'Asia/Shanghai' };

describe('follow-up cards', () => {
  it('shows what was understood, in Chinese, skipping what the note did not say', () => {
    const card = savedCard(view, zh);
    expect(card.title).toBe('已记录跟进 · 云帆科技');
    expect(card.fields).toEqual([
      { label: '客户', value: '云帆科技' },
      { label: '联系人', value: '王总' },
      { label: '方式', value: '电话' },
      { label: '金额', value: '¥500,000' },
      { label: '下次跟进', value: '12月2日 周三 09:00' },
      { label: '下一步', value: '上门演示' },
    ]);
    expect(card.buttons?.map((b) => [b.label, b.action])).toEqual([
      ['修改', { name: 'fu.edit', args: { id: '42' } }],
      ['撤销', { name: 'fu.undo', args: { id: '42' } }],
    ]);
  });

  it('speaks English where the workspace says so', () => {
    const card = savedCard(view, en, { createdCustomer: true });
    expect(card.title).toBe('Follow-up logged · 云帆科技');
    expect(card.fields?.find((f) => f.label === 'Next follow-up')?.value).toBe('Wed, Dec 2, 09:00');
    expect(card.notes).toEqual([TEXT.en.createdCustomer]);
  });

  it('has no buttons once undone', () => {
    expect(undoneCard(view, zh).buttons).toBeUndefined();
  });

  it('offers at most four candidates plus new-customer and undo (WeCom shows six buttons)', () => {
    const candidates = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, name: `云帆${i}` }));
    const card = pickCustomerCard(view, candidates, '云帆科技', zh);
    expect(card.buttons).toHaveLength(6);
    expect(card.buttons?.[0]?.action).toEqual({ name: 'fu.pick', args: { id: '42', customer: '1' } });
    expect(card.buttons?.[4]).toMatchObject({
      label: '新建客户「云帆科技」',
      action: { name: 'fu.new_customer', args: { id: '42', name: '云帆科技' } },
    });
  });

  it('prefills the edit form with the stored values in the workspace zone', () => {
    const inputs = Object.fromEntries((editFormCard(view, zh).form?.inputs ?? []).map((i) => [i.name, i.value]));
    expect(inputs).toMatchObject({ contact: '王总', channel: '电话', stage: '', amount: '500000', nextFollowUpAt: '2026-12-02 09:00' });
  });
});

import { describe, expect, it } from 'vitest';
import { mineCard } from '../../../src/bot/reminders/mine-card.js';
import { REMINDER_ACTION } from '../../../src/bot/reminders/reminder-controls.js';
import { actedNote, actedReminderCard, reminderCard } from '../../../src/bot/reminders/reminder-card.js';
import { summaryCard } from '../../../src/bot/reminders/summary-card.js';
import { adaptCard } from '../../../src/messaging/adapt-card.js';
import { WECOM_CAPABILITIES } from '../../../src/platforms/wecom/capabilities.js';
import type { ReminderView } from '../../../src/domain/reminders/reminder-view.js';

const NOW = new Date('2026-11-25T02:30:00Z'); // 10:30 in Shanghai
const zh = { locale: 'zh-CN' as const, timeZone: 'Asia/Shanghai', now: NOW };
const en = { ...zh, locale: 'en' as const };
const view = (o: Partial<ReminderView['customer']> = {}): ReminderView => ({
  customer: {
    id: 7,
    workspaceId: 1,
    name: '云帆科技',
    stage: 'quote',
    tier: 'A',
    amount: 500000,
    currency: 'CNY',
    ownerUserId: 3,
    nextFollowUpAt: new Date('2026-11-23T01:00:00Z'),
    lastFollowUpAt: new Date('2026-11-20T06:00:00Z'),
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...o,
  },
  contact: { name: '王总', title: '采购总监', phone: '13800000000' },
  lastFollowUp: { at: new Date('2026-11-20T06:00:00Z'), authorName: '张三', summary: '电话沟通了报价\n第二行不显示' },
  nextStep: '发正式报价',
});

describe('the reminder card', () => {
  it('shows the customer, its facts, how late, and the acting controls carrying the reminder', () => {
    const card = reminderCard(view(), zh, { kind: 'due', reminderId: 42 });
    expect(card.title).toBe('云帆科技');
    expect(card.tone).toBe('orange');
    expect(card.fields).toEqual([
      { label: '联系人', value: '王总 · 采购总监 · 13800000000' },
      { label: '阶段', value: '已报价' },
      { label: '金额', value: '¥500,000' },
      { label: '上次跟进', value: '11月20日 · 张三 · 电话沟通了报价' },
      { label: '计划下一步', value: '11月23日 09:00 · 发正式报价' },
      { label: '状态', value: '已逾期 2 天' },
    ]);
    expect(card.form?.submit).toMatchObject({ name: REMINDER_ACTION.note, args: { c: '7', r: '42' } });
    expect(card.buttons?.map((b) => b.label)).toEqual(['推迟1天', '推迟1周', '转交']);
    expect(card.controls?.[0]).toMatchObject({ kind: 'date', action: { name: REMINDER_ACTION.reschedule } });
  });

  it('turns red when overdue more than three days; says when it is due today; speaks English', () => {
    expect(reminderCard(view({ nextFollowUpAt: new Date('2026-11-21T01:00:00Z') }), zh, { kind: 'due', reminderId: 1 }).tone).toBe('red');
    expect(reminderCard(view({ nextFollowUpAt: new Date('2026-11-22T01:00:00Z') }), zh, { kind: 'due', reminderId: 1 }).tone).toBe(
      'orange',
    );
    const today = reminderCard(view({ nextFollowUpAt: new Date('2026-11-25T07:00:00Z') }), en, { kind: 'due', reminderId: 1 });
    expect(today.fields?.at(-1)).toEqual({ label: 'Status', value: 'Due today at 15:00' });
    const q = reminderCard(view({ nextFollowUpAt: null }), zh, { kind: 'quiet', reminderId: 1 });
    expect(q.fields?.at(-1)).toEqual({ label: '状态', value: '5 天未跟进' });
  });

  it('fits WeCom on one card: 已跟进 as a button, 改期 as one select of ten dates', () => {
    const [only, ...more] = adaptCard(reminderCard(view(), zh, { kind: 'due', reminderId: 42 }), WECOM_CAPABILITIES);
    expect(more).toEqual([]);
    expect(only?.buttons?.map((b) => b.label)).toEqual(['已跟进', '推迟1天', '推迟1周', '转交']);
    expect(only?.controls).toMatchObject([{ kind: 'select', options: { length: 10 }, action: { name: REMINDER_ACTION.reschedule } }]);
  });

  it('draws the acted state grey, without controls, with what was done, by whom and when', () => {
    const note = actedNote({ action: 'postponed', to: new Date('2026-11-24T01:00:00Z') }, '王五', new Date('2026-11-23T02:32:00Z'), zh);
    expect(note).toBe('已推迟到 11月24日 09:00 · 王五 · 10:32');
    const card = actedReminderCard(view(), zh, { kind: 'due', reminderId: 42, note });
    expect(card).toMatchObject({ title: '云帆科技', tone: 'grey', notes: [note] });
    expect(card.buttons ?? card.form ?? card.controls).toBeUndefined();
    expect(actedNote({ action: 'transferred', to: '李四' }, '王经理', NOW, en)).toBe('Handed over to 李四 · 王经理 · 10:30');
  });
});

describe('the summary card', () => {
  it('counts the rest and names the most overdue few, with /我的 to see all', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({
      customerId: i,
      name: `客户${i}`,
      kind: 'due' as const,
      nextAt: new Date(Date.parse('2026-11-20T01:00:00Z') + i * 86_400_000),
      lastAt: null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    }));
    const card = summaryCard(items.slice(0, 5), items.length, zh);
    expect(card.title).toBe('还有 7 个客户待跟进');
    expect(card.text?.split('\n')).toEqual([
      '• 客户0 · 已逾期 5 天',
      '• 客户1 · 已逾期 4 天',
      '• 客户2 · 已逾期 3 天',
      '• 客户3 · 已逾期 2 天',
      '• 客户4 · 已逾期 1 天',
      '…还有 2 个',
    ]);
    expect(card.notes).toEqual(['发送 /我的 查看全部']);
  });
});

describe('/我的', () => {
  const items = [
    { section: 'overdue' as const, kind: 'due' as const, view: view() },
    { section: 'quiet' as const, kind: 'quiet' as const, view: view({ id: 8, name: '星河贸易', nextFollowUpAt: null }) },
  ];
  it('is celebratory when empty', () => {
    expect(mineCard({ items: [], total: 0 }, zh, { compact: false })).toMatchObject({
      tone: 'green',
      text: '今天没有到期、逾期或久未跟进的客户 🎉',
    });
  });

  it('has a section per kind, a row per customer with every action and no reminder id, and the count of the rest', () => {
    const card = mineCard({ items, total: 14 }, zh, { compact: false });
    expect(card.title).toBe('我的待跟进客户（14）');
    expect(card.sections?.map((s) => s.title)).toEqual(['已逾期', '久未跟进']);
    const row = card.sections?.[0]?.rows[0];
    expect(row?.buttons?.map((b) => b.action.name)).toEqual([
      REMINDER_ACTION.askNote,
      REMINDER_ACTION.postpone,
      REMINDER_ACTION.postpone,
      REMINDER_ACTION.transfer,
    ]);
    expect(row?.buttons?.[0]?.action.args).toMatchObject({ c: '7', r: '' });
    expect(row?.control?.action.name).toBe(REMINDER_ACTION.reschedule);
    expect(card.notes).toEqual(['还有 12 个客户未列出，先处理上面的吧']);
  });

  it('compact (no sections) fits WeCom in one card: lines, and one labelled 已跟进 per row', () => {
    const card = mineCard({ items, total: 2 }, zh, { compact: true });
    const fitted = adaptCard(card, WECOM_CAPABILITIES);
    expect(fitted).toHaveLength(1);
    expect(fitted[0]?.buttons?.map((b) => b.label)).toEqual(['云帆科技·已跟进', '星河贸易·已跟进']);
  });
});

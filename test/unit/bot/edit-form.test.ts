import { describe, expect, it } from 'vitest';
import { readEditForm, readIsoLocal } from '../../../src/bot/edit-form.js';

const opts = {
  locale: 'zh-CN' as const,
  timeZone: 'Asia/Shanghai',
  readDate: (t: string) => (t === '下周三' ? new Date('2026-12-02T01:00:00Z') : null),
};

describe('readIsoLocal', () => {
  it.each([
    ['2026-12-02', 'Asia/Shanghai', '2026-12-02T01:00:00.000Z'],
    ['2026-12-02 15:30', 'Asia/Shanghai', '2026-12-02T07:30:00.000Z'],
    ['2026-7-1 08:00', 'America/New_York', '2026-07-01T12:00:00.000Z'],
    ['2026-12-01 08:00', 'America/New_York', '2026-12-01T13:00:00.000Z'],
  ])('%s in %s', (text, zone, iso) => {
    expect(readIsoLocal(text, zone)?.toISOString()).toBe(iso);
  });

  it.each(['2026-13-01', '2026-12-02 25:00', 'tomorrow', ''])('rejects %s', (text) => {
    expect(readIsoLocal(text, 'Asia/Shanghai')).toBeNull();
  });
});

describe('readEditForm', () => {
  it('reads every field, in either language, and clears emptied ones', () => {
    const read = readEditForm(
      {
        contact: ' 王总 ',
        channel: '拜访',
        stage: 'Quoted',
        amount: '¥500,000',
        nextFollowUpAt: '下周三',
        nextStep: '',
        needs: '审批流',
        summary: '上门演示',
      },
      opts,
    );
    expect(read).toEqual({
      ok: true,
      changes: {
        contact: '王总',
        channel: 'visit',
        stage: 'quote',
        amount: 500000,
        nextFollowUpAt: new Date('2026-12-02T01:00:00Z'),
        nextStep: null,
        needs: '审批流',
        summary: '上门演示',
      },
    });
  });

  it('leaves fields that were not in the form untouched', () => {
    expect(readEditForm({ needs: 'x' }, opts)).toEqual({ ok: true, changes: { needs: 'x' } });
  });

  it.each([
    [{ stage: '快成了' }, '阶段「快成了」'],
    [{ channel: '飞鸽传书' }, '方式「飞鸽传书」'],
    [{ amount: '五十万左右' }, '金额「五十万左右」'],
    [{ amount: '-5' }, '金额「-5」'],
    [{ nextFollowUpAt: '过段时间' }, '下次跟进「过段时间」'],
  ])('refuses an unreadable value instead of guessing: %o', (form, what) => {
    expect(readEditForm(form, opts)).toEqual({ ok: false, error: `没看懂：${what}` });
  });
});

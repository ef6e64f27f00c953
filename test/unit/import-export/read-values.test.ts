import { describe, expect, it } from 'vitest';
import { mapHeaders } from '../../../src/domain/import-export/columns.js';
import { readAmount, readDate, readOwner, readTags, readTier, sameDate } from '../../../src/domain/import-export/read-values.js';
import { readStageName } from '../../../src/domain/customers/stage-names.js';

const TZ = 'Asia/Shanghai';

describe('spreadsheet cells', () => {
  it.each([
    ['50万', 500000, 'CNY'],
    ['45k', 45000, 'CNY'],
    ['¥1,200,000', 1200000, 'CNY'],
    ['1200000', 1200000, 'CNY'],
    ['1234.5', 1234.5, 'CNY'],
    ['USD 60000', 60000, 'USD'],
    ['$1.2M', 1200000, 'USD'],
    ['一百五十万', 1500000, 'CNY'],
    [88000, 88000, 'CNY'],
  ])('amount %j → %d %s', (cell, amount, currency) => {
    expect(readAmount(cell)).toEqual({ ok: true, value: { amount, currency } });
  });

  it.each(['lots', '面议', '-'])('amount %j is refused with an example of what works', (cell) => {
    expect(readAmount(cell)).toEqual({ ok: false, reason: expect.stringContaining('is not an amount (such as 500000, 50万') });
  });

  it.each([
    ['2026-12-01', '2026-12-01T01:00:00.000Z', 'day'],
    ['2026/12/1 14:30', '2026-12-01T06:30:00.000Z', 'minute'],
    ['2026-12-01 00:00', '2026-11-30T16:00:00.000Z', 'minute'],
    ['2026.12.01 08:05:09', '2026-12-01T00:05:09.000Z', 'second'],
    [new Date(Date.UTC(2026, 11, 1)), '2026-12-01T01:00:00.000Z', 'day'],
    [new Date(Date.UTC(2026, 11, 1, 15, 45, 0, 2)), '2026-12-01T07:45:00.000Z', 'minute'],
    [46357, '2026-12-01T01:00:00.000Z', 'day'],
    ['2026-12-01T06:30:00Z', '2026-12-01T06:30:00.000Z', 'minute'],
    ['2026-12-01T14:30:05+08:00', '2026-12-01T06:30:05.000Z', 'second'],
  ])('date %j is %s (%s) in Asia/Shanghai, a bare day at 09:00', (cell, iso, precision) => {
    const read = readDate(cell, TZ, 9);
    expect(read.ok && read.value).toEqual({ at: new Date(iso), precision });
  });

  it.each(['明天', '2026-02-30', '2026-12-01 25:00', '12/01/2026'])('date %j is refused', (cell) => {
    expect(readDate(cell, TZ, 9).ok).toBe(false);
  });

  it('a bare day matches any stored time that local day; a time matches to its precision', () => {
    const day = readDate('2026-12-01', TZ, 9);
    const minute = readDate('2026-12-01 14:30', TZ, 9);
    if (!day.ok || !day.value || !minute.ok || !minute.value) throw new Error('unread');
    expect(sameDate(new Date('2026-11-30T16:00:00Z'), day.value, TZ)).toBe(true);
    expect(sameDate(new Date('2026-12-01T15:59:59Z'), day.value, TZ)).toBe(true);
    expect(sameDate(new Date('2026-12-01T16:00:00Z'), day.value, TZ)).toBe(false);
    expect(sameDate(new Date('2026-12-01T06:30:59.999Z'), minute.value, TZ)).toBe(true);
    expect(sameDate(new Date('2026-12-01T06:31:00Z'), minute.value, TZ)).toBe(false);
    expect(sameDate(null, minute.value, TZ)).toBe(false);
  });

  it.each([
    ['大客户;续费', ['大客户', '续费']],
    ['大客户、华东、大客户', ['大客户', '华东']],
    ['a, b | c；d，e', ['a', 'b', 'c', 'd', 'e']],
    [' ; ', null],
  ])('tags %j', (cell, tags) => {
    expect(readTags(cell)).toEqual(tags);
  });

  it.each([
    ['feishu:ou_1', { kind: 'ref', platform: 'feishu', id: 'ou_1' }],
    ['张三 (wecom:zhangsan)', { kind: 'ref', platform: 'wecom', id: 'zhangsan' }],
    ['张三', { kind: 'name', name: '张三' }],
    ['张三 (销售)', { kind: 'name', name: '张三 (销售)' }],
    ['', null],
  ])('owner %j', (cell, owner) => {
    expect(readOwner(cell)).toEqual(owner);
  });

  it.each([
    ['初次接触', 'lead'],
    ['新线索', 'lead'],
    ['需求确认', 'qualified'],
    ['已确认需求', 'qualified'],
    ['方案', 'proposal'],
    ['报价', 'quote'],
    ['谈判', 'negotiation'],
    ['赢单', 'won'],
    ['输单', 'lost'],
    ['Negotiation', 'negotiation'],
    ['closed', null],
  ])('stage %j → %s', (cell, stage) => {
    expect(readStageName(cell)).toBe(stage);
  });

  it('tiers A/B/C in either case, with 级 or 类', () => {
    expect(['a', 'B级', 'C类'].map((t) => readTier(t))).toEqual([
      { ok: true, value: 'A' },
      { ok: true, value: 'B' },
      { ok: true, value: 'C' },
    ]);
    expect(readTier('D')).toEqual({ ok: false, reason: 'tier "D" is not A, B or C' });
  });

  it('maps headers in any order and language, reporting unknown and repeated ones', () => {
    expect(mapHeaders(['备注', 'Name', ' 负责人 ', '来源', '', '客户名称'])).toEqual({
      index: { notes: 0, name: 1, owner: 2 },
      unknown: ['来源'],
      repeated: ['客户名称'],
    });
  });
});

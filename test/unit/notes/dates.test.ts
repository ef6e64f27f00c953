import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// docs/parsing.md: now = Wednesday 2026-11-25 10:00 +08:00, weeks start on Monday.
const now = new Date('2026-11-25T10:00:00+08:00');
const next = (text: string, at = now, timeZone = 'Asia/Shanghai') => parseNote(`跟进云帆科技王总,${text}`, { now: at, timeZone }).nextFollowUpAt;

describe('next follow-up dates (docs/parsing.md table)', () => {
  it.each([
    ['明天再联系', '2026-11-26T09:00:00+08:00'],
    ['tomorrow', '2026-11-26T09:00:00+08:00'],
    ['后天回访', '2026-11-27T09:00:00+08:00'],
    ['大后天见面', '2026-11-28T09:00:00+08:00'],
    ['周五给答复', '2026-11-27T09:00:00+08:00'],
    ['这周五', '2026-11-27T09:00:00+08:00'],
    ['本周五', '2026-11-27T09:00:00+08:00'],
    ['周一再打', '2026-11-30T09:00:00+08:00'],
    ['下周一', '2026-11-30T09:00:00+08:00'],
    ['下周三上门', '2026-12-02T09:00:00+08:00'],
    ['下周五', '2026-12-04T09:00:00+08:00'],
    ['next Tuesday', '2026-12-01T09:00:00+08:00'],
    ['3天后再联系', '2026-11-28T09:00:00+08:00'],
    ['10天后', '2026-12-05T09:00:00+08:00'],
    ['两周后', '2026-12-09T09:00:00+08:00'],
    ['一个月后', '2026-12-25T09:00:00+08:00'],
    ['12月5日', '2026-12-05T09:00:00+08:00'],
    ['12月5号', '2026-12-05T09:00:00+08:00'],
    ['12/8', '2026-12-08T09:00:00+08:00'],
    ['follow up on Dec 10', '2026-12-10T09:00:00+08:00'],
    ['2026-12-03', '2026-12-03T09:00:00+08:00'],
    ['11月20日', '2027-11-20T09:00:00+08:00'],
    ['月底', '2026-11-30T09:00:00+08:00'],
    ['月末', '2026-11-30T09:00:00+08:00'],
    ['下个月初', '2026-12-01T09:00:00+08:00'],
    ['下月初', '2026-12-01T09:00:00+08:00'],
    ['明年3月', '2027-03-01T09:00:00+08:00'],
    ['明天下午3点', '2026-11-26T15:00:00+08:00'],
    ['明天下午三点', '2026-11-26T15:00:00+08:00'],
    ['12月2日 15:00', '2026-12-02T15:00:00+08:00'],
    ['12月5日前发合同', '2026-12-05T09:00:00+08:00'],
    ['in 2 weeks', '2026-12-09T09:00:00+08:00'],
    ['下午3点再打', '2026-11-25T15:00:00+08:00'],
  ])('%s → %s', (text, iso) => {
    expect(next(text)).toBe(iso);
  });

  it.each(['下周再说', '过段时间再联系', '年后启动', '12月中旬', '价格再低一点', '今天打了电话', '过两天再问', '过几天再联系'])('%s has no fixed day → null', (text) => {
    expect(next(text)).toBeNull();
  });

  it('reads 下周X from a Sunday as the day in the next calendar week', () => {
    const sunday = new Date('2026-11-29T20:00:00+08:00');
    expect(next('下周一', sunday)).toBe('2026-11-30T09:00:00+08:00');
    expect(next('下周三', sunday)).toBe('2026-12-02T09:00:00+08:00');
    expect(next('周三', sunday)).toBe('2026-12-02T09:00:00+08:00');
  });

  it('works in the workspace time zone, not the machine one', () => {
    // 2026-11-25T01:00Z is still the 24th in New York.
    expect(next('明天', new Date('2026-11-25T01:00:00Z'), 'America/New_York')).toBe('2026-11-25T09:00:00-05:00');
  });

  it('uses the configured default hour for a date without a time', () => {
    expect(parseNote('云帆科技 明天', { now, timeZone: 'Asia/Shanghai', defaultHour: 14 }).nextFollowUpAt).toBe('2026-11-26T14:00:00+08:00');
  });
});

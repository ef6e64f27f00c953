import { describe, expect, it } from 'vitest';
import { previousWeekDay, reportedWeek, weekOf } from '../../../src/domain/digest/week.js';

describe('digest weeks: Monday 00:00 to Monday 00:00 in the workspace zone', () => {
  it.each([
    // Monday 09:00 Shanghai: the week that just ended.
    ['2026-11-23T01:00:00Z', 'Asia/Shanghai', '2026-11-16', '2026-11-15T16:00:00.000Z', '2026-11-22T16:00:00.000Z'],
    // Sunday 23:59 Shanghai is still in the week before the one that ended last Monday.
    ['2026-11-22T15:59:00Z', 'Asia/Shanghai', '2026-11-09', '2026-11-08T16:00:00.000Z', '2026-11-15T16:00:00.000Z'],
    // Monday 00:00 exactly starts the new week.
    ['2026-11-22T16:00:00Z', 'Asia/Shanghai', '2026-11-16', '2026-11-15T16:00:00.000Z', '2026-11-22T16:00:00.000Z'],
    // New York: the week of 2026-10-26 holds the end of daylight saving (Nov 1), 169 hours long.
    ['2026-11-02T14:00:00Z', 'America/New_York', '2026-10-26', '2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
  ])('at %s in %s the reported week starts %s', (at, zone, startDay, start, end) => {
    const week = reportedWeek(new Date(at), zone);
    expect(week.startDay).toBe(startDay);
    expect(week.start.toISOString()).toBe(start);
    expect(week.end.toISOString()).toBe(end);
    expect(week.previousStart.getTime()).toBeLessThan(week.start.getTime());
  });

  it('the current week is the one the instant falls in; weeks chain', () => {
    const now = new Date('2026-11-25T02:00:00Z');
    const current = weekOf(now, 'Asia/Shanghai');
    expect(current.startDay).toBe('2026-11-23');
    expect(current.start <= now && now < current.end).toBe(true);
    expect(reportedWeek(now, 'Asia/Shanghai').end.getTime()).toBe(current.start.getTime());
    expect(previousWeekDay('2026-01-05')).toBe('2025-12-29');
  });
});

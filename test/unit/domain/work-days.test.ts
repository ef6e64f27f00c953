import { describe, expect, it } from 'vitest';
import { isWorkDay, localDay, localDayAt, nextWorkDay, workDaysBetween } from '../../../src/domain/schedule/work-days.js';

const cal = { timeZone: 'Asia/Shanghai', workDays: [1, 2, 3, 4, 5] };
const at = (iso: string) => new Date(iso);

describe('work days', () => {
  it('reads the local day in the workspace zone, not UTC', () => {
    // 2026-11-22 17:00 UTC is Monday 01:00 in Shanghai.
    expect(localDay(at('2026-11-22T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-23');
    expect(localDay(at('2026-11-22T17:00:00Z'), 'UTC')).toBe('2026-11-22');
  });

  it('knows weekends and custom work weeks', () => {
    expect(isWorkDay(cal, at('2026-11-21T10:00:00+08:00'))).toBe(false); // Saturday
    expect(isWorkDay(cal, at('2026-11-23T10:00:00+08:00'))).toBe(true); // Monday
    expect(isWorkDay({ ...cal, workDays: [1, 2, 3, 4, 5, 6] }, at('2026-11-21T10:00:00+08:00'))).toBe(true);
  });

  it('moves a weekend day to the next working day', () => {
    expect(nextWorkDay(cal, at('2026-11-21T10:00:00+08:00'))).toBe('2026-11-23');
    expect(nextWorkDay(cal, at('2026-11-24T10:00:00+08:00'))).toBe('2026-11-24');
  });

  it('counts working days after the start day up to the end day', () => {
    // Sent Friday 27th: Mon 30th is 1, Wed 2 Dec is 3.
    expect(workDaysBetween(cal, at('2026-11-27T09:00:00+08:00'), at('2026-11-29T18:00:00+08:00'))).toBe(0);
    expect(workDaysBetween(cal, at('2026-11-27T09:00:00+08:00'), at('2026-11-30T09:00:00+08:00'))).toBe(1);
    expect(workDaysBetween(cal, at('2026-11-27T09:00:00+08:00'), at('2026-12-02T08:00:00+08:00'))).toBe(3);
    expect(workDaysBetween(cal, at('2026-12-02T09:00:00+08:00'), at('2026-11-27T09:00:00+08:00'))).toBe(0);
  });

  it('gives a local hour a number of days later', () => {
    expect(localDayAt(at('2026-11-23T23:30:00+08:00'), 1, 9, 0, 'Asia/Shanghai').toISOString()).toBe('2026-11-24T01:00:00.000Z');
  });
});

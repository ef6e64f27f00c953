import { describe, expect, it } from 'vitest';
import { planPostpone } from '../../../src/domain/reminder-actions/plan-postpone.js';

const SH = 'Asia/Shanghai';
const NOW = new Date('2026-11-25T02:00:00Z'); // Wed 11月25日 10:00 in Shanghai

describe('planPostpone: the chosen local day at the planned time of day', () => {
  it.each([
    ['1 day, planned 15:00', { days: 1 }, new Date('2026-11-24T07:00:00Z'), '2026-11-26T07:00:00.000Z'],
    ['1 week, planned 15:00', { days: 7 }, new Date('2026-11-24T07:00:00Z'), '2026-12-02T07:00:00.000Z'],
    ['1 day, no plan: the default hour', { days: 1 }, null, '2026-11-26T01:00:00.000Z'],
    ['a picked date, planned 08:30', { date: '2026-12-03' }, new Date('2026-11-20T00:30:00Z'), '2026-12-03T00:30:00.000Z'],
    ['today itself', { date: '2026-11-25' }, null, '2026-11-25T01:00:00.000Z'],
    ['across the year', { date: '2027-01-04' }, null, '2027-01-04T01:00:00.000Z'],
  ] as const)('%s', (_, to, plannedAt, expected) => {
    const plan = planPostpone(to, { now: NOW, timeZone: SH, plannedAt, defaultHour: 9 });
    expect(plan).toEqual({ ok: true, until: new Date(expected) });
  });

  it('a local day just after midnight is that day, not the UTC one', () => {
    // 00:30 on 11月26日 in Shanghai is still the 25th in UTC: 推迟1天 means the 27th.
    const plan = planPostpone({ days: 1 }, { now: new Date('2026-11-25T16:30:00Z'), timeZone: SH, plannedAt: null, defaultHour: 9 });
    expect(plan).toEqual({ ok: true, until: new Date('2026-11-27T01:00:00Z') });
  });

  it('keeps the wall-clock time across a DST change', () => {
    // New York leaves summer time on Nov 1 2026: 15:00 EDT the day before, 15:00 EST after.
    const plan = planPostpone(
      { days: 1 },
      { now: new Date('2026-10-31T14:00:00Z'), timeZone: 'America/New_York', plannedAt: new Date('2026-10-30T19:00:00Z'), defaultHour: 9 },
    );
    expect(plan).toEqual({ ok: true, until: new Date('2026-11-01T20:00:00Z') });
  });

  it.each([
    ['yesterday', '2026-11-24', 'past_date'],
    ['not a date', '2026-02-30', 'bad_date'],
    ['not the format', '12/03', 'bad_date'],
  ] as const)('refuses %s', (_, date, why) => {
    expect(planPostpone({ date }, { now: NOW, timeZone: SH, plannedAt: null, defaultHour: 9 })).toEqual({ ok: false, why });
  });
});

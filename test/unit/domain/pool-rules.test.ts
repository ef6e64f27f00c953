import { describe, expect, it } from 'vitest';
import { baselineOf, poolStep, releaseDayOf } from '../../../src/domain/pool-recycling/pool-rules.js';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);
const step = (o: Partial<Omit<Parameters<typeof poolStep>[0], 'now' | 'warnedAt'>> & { now: string; warnedAt?: string | null }) =>
  poolStep({
    baseline: at('2026-09-28T02:00:00Z'),
    tier: null,
    releaseAfterDays: 60,
    warnDaysBefore: 2,
    timeZone: TZ,
    ...o,
    now: at(o.now),
    warnedAt: o.warnedAt ? at(o.warnedAt) : null,
  });

describe('pool rules', () => {
  it('baseline: the later of the last follow-up and the current owner getting it, else creation', () => {
    const created = at('2026-01-01T00:00:00Z');
    expect(baselineOf({ lastFollowUpAt: null, ownerSince: null, createdAt: created })).toEqual(created);
    expect(baselineOf({ lastFollowUpAt: at('2026-05-01T00:00:00Z'), ownerSince: at('2026-06-01T00:00:00Z'), createdAt: created })).toEqual(
      at('2026-06-01T00:00:00Z'),
    );
    expect(baselineOf({ lastFollowUpAt: at('2026-07-01T00:00:00Z'), ownerSince: at('2026-06-01T00:00:00Z'), createdAt: created })).toEqual(
      at('2026-07-01T00:00:00Z'),
    );
  });

  it.each([
    // Baseline Mon 28 Sep 10:00 Shanghai: warning day Wed 25 Nov, release day Fri 27 Nov.
    ['the day before the warning day', '2026-11-24T15:59:00Z', null, 'wait'],
    ['the warning day (local midnight)', '2026-11-24T16:00:00Z', null, 'warn'],
    ['warned, release day not come', '2026-11-26T02:00:00Z', '2026-11-25T02:00:00Z', 'wait'],
    ['warned two days before the release day', '2026-11-27T02:00:00Z', '2026-11-25T02:00:00Z', 'recycle'],
    ['past the release day, never warned: warned first', '2026-12-10T02:00:00Z', null, 'warn'],
    ['warned late (on the release day): two more days', '2026-11-28T02:00:00Z', '2026-11-27T02:00:00Z', 'wait'],
    ['warned late, two days on', '2026-11-29T02:00:00Z', '2026-11-27T02:00:00Z', 'recycle'],
  ] as const)('%s → %s', (_name, now, warnedAt, expected) => {
    expect(step({ now, warnedAt })).toBe(expected);
  });

  it('no warning when warnDaysBefore is 0: recycled on the release day', () => {
    expect(step({ now: '2026-11-26T02:00:00Z', warnDaysBefore: 0 })).toBe('wait');
    expect(step({ now: '2026-11-27T02:00:00Z', warnDaysBefore: 0 })).toBe('recycle');
  });

  it('per tier, untiered as C', () => {
    const tiers = { A: 90, B: 60, C: 30 };
    expect(step({ now: '2026-11-25T02:00:00Z', tier: 'A', releaseAfterDays: tiers })).toBe('wait');
    expect(step({ now: '2026-11-25T02:00:00Z', tier: 'B', releaseAfterDays: tiers })).toBe('warn');
    expect(step({ now: '2026-10-26T02:00:00Z', tier: null, releaseAfterDays: tiers })).toBe('warn');
  });

  it('the day the card names: the release day, or warnDaysBefore from now when the warning is late', () => {
    const base = { baseline: at('2026-09-28T02:00:00Z'), tier: null, releaseAfterDays: 60, warnDaysBefore: 2, timeZone: TZ };
    expect(releaseDayOf({ ...base, now: at('2026-11-25T02:00:00Z') })).toEqual({ y: 2026, m: 11, d: 27 });
    expect(releaseDayOf({ ...base, now: at('2026-11-30T02:00:00Z') })).toEqual({ y: 2026, m: 12, d: 2 });
  });
});

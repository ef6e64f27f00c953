import { describe, expect, it } from 'vitest';
import { lateness, localDaysBetween } from '../../../src/domain/reminders/lateness.js';
import { byUrgency, planRep, spreadOffsetMs } from '../../../src/domain/reminders/plan-reminders.js';
import type { Candidate } from '../../../src/domain/reminders/scan-reminders.js';

const at = (iso: string) => new Date(iso);
const due = (id: number, next: string): Candidate => ({
  customerId: id,
  ownerUserId: 1,
  kind: 'due',
  nextAt: at(next),
  lastAt: null,
  createdAt: at('2026-01-01T00:00:00Z'),
  subjectAt: at(next),
  repeat: false,
});
const quiet = (id: number, since: string): Candidate => ({
  ...due(id, since),
  kind: 'quiet',
  nextAt: null,
  lastAt: at(since),
  subjectAt: at(since),
  repeat: false,
});

describe('planning one rep’s reminders', () => {
  it('orders due by next follow-up (oldest first), then quiet by baseline, ties by id', () => {
    const list = [
      quiet(5, '2026-11-01T00:00:00Z'),
      due(3, '2026-11-24T01:00:00Z'),
      quiet(4, '2026-10-01T00:00:00Z'),
      due(2, '2026-11-20T01:00:00Z'),
      due(1, '2026-11-20T01:00:00Z'),
    ];
    expect([...list].sort(byUrgency).map((c) => c.customerId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives cards to the first maxCards and lists the rest', () => {
    const list = Array.from({ length: 7 }, (_, i) => due(i + 1, `2026-11-${String(10 + i).padStart(2, '0')}T01:00:00Z`));
    const plan = planRep(list.reverse(), 5);
    expect(plan.cards.map((c) => c.customerId)).toEqual([1, 2, 3, 4, 5]);
    expect(plan.summary.map((c) => c.customerId)).toEqual([6, 7]);
    expect(planRep(list, 10).summary).toEqual([]);
  });

  it.each([0, 1, 5, 60])('spreads recipients inside %i minutes, the same offset every time', (minutes) => {
    const offsets = Array.from({ length: 200 }, (_, i) => spreadOffsetMs(i + 1, minutes));
    for (const o of offsets) {
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(Math.max(1, minutes * 60_000));
    }
    expect(Array.from({ length: 200 }, (_, i) => spreadOffsetMs(i + 1, minutes))).toEqual(offsets);
    if (minutes >= 5) expect(new Set(offsets).size).toBeGreaterThan(100);
  });
});

describe('how late', () => {
  const zone = 'Asia/Shanghai';
  it.each([
    ['2026-11-25T07:00:00Z', '2026-11-25T07:00:00Z', { kind: 'due_today' }],
    ['2026-11-25T01:00:00Z', '2026-11-25T15:59:00Z', { kind: 'due_today' }], // 23:59 local, same day
    ['2026-11-24T15:59:00Z', '2026-11-24T16:00:00Z', { kind: 'overdue', days: 1 }], // 23:59 → 00:00 local
    ['2026-11-23T01:00:00Z', '2026-11-25T02:00:00Z', { kind: 'overdue', days: 2 }],
  ])('due at %s, seen at %s', (next, now, expected) => {
    expect(lateness({ kind: 'due', nextAt: at(next) }, at(now), zone)).toMatchObject(expected);
  });

  it('counts local days, across a daylight-saving change too', () => {
    expect(localDaysBetween(at('2026-11-01T03:00:00Z'), at('2026-11-02T04:00:00Z'), 'America/New_York')).toBe(1);
    expect(localDaysBetween(at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z'), 'America/New_York')).toBe(2);
  });

  it('a quiet customer is late by the days since its baseline', () => {
    expect(lateness({ kind: 'quiet', since: at('2026-11-11T02:00:00Z'), never: false }, at('2026-11-25T02:00:00Z'), zone)).toEqual({
      kind: 'quiet',
      days: 14,
      since: at('2026-11-11T02:00:00Z'),
      never: false,
    });
  });
});

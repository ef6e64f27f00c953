import { describe, expect, it } from 'vitest';
import { digestCard } from '../../../src/bot/digest/card.js';
import type { TeamFigures } from '../../../src/domain/digest/figures.js';

const person = (id: number, name: string) => ({ id, platformUserId: `ou_${id}`, name });
const figures: TeamFigures = {
  version: 1,
  workspaceId: 1,
  team: { id: 3, key: 'east', name: 'East' },
  week: {
    startDay: '2026-11-16',
    start: '2026-11-15T16:00:00.000Z',
    end: '2026-11-22T16:00:00.000Z',
    asOf: '2026-11-22T16:00:00.000Z',
    complete: true,
  },
  reps: [
    {
      ...person(1, 'Ann'),
      followUps: 4,
      followUpsLastWeek: 6,
      customersTouched: 3,
      newCustomers: 1,
      stageMoves: [{ customerId: 9, customer: 'Contoso', from: 'quote', to: 'won', amount: 60000 }],
      overdue: 1,
      quiet: 0,
    },
    { ...person(2, 'Bob'), followUps: 0, followUpsLastWeek: 0, customersTouched: 0, newCustomers: 0, stageMoves: [], overdue: 0, quiet: 2 },
  ],
  totals: {
    followUps: 4,
    followUpsLastWeek: 6,
    newCustomers: 1,
    pipeline: [{ stage: 'quote', count: 2, amount: 300000 }],
    pipelineAmount: 300000,
    pipelineAmountLastWeek: 350000,
    won: { count: 1, amount: 60000 },
    wonLastWeek: { count: 0, amount: 0 },
  },
  atRisk: [
    {
      customerId: 7,
      name: 'Fabrikam',
      stage: 'quote',
      amount: 100000,
      owner: person(2, 'Bob'),
      ownerId: 2,
      overdueDays: 4,
      silentDays: 9,
      quietLimit: 14,
      score: 11.2,
    },
  ],
  people: [person(1, 'Ann'), person(2, 'Bob'), person(5, 'Mia')],
};

describe('the digest card', () => {
  it('speaks English in an en workspace: totals against last week, moves, idle reps, the at-risk picker', () => {
    const card = digestCard(figures, { locale: 'en', timeZone: 'Asia/Shanghai', scope: 'weekly', digestId: 42 });
    expect(card.title).toBe('East weekly · 11/16–11/22');
    expect(card.fields).toEqual([
      { label: 'Follow-ups', value: '4 (last week 6, -2)' },
      { label: 'Won', value: '1 deal(s) ¥60,000 (last week 0)' },
      { label: 'Pipeline', value: '¥300,000 (vs last week -¥50,000)' },
      { label: 'New customers', value: '1' },
    ]);
    const json = JSON.stringify(card);
    expect(json).toContain('Contoso Quoted→Won ¥60,000');
    expect(json).toContain('Bob (no follow-ups this week)');
    const risk = card.sections?.find((s) => s.title === 'At risk')?.rows[0];
    expect(risk?.text).toBe('Fabrikam · Bob · 4 day(s) overdue · Quoted');
    expect(risk?.control).toMatchObject({
      kind: 'person',
      people: [
        { id: 'ou_1', name: 'Ann' },
        { id: 'ou_5', name: 'Mia' },
      ],
      action: { name: 'dg.reassign', args: { d: '42', c: '7', f: '2' } },
    });
    expect(card.chart?.series.map((s) => s.values)).toEqual([
      [4, 0],
      [6, 0],
    ]);
  });

  it('has no picker without a stored digest (/周报), and shows a moved customer’s new owner when redrawn', () => {
    const soFar = digestCard(figures, { locale: 'zh-CN', timeZone: 'Asia/Shanghai', scope: 'so_far' });
    expect(JSON.stringify(soFar)).not.toContain('dg.reassign');
    const redrawn = digestCard(figures, {
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      scope: 'weekly',
      digestId: 42,
      owners: new Map([[7, person(5, '米娅')]]),
    });
    const row = redrawn.sections?.find((s) => s.title === '风险客户')?.rows[0];
    expect(row?.control).toBeUndefined();
    expect(row?.fields).toContainEqual({ label: '处理', value: '已转给 米娅' });
  });
});

import { describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../../src/domain/customers/customers-repo.js';
import { fieldsSetLater, planRestore } from '../../../src/domain/follow-ups/plan-restore.js';
import { readNoteEffect, readSnapshot, type UndoSnapshot } from '../../../src/domain/follow-ups/undo-snapshot.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 2, minute));
const other = (minute: number, fields: { stage?: 'quote'; amount?: number; tier?: 'A'; tags?: string[]; phone?: string } = {}) => ({
  occurredAt: at(minute),
  stage: fields.stage ?? null,
  amount: fields.amount ?? null,
  nextFollowUpAt: null,
  parsed: { tier: fields.tier ?? null, tags: fields.tags ?? [], phone: fields.phone ?? null },
});
const customer = (fields: Partial<CustomerRecord>) =>
  ({ tier: null, tags: [], phone: null, email: null, stage: 'lead', amount: null, ...fields }) as CustomerRecord;
const before: UndoSnapshot = {
  stage: 'lead',
  amount: null,
  currency: 'CNY',
  lastFollowUpAt: null,
  nextFollowUpAt: null,
  tier: 'C',
  tags: ['老客户'],
  created: false,
  phone: null,
  email: null,
  createdContactIds: [],
};
const followUp = { occurredAt: at(10), stage: 'quote' as const, amount: 500000, nextFollowUpAt: null };

describe('fieldsSetLater', () => {
  it('counts follow-ups at or after the time, not before', () => {
    expect([...fieldsSetLater(at(10), [other(5, { stage: 'quote' }), other(10, { amount: 1 }), other(20, { tier: 'A' })])].sort()).toEqual([
      'amount',
      'tier',
    ]);
  });
});

describe('planRestore', () => {
  const note = readNoteEffect({ tier: 'A', tags: ['国企', '老客户'], phone: '138', email: 'a@b.c' });

  it('puts back every field the note changed', () => {
    const now = customer({ tier: 'A', tags: ['老客户', '国企'], phone: '138', email: 'a@b.c', stage: 'quote', amount: 500000 });
    expect(planRestore({ followUp, note, snapshot: before, customer: now, others: [] })).toEqual({
      lastFollowUpAt: null,
      stage: 'lead',
      amount: null,
      currency: 'CNY',
      tier: 'C',
      tags: ['老客户'],
      phone: null,
      email: null,
    });
  });

  it('keeps what a later follow-up set or another follow-up states', () => {
    const now = customer({ tier: 'A', tags: ['老客户', '国企'], phone: '138', email: 'a@b.c' });
    const update = planRestore({
      followUp,
      note,
      snapshot: before,
      customer: now,
      others: [other(30, { stage: 'quote', tier: 'A', tags: ['国企'], phone: '138' })],
    });
    expect(update).toEqual({ lastFollowUpAt: at(30), amount: null, currency: 'CNY', email: null });
  });

  it('leaves phone and email alone for a snapshot written before they were recorded', () => {
    const legacy = readSnapshot({
      stage: 'lead',
      amount: null,
      currency: 'CNY',
      lastFollowUpAt: null,
      nextFollowUpAt: null,
      tier: null,
      tags: [],
      created: false,
    });
    const update = planRestore({
      followUp,
      note: readNoteEffect({ phone: '138' }),
      snapshot: legacy,
      customer: customer({ phone: '138' }),
      others: [],
    });
    expect(update).toEqual({ lastFollowUpAt: null, stage: 'lead', amount: null, currency: 'CNY' });
  });

  it('only moves the last follow-up time without a snapshot', () => {
    expect(planRestore({ followUp, note, snapshot: readSnapshot(null), customer: customer({}), others: [other(3)] })).toEqual({
      lastFollowUpAt: at(3),
    });
  });
});

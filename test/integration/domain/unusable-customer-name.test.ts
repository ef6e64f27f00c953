import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { customers, followUps } from '../../../src/db/schema/index.js';
import { findCustomerByName } from '../../../src/domain/customers/customers-repo.js';
import { useFollowUpsFixture } from './service-fixture.js';

/** A customer "name" of punctuation only is no name: never a row, never an exception. */
describe('a note whose customer is only punctuation', () => {
  const { state, record } = useFollowUpsFixture(5);
  const template = '客户：。。。\n沟通内容：电话沟通了报价\n下一步计划：下周三再联系';

  it('is answered as a note without a customer and writes nothing', async () => {
    expect(await record(template)).toEqual({ kind: 'not_understood' });
    expect(await state.db.select().from(followUps).where(eq(followUps.workspaceId, state.workspaceId))).toHaveLength(0);
    expect(await state.db.select().from(customers).where(eq(customers.workspaceId, state.workspaceId))).toHaveLength(0);
  });

  it('still asks between known candidates, proposing no name', async () => {
    const result = await record(template, { customerCandidates: [{ id: '1', name: '云帆科技', score: 0.7 }] });
    expect(result).toMatchObject({ kind: 'needs_customer', proposedName: null, candidates: [{ id: 1, name: '云帆科技' }] });
  });

  it('refuses a new customer of that name from the pick card instead of throwing', async () => {
    const draft = await record('给云帆王总打电话', {
      customer: '云帆',
      confidence: 0.4,
      customerCandidates: [{ id: '1', name: '云帆科技', score: 0.7 }],
    });
    if (draft.kind !== 'needs_customer') throw new Error(`expected needs_customer, got ${draft.kind}`);
    const picked = await state.service.chooseCustomer({
      workspaceId: state.workspaceId,
      actor: state.rep,
      followUpId: draft.followUp.id,
      choice: { newCustomerName: '。。。' },
    });
    expect(picked).toEqual({ kind: 'invalid_name' });
    expect(await findCustomerByName(state.db, state.workspaceId, '。。。')).toBeNull();
  });
});

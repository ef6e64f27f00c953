import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { customers } from '../../../src/db/schema/index.js';
import { useFollowUpsFixture } from './service-fixture.js';

describe('editing an older follow-up', () => {
  const { state, clock, record, insertCustomer } = useFollowUpsFixture(5);

  it('changes the follow-up, and the customer only where no newer confirmed follow-up has spoken', async () => {
    const id = await insertCustomer('中信证券');
    const older = await record('微信跟进中信证券林总,报价已发,预算30万');
    clock.advance(60_000);
    const newer = await record('中信证券林总 谈价格,预算45万');
    if (older.kind !== 'saved' || newer.kind !== 'saved') throw new Error('expected saved');
    expect(newer.customer).toMatchObject({ stage: 'negotiation', amount: 450000 });

    const nextFollowUpAt = new Date('2026-12-04T01:00:00Z');
    const edited = await state.service.edit({
      workspaceId: state.workspaceId,
      actor: state.rep,
      followUpId: older.followUp.id,
      changes: { stage: 'proposal', amount: 360000, nextFollowUpAt },
    });
    expect(edited).toMatchObject({ kind: 'edited', followUp: { stage: 'proposal', amount: 360000, nextFollowUpAt } });
    const [customer] = await state.db.select().from(customers).where(eq(customers.id, id));
    // Stage and amount belong to the newer note; the date nobody later set takes the edit.
    expect(customer).toMatchObject({ stage: 'negotiation', amount: 450000, nextFollowUpAt });
  });
});

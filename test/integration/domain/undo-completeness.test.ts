import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, customers, followUps } from '../../../src/db/schema/index.js';
import { useFollowUpsFixture } from './service-fixture.js';

/** Undo puts back everything its note changed on the customer, and nothing a later note established. */
describe('undo restores the whole customer', () => {
  const { state, clock, record, insertCustomer } = useFollowUpsFixture(5);
  const customer = async (id: number) => (await state.db.select().from(customers).where(eq(customers.id, id)))[0];
  const contactsOf = (id: number) => state.db.select().from(contacts).where(eq(contacts.customerId, id));
  const undo = (followUpId: number) => state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId });
  const saved = <R extends { kind: string }>(r: R): Extract<R, { kind: 'saved' }> => {
    if (r.kind !== 'saved') throw new Error(`expected saved, got ${r.kind}`);
    return r as Extract<R, { kind: 'saved' }>;
  };

  it('restores tier, tags, phone and email and removes the contact the note added', async () => {
    const id = await insertCustomer('保利地产', { tier: 'C', tags: ['老客户'], stage: 'qualified' });
    const note = saved(await record('保利地产 高总 电话 13812345678 gao@poly.com A类客户', { tags: ['国企', '老客户'] }));
    expect(await customer(id)).toMatchObject({ tier: 'A', phone: '13812345678', email: 'gao@poly.com' });
    expect(await contactsOf(id)).toHaveLength(1);

    expect((await undo(note.followUp.id)).kind).toBe('undone');
    expect(await customer(id)).toMatchObject({ tier: 'C', tags: ['老客户'], phone: null, email: null, stage: 'qualified' });
    expect(await contactsOf(id)).toHaveLength(0);
  });

  it('keeps a tag a later follow-up also added and a contact another follow-up refers to', async () => {
    const id = await insertCustomer('保利地产', { tags: [] });
    const first = saved(await record('保利地产 高总 电话沟通', { tags: ['国企', '重点'] }));
    clock.advance(60_000);
    saved(await record('保利地产 高总 又聊了一次', { tags: ['重点'] }));
    await undo(first.followUp.id);
    expect((await customer(id))?.tags).toEqual(['重点']);
    expect((await contactsOf(id)).map((c) => c.name)).toEqual(['高总']);
  });

  it('takes back the tier and tags a note gave the customer it created, when a later note keeps the customer', async () => {
    const first = saved(await record('新客户 华信银行 张行长 A类客户', { customer: '华信银行', tags: ['重点'] }));
    expect(first.customer).toMatchObject({ tier: 'A', tags: ['重点'] });
    clock.advance(60_000);
    saved(await record('华信银行 张行长 电话沟通'));
    await undo(first.followUp.id);
    expect(await customer(first.customer.id)).toMatchObject({ tier: null, tags: [] });
  });

  it('removes a contact an edit of the undone follow-up added', async () => {
    const id = await insertCustomer('保利地产');
    const note = saved(await record('保利地产 高总 电话沟通'));
    await state.service.edit({
      workspaceId: state.workspaceId,
      actor: state.rep,
      followUpId: note.followUp.id,
      changes: { contact: '高总监' },
    });
    expect((await contactsOf(id)).map((c) => c.name).sort()).toEqual(['高总', '高总监'].sort());
    await undo(note.followUp.id);
    expect(await contactsOf(id)).toHaveLength(0);
  });

  it('keeps a phone that was there before the note', async () => {
    const id = await insertCustomer('保利地产', { phone: '01012345678' });
    const note = saved(await record('保利地产 高总 电话 13812345678'));
    expect((await customer(id))?.phone).toBe('01012345678');
    await undo(note.followUp.id);
    expect((await customer(id))?.phone).toBe('01012345678');
  });

  it('keeps the tier a later follow-up set', async () => {
    const id = await insertCustomer('保利地产', { tier: 'C' });
    const first = saved(await record('保利地产 高总 B类客户'));
    clock.advance(60_000);
    saved(await record('保利地产 高总 A类客户'));
    await undo(first.followUp.id);
    expect((await customer(id))?.tier).toBe('A');
  });

  it('undoes a follow-up saved before the snapshot had the new keys as before', async () => {
    const id = await insertCustomer('保利地产', { stage: 'qualified', tier: 'C', phone: null });
    const note = saved(await record('电联保利地产高总,报价已发,预算100万,下周一再聊,电话13812345678'));
    // A row written by the previous release: only stage, amount, currency, dates, tier, tags.
    const legacy = {
      stage: 'qualified',
      amount: null,
      currency: 'CNY',
      lastFollowUpAt: null,
      nextFollowUpAt: null,
      tier: 'C',
      tags: [],
      created: false,
    };
    await state.db
      .update(followUps)
      .set({ customerBefore: legacy as never })
      .where(eq(followUps.id, note.followUp.id));
    expect((await undo(note.followUp.id)).kind).toBe('undone');
    expect(await customer(id)).toMatchObject({ stage: 'qualified', amount: null, nextFollowUpAt: null, lastFollowUpAt: null });
  });
});

import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, customers, followUps } from '../../../src/db/schema/index.js';
import { uniqueId } from '../../helpers/db.js';
import { draftFor } from '../../helpers/factories.js';
import { useFollowUpsFixture } from './service-fixture.js';

/** Real parallel transactions on a 20-connection pool against the real database; nothing mocked but the clock. */
describe('follow-ups under concurrency', () => {
  const { state, record, insertCustomer } = useFollowUpsFixture();
  const audits = (action: string) =>
    state.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, state.workspaceId), eq(auditLog.action, action)));
  const customersOf = () => state.db.select().from(customers).where(eq(customers.workspaceId, state.workspaceId));

  it('records eight simultaneous notes about one new customer against one customer row', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => record(`给云帆科技王总打电话,预算${50 + i}万`)));
    expect(results.map((r) => r.kind)).toEqual(Array(8).fill('saved'));
    const rows = await customersOf();
    expect(rows).toHaveLength(1);
    const saved = results.flatMap((r) => (r.kind === 'saved' ? [r] : []));
    expect(saved.filter((r) => r.createdCustomer)).toHaveLength(1);
    expect(new Set(saved.map((r) => r.followUp.customerId))).toEqual(new Set([rows[0]?.id]));
  });

  it('applies one of two simultaneous picks on a draft; the other answers already_done with the saved follow-up', async () => {
    const a = await insertCustomer('云帆科技');
    const b = await insertCustomer('云帆物流');
    const draft = await record('给云帆王总打电话,报价已发', {
      customer: '云帆',
      confidence: 0.4,
      customerCandidates: [
        { id: String(a), name: '云帆科技', score: 0.88 },
        { id: String(b), name: '云帆物流', score: 0.88 },
      ],
    });
    if (draft.kind !== 'needs_customer') throw new Error(`expected needs_customer, got ${draft.kind}`);
    const pick = (customerId: number) =>
      state.service.chooseCustomer({
        workspaceId: state.workspaceId,
        actor: state.rep,
        followUpId: draft.followUp.id,
        choice: { customerId },
      });
    const results = await Promise.all([pick(a), pick(b)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['already_done', 'saved']);
    const winner = results.find((r) => r.kind === 'saved');
    const loser = results.find((r) => r.kind === 'already_done');
    if (winner?.kind !== 'saved' || loser?.kind !== 'already_done') throw new Error('unreachable');
    expect(loser.followUp).toMatchObject({ status: 'confirmed', customerId: winner.customer.id });
    const rows = await customersOf();
    // Only the winner's customer moved to the note's stage.
    expect(rows.filter((c) => c.stage === 'quote').map((c) => c.id)).toEqual([winner.customer.id]);
    expect(await audits('follow_up.create')).toHaveLength(1);
  });

  it('undoes once when two undos of one follow-up arrive together; the other answers already_undone', async () => {
    const base = await insertCustomer('保利地产', { stage: 'qualified' });
    const saved = await record('电联保利地产高总,报价已发,预算100万');
    if (saved.kind !== 'saved') throw new Error(`expected saved, got ${saved.kind}`);
    const undo = () => state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId: saved.followUp.id });
    const results = await Promise.all([undo(), undo()]);
    expect(results.map((r) => r.kind).sort()).toEqual(['already_undone', 'undone']);
    expect(results.find((r) => r.kind === 'already_undone')).toMatchObject({ followUp: { status: 'undone' } });
    expect(await audits('follow_up.undo')).toHaveLength(1);
    const [customer] = await state.db.select().from(customers).where(eq(customers.id, base));
    expect(customer).toMatchObject({ stage: 'qualified', amount: null });
  });

  it('never leaves a note pointing at a customer an undo deleted when they race', async () => {
    for (let round = 0; round < 6; round += 1) {
      const name = `西湖文旅${round}`;
      const first = await record(`新线索:${name} 联系人 许先生`);
      if (first.kind !== 'saved') throw new Error(`expected saved, got ${first.kind}`);
      const [undone, second] = await Promise.all([
        state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId: first.followUp.id }),
        record(`${name} 许先生 电话沟通,预算20万`),
      ]);
      expect(undone.kind).toBe('undone');
      if (second.kind !== 'saved') throw new Error(`expected saved, got ${second.kind}`);
      const rows = await state.db
        .select()
        .from(customers)
        .where(and(eq(customers.workspaceId, state.workspaceId), eq(customers.normalizedName, name)));
      expect(rows.map((c) => c.id)).toEqual([second.followUp.customerId]);
      expect(rows[0]?.amount).toBe(200000);
    }
  });

  it('keeps every tag when two notes merge different tags into one customer at once', async () => {
    const id = await insertCustomer('美的', { tags: ['老客户'] });
    const note = (tag: string) =>
      state.service.recordNote({
        workspaceId: state.workspaceId,
        author: state.rep,
        text: `美的 电话沟通 ${tag}`,
        sourceMessageId: uniqueId('om'),
        occurredAt: new Date(),
        draft: draftFor(`美的 电话沟通 ${tag}`, { customer: '美的', tags: [tag] }),
      });
    const results = await Promise.all(['重点', '国企', '华南', '续约'].map(note));
    expect(results.map((r) => r.kind)).toEqual(Array(4).fill('saved'));
    const [customer] = await state.db.select().from(customers).where(eq(customers.id, id));
    expect([...(customer?.tags ?? [])].sort()).toEqual(['老客户', '重点', '国企', '华南', '续约'].sort());
  });

  it('answers a click that races an undo with the state the winner left', async () => {
    const saved = await record('拜访招商银行陆行长,报价130万');
    if (saved.kind !== 'saved') throw new Error(`expected saved, got ${saved.kind}`);
    const [edited, undone] = await Promise.all([
      state.service.edit({
        workspaceId: state.workspaceId,
        actor: state.rep,
        followUpId: saved.followUp.id,
        changes: { amount: 1_500_000 },
      }),
      state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId: saved.followUp.id }),
    ]);
    expect(undone.kind).toBe('undone');
    expect(['edited', 'undone_already']).toContain(edited.kind);
    const [row] = await state.db.select().from(followUps).where(eq(followUps.id, saved.followUp.id));
    expect(row?.status).toBe('undone');
    // The customer was created by the note and nobody else followed it up: gone, whatever the order.
    expect(await state.db.select().from(customers).where(eq(customers.id, saved.customer.id))).toHaveLength(0);
  });
});

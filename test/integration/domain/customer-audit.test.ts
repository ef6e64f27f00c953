import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema/index.js';
import { draftFor, NOW } from '../../helpers/factories.js';
import { useFollowUpsFixture } from './service-fixture.js';

/**
 * Every change of a customer's stage or amount writes `audit_log` in the transaction that makes
 * it: a confirmed note, an edit (card or /改) and an undo, each with the author as actor.
 */
describe('audit of customer stage and amount', () => {
  const { state, record, insertCustomer, clock } = useFollowUpsFixture(5);

  const customerAudit = (customerId: number) =>
    state.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(customerId))))
      .orderBy(asc(auditLog.id));

  it('a note that changes stage and amount writes one customer.update with the changed fields', async () => {
    const id = await insertCustomer('华信银行', { stage: 'qualified', amount: 200000, ownerUserId: state.rep.id });
    const saved = await record('微信跟进华信银行张行长,报价已发,预算50万');
    expect(saved.kind).toBe('saved');
    expect(await customerAudit(id)).toEqual([
      expect.objectContaining({
        workspaceId: state.workspaceId,
        actor: state.rep.ref,
        action: 'customer.update',
        before: { stage: 'qualified', amount: 200000 },
        after: { stage: 'quote', amount: 500000 },
        source: 'note',
        createdAt: NOW,
      }),
    ]);
  });

  it('a note that changes neither writes no customer row', async () => {
    const id = await insertCustomer('鑫源化工', { stage: 'quote', amount: 100000, ownerUserId: state.rep.id });
    expect((await record('拜访鑫源化工吴工,聊了聊近况')).kind).toBe('saved');
    expect(await customerAudit(id)).toEqual([]);
  });

  it('an edit from the card and one by /改 record their source; the undo puts it back and says so', async () => {
    const id = await insertCustomer('启明星科技', { stage: 'lead', amount: null, ownerUserId: state.rep.id });
    const saved = await record('今天给启明星科技赵总打电话,报价30万', { stage: 'quote', amount: 300000 });
    if (saved.kind !== 'saved') throw new Error(saved.kind);
    const followUpId = saved.followUp.id;
    clock.advance(60_000);
    const byCard = await state.service.edit({ workspaceId: state.workspaceId, actor: state.rep, followUpId, changes: { amount: 360000 } });
    expect(byCard.kind).toBe('edited');
    clock.advance(60_000);
    await state.service.edit({
      workspaceId: state.workspaceId,
      actor: state.rep,
      followUpId,
      changes: { stage: 'negotiation' },
      source: 'command',
    });
    clock.advance(60_000);
    // An edit that changes nothing on the customer (the next step only) writes no customer row.
    await state.service.edit({ workspaceId: state.workspaceId, actor: state.rep, followUpId, changes: { nextStep: '发合同' } });
    clock.advance(60_000);
    expect((await state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId })).kind).toBe('undone');

    const rows = await customerAudit(id);
    expect(rows.map((r) => [r.action, r.before, r.after, r.source])).toEqual([
      ['customer.update', { stage: 'lead', amount: null }, { stage: 'quote', amount: 300000 }, 'note'],
      ['customer.update', { amount: 300000 }, { amount: 360000 }, 'card'],
      ['customer.update', { stage: 'quote' }, { stage: 'negotiation' }, 'command'],
      ['customer.update', { stage: 'negotiation', amount: 360000 }, { stage: 'lead', amount: null }, 'card'],
    ]);
    expect(rows.every((r) => r.actor === state.rep.ref)).toBe(true);
    expect(rows.map((r) => r.createdAt.getTime() - NOW.getTime())).toEqual([0, 60_000, 120_000, 240_000]);
  });

  it('undoing the note that created a customer records its deletion', async () => {
    const saved = await record('拜访了保利地产高总,预算80万,方案阶段');
    if (saved.kind !== 'saved') throw new Error(saved.kind);
    expect(saved.createdCustomer).toBe(true);
    await state.service.undo({ workspaceId: state.workspaceId, actor: state.rep, followUpId: saved.followUp.id });
    const rows = await customerAudit(saved.customer.id);
    expect(rows.map((r) => r.action)).toEqual(['customer.update', 'customer.delete']);
    expect(rows[1]).toMatchObject({ before: { name: '保利地产', amount: 800000 }, after: null, source: 'card' });
  });

  it('a failed transaction leaves no audit row behind', async () => {
    const id = await insertCustomer('中信证券', { stage: 'lead', ownerUserId: state.rep.id });
    await expect(
      state.service.recordNote({
        workspaceId: state.workspaceId,
        author: state.rep,
        text: '中信证券林总,报价已发',
        sourceMessageId: 'om_audit_rollback',
        occurredAt: NOW,
        draft: draftFor('中信证券林总,报价已发'),
        outbound: () => {
          throw new Error('render failed');
        },
      }),
    ).rejects.toThrow('render failed');
    expect(await customerAudit(id)).toEqual([]);
  });
});

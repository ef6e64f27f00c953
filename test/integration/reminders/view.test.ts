import { describe, expect, it } from 'vitest';
import { contacts, followUps } from '../../../src/db/schema/index.js';
import { loadReminderView, loadReminderViews } from '../../../src/domain/reminders/reminder-view.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedReminderWorkspace } from './seed.js';

/**
 * A card's view of a customer: its latest confirmed follow-up of its own (not a draft, not an undone
 * one, not a colleague's collaboration note), who wrote it, the contact it spoke to (else the first
 * contact), and the planned next step; customers of another workspace are left out.
 */
describe('reminders: the view of one customer', () => {
  const testDb = useTestDatabase();

  it('shows the latest confirmed own follow-up, its author and contact, and the next step', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const li = await s.rep('李四');
    const id = await s.customer('云帆科技', zhang, { next: '2026-11-27T09:00:00+08:00', last: '2026-11-20T10:00:00+08:00' });
    const at = new Date('2026-11-01T00:00:00Z');
    const contact = async (name: string) =>
      (await testDb.db.insert(contacts).values({ workspaceId: s.workspaceId, customerId: id, name, createdAt: at, updatedAt: at }))[0]
        .insertId;
    await contact('王总');
    const chen = await contact('陈经理');
    const note = async (o: Partial<typeof followUps.$inferInsert> & { occurredAt: Date; summary: string }) =>
      testDb.db.insert(followUps).values({
        workspaceId: s.workspaceId,
        customerId: id,
        authorUserId: zhang.id,
        rawText: o.summary,
        parsed: {},
        status: 'confirmed',
        createdAt: o.occurredAt,
        updatedAt: o.occurredAt,
        ...o,
      });
    await note({ occurredAt: new Date('2026-11-10T02:00:00Z'), summary: '第一次拜访' });
    await note({ occurredAt: new Date('2026-11-20T02:00:00Z'), summary: '电话沟通了报价', nextStep: '发正式报价', contactId: chen });
    await note({ occurredAt: new Date('2026-11-21T02:00:00Z'), summary: '草稿', status: 'draft' });
    await note({ occurredAt: new Date('2026-11-22T02:00:00Z'), summary: '撤销的', status: 'undone' });
    await note({ occurredAt: new Date('2026-11-23T02:00:00Z'), summary: '李四协作', authorUserId: li.id, collaboration: true });
    const view = await loadReminderView(testDb.db, s.workspaceId, id);
    expect(view).toMatchObject({
      customer: { id, name: '云帆科技', stage: 'proposal', amount: 120000, ownerUserId: zhang.id },
      contact: { name: '陈经理' },
      lastFollowUp: { at: new Date('2026-11-20T02:00:00Z'), authorName: '张三', summary: '电话沟通了报价' },
      nextStep: '发正式报价',
    });
    const other = await seedReminderWorkspace(testDb.handle, 'feishu');
    expect(await loadReminderView(testDb.db, other.workspaceId, id)).toBeNull();
  });

  it('without follow-ups: the first contact, no last follow-up; several customers in the order asked', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const a = await s.customer('甲', zhang);
    const b = await s.customer('乙', zhang);
    const at = new Date('2026-11-01T00:00:00Z');
    await testDb.db
      .insert(contacts)
      .values({ workspaceId: s.workspaceId, customerId: b, name: '赵总', phone: '139', createdAt: at, updatedAt: at });
    const views = await loadReminderViews(testDb.db, s.workspaceId, [b, a]);
    expect(views.map((v) => v.customer.name)).toEqual(['乙', '甲']);
    expect(views[0]).toMatchObject({ contact: { name: '赵总', phone: '139' }, lastFollowUp: null, nextStep: null });
    expect(views[1]?.contact).toBeNull();
  });
});

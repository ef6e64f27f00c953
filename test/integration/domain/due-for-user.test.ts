import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, followUps } from '../../../src/db/schema/index.js';
import { createFollowUpQueries } from '../../../src/domain/follow-ups/follow-up-queries.js';
import { createUsersService } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';
import { createObservedDb, type ObservedDb } from './count-statements.js';

const HOUR = 60 * 60 * 1000;

describe('/我的 (dueForUser)', () => {
  const testDb = useTestDatabase();
  let statements: ObservedDb;
  beforeAll(() => {
    statements = createObservedDb(testDb.url);
  });
  afterAll(() => statements.close());

  async function seed() {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const rep = await createUsersService({ db: testDb.db, clock: fixedClock(NOW), teams: [] }).ensureUser(
      workspaceId,
      'feishu',
      uniqueId('ou'),
    );
    const customer = async (name: string, stage: 'lead' | 'quote' | 'won' | 'lost', dueInHours: number) => {
      const [row] = await testDb.db.insert(customers).values({
        workspaceId,
        name,
        normalizedName: name,
        stage,
        tags: [],
        ownerUserId: rep.id,
        nextFollowUpAt: new Date(NOW.getTime() + dueInHours * HOUR),
        createdAt: NOW,
        updatedAt: NOW,
      });
      return row.insertId;
    };
    const note = async (customerId: number, summary: string, hoursAgo: number, status: 'confirmed' | 'undone' = 'confirmed') => {
      await testDb.db.insert(followUps).values({
        workspaceId,
        customerId,
        authorUserId: rep.id,
        rawText: summary,
        parsed: {},
        summary,
        status,
        occurredAt: new Date(NOW.getTime() - hoursAgo * HOUR),
        createdAt: NOW,
        updatedAt: NOW,
      });
    };
    return { workspaceId, rep, customer, note };
  }

  it('lists due customers with their latest confirmed summary and leaves out won and lost ones', async () => {
    const { workspaceId, rep, customer, note } = await seed();
    const overdue = await customer('云帆科技', 'quote', -30);
    const today = await customer('华信银行', 'lead', 2);
    const won = await customer('已签约公司', 'won', -5);
    const lost = await customer('已丢单公司', 'lost', 1);
    await note(overdue, '旧的', 48);
    await note(overdue, '最新的', 24);
    await note(overdue, '撤销了的', 1, 'undone');
    await note(won, '签约了', 3);
    await note(lost, '选了竞品', 3);
    const due = await createFollowUpQueries({ db: testDb.db }).dueForUser(workspaceId, rep.id, NOW, 'Asia/Shanghai');
    expect(due.map((d) => ({ id: d.customer.id, overdue: d.overdue, lastSummary: d.lastSummary }))).toEqual([
      { id: overdue, overdue: true, lastSummary: '最新的' },
      { id: today, overdue: false, lastSummary: null },
    ]);
    expect([won, lost]).not.toContain(due[0]?.customer.id);
  });

  it('costs one statement however many customers are due', async () => {
    const { workspaceId, rep, customer, note } = await seed();
    for (let i = 0; i < 12; i++) await note(await customer(`客户${i}`, 'lead', -i - 1), `第${i}次`, i + 1);
    statements.reset();
    const due = await createFollowUpQueries({ db: statements.db }).dueForUser(workspaceId, rep.id, NOW, 'Asia/Shanghai');
    expect(due).toHaveLength(12);
    expect(due[0]?.lastSummary).toBe('第11次');
    expect(statements.statements()).toHaveLength(1);
  });
});

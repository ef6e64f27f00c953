import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { reusableQuery, slot } from '../../../src/db/reusable-query.js';
import { runTransaction } from '../../../src/db/run-transaction.js';
import { customers } from '../../../src/db/schema/index.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';

describe('reusableQuery', () => {
  const testDb = useTestDatabase();
  const nameOf = reusableQuery<{ name: string }[], { workspaceId: number; id: number }>((db) =>
    db
      .select({ name: customers.name })
      .from(customers)
      .where(and(eq(customers.workspaceId, slot('workspaceId')), eq(customers.id, slot('id')))),
  );

  async function createCustomer(workspaceId: number, name: string): Promise<{ id: number }> {
    const now = new Date();
    const [row] = await testDb.db
      .insert(customers)
      .values({ workspaceId, name, normalizedName: name, tags: [], createdAt: now, updatedAt: now });
    return { id: row.insertId };
  }

  it('runs one shape with the values of each call', async () => {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const a = await createCustomer(workspaceId, '甲公司');
    const b = await createCustomer(workspaceId, '乙公司');
    expect(await nameOf(testDb.db, { workspaceId, id: a.id })).toEqual([{ name: '甲公司' }]);
    expect(await nameOf(testDb.db, { workspaceId, id: b.id })).toEqual([{ name: '乙公司' }]);
    expect(await nameOf(testDb.db, { workspaceId: workspaceId + 1000, id: b.id })).toEqual([]);
  });

  it("runs inside a transaction on the transaction's connection", async () => {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const a = await createCustomer(workspaceId, '丙公司');
    await runTransaction(testDb.db, async (tx) => {
      await tx.update(customers).set({ name: '丙公司(改)' }).where(eq(customers.id, a.id));
      // Uncommitted: only the transaction's own connection sees the new name.
      expect(await nameOf(tx, { workspaceId, id: a.id })).toEqual([{ name: '丙公司(改)' }]);
      expect(await nameOf(testDb.db, { workspaceId, id: a.id })).toEqual([{ name: '丙公司' }]);
    });
    expect(await nameOf(testDb.db, { workspaceId, id: a.id })).toEqual([{ name: '丙公司(改)' }]);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../../src/db/client.js';
import { customers } from '../../../src/db/schema/index.js';
import { isRetryableLockError, runTransaction } from '../../../src/db/run-transaction.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';

describe('runTransaction', () => {
  const testDb = useTestDatabase();
  let handle: DbHandle;
  beforeAll(() => {
    handle = createDb(testDb.url, 4);
  });
  afterAll(() => handle.close());

  it('runs again from the start when the database picks it as a deadlock victim', async () => {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const insert = (name: string) =>
      handle.db.insert(customers).values({ workspaceId, name, normalizedName: name, tags: [], createdAt: NOW, updatedAt: NOW });
    const [[a], [b]] = await Promise.all([insert('甲'), insert('乙')]);
    let attempts = 0;
    let bothHoldOne: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      let waiting = 2;
      bothHoldOne = () => {
        waiting -= 1;
        if (waiting === 0) resolve();
      };
    });
    // Each locks one row, waits until the other holds the second, then asks for it: a deadlock.
    const run = (first: number, second: number) =>
      runTransaction(handle.db, async (tx) => {
        attempts += 1;
        await tx.execute(sql`SELECT id FROM customers WHERE id = ${first} FOR UPDATE`);
        bothHoldOne();
        await barrier;
        await tx.execute(sql`SELECT id FROM customers WHERE id = ${second} FOR UPDATE`);
        return first;
      });
    expect((await Promise.all([run(a.insertId, b.insertId), run(b.insertId, a.insertId)])).sort()).toEqual([a.insertId, b.insertId].sort());
    // One ran once, the victim twice: its first run was rolled back and redone.
    expect(attempts).toBe(3);
  });

  it('runs READ COMMITTED on every pooled connection: a read sees what another transaction committed meanwhile', async () => {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const name = `rc_${workspaceId}`;
    const count = async (q: Pick<DbHandle['db'], 'execute'>) => {
      const [rows] = (await q.execute(sql`SELECT COUNT(*) AS n FROM customers WHERE workspace_id = ${workspaceId}`)) as unknown as [
        { n: number }[],
      ];
      return Number(rows[0]?.n);
    };
    // Several at once, so that more than one pooled connection is used.
    const seen = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        runTransaction(handle.db, async (tx) => {
          const before = await count(tx);
          // Committed by another connection after this transaction's first read.
          await testDb.db
            .insert(customers)
            .values({ workspaceId, name: `${name}_${i}`, normalizedName: `${name}_${i}`, tags: [], createdAt: NOW, updatedAt: NOW });
          return (await count(tx)) - before;
        }),
      ),
    );
    // REPEATABLE READ would keep the first read's snapshot and see 0 new rows.
    for (const added of seen) expect(added).toBeGreaterThanOrEqual(1);
  });

  it('recognises deadlocks and lock wait timeouts, also wrapped by drizzle', () => {
    expect(isRetryableLockError({ errno: 1213 })).toBe(true);
    expect(isRetryableLockError(new Error('Failed query', { cause: { errno: 1205 } }))).toBe(true);
    expect(isRetryableLockError({ errno: 1062 })).toBe(false);
    expect(isRetryableLockError('deadlock')).toBe(false);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

/**
 * Holds a customer row's lock on a connection of its own, so concurrent clicks queue behind it in
 * an order the test chooses: start one, `waiters(1)`, start the next, `waiters(2)`, `release()`.
 * InnoDB on MariaDB grants queued row locks first come, first served, so the first queued wins.
 */
export async function holdCustomerLock(url: string, customerId: number) {
  const conn = await mysql.createConnection({ uri: url });
  await conn.query('START TRANSACTION');
  await conn.query('SELECT id FROM customers WHERE id = ? FOR UPDATE', [customerId]);
  const watcher = await mysql.createConnection({ uri: url });
  return {
    /** Resolves once `n` transactions wait for this holder's lock (fails after 5 s). */
    async waiters(n: number) {
      for (let i = 0; i < 250; i++) {
        // Waiting statements show in the process list (MariaDB waits for a primary-key row lock while
        // it plans the query, where INNODB_LOCK_WAITS does not list it). One database per test file.
        const [[row]] = (await watcher.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID() AND info LIKE '%for update%'",
        )) as unknown as [{ n: number }[]];
        if (Number(row?.n ?? 0) >= n) return;
        await sleep(20);
      }
      throw new Error(`fewer than ${n} statements queued behind the lock`);
    },
    async release() {
      await conn.query('COMMIT');
      await conn.end();
      await watcher.end();
    },
  };
}

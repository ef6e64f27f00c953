import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Tx } from './client.js';

/** ER_LOCK_DEADLOCK and ER_LOCK_WAIT_TIMEOUT: the work was sound, the timing was not. */
const RETRYABLE_ERRNOS = new Set([1213, 1205]);
/** Enough for a burst of notes about one new customer (the losers of its creation retry once). */
const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 15;

const errnoOf = (err: unknown): number | undefined => {
  if (typeof err !== 'object' || err === null) return undefined;
  const { errno, cause } = err as { errno?: unknown; cause?: unknown };
  return typeof errno === 'number' ? errno : errnoOf(cause);
};

export const isRetryableLockError = (err: unknown) => RETRYABLE_ERRNOS.has(errnoOf(err) ?? 0);

/**
 * Runs `work` in one transaction, again from the start when the database ended it with a
 * deadlock or a lock wait timeout, at most MAX_ATTEMPTS times in all. `work` must do nothing
 * outside the transaction that a second run would repeat.
 */
export async function runTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      // READ COMMITTED: every read sees the latest committed rows instead of a snapshot taken before
      // a lock was granted. `createDb` sets it for the session of each connection, which spares a
      // SET TRANSACTION statement per transaction.
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableLockError(err)) throw err;
      await sleep(BASE_BACKOFF_MS * attempt + Math.floor(Math.random() * BASE_BACKOFF_MS));
    }
  }
}

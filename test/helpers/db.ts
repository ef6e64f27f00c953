import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { workspaces } from '../../src/db/schema/index.js';

export type TestDatabase = { url: string; handle: DbHandle; db: DbHandle['db'] };

/**
 * A fresh, migrated database for the calling test file, dropped after it. Files run in parallel
 * and background workers (outbox, jobs) scan whole tables, so each file gets its own database.
 */
export function useTestDatabase(): TestDatabase {
  const url = `${inject('testServerUrl')}/genjin_test_${inject('testRunId')}_${randomBytes(4).toString('hex')}`;
  const state = { url } as TestDatabase;
  beforeAll(async () => {
    await migrateDatabase(url);
    state.handle = createDb(url, 5);
    state.db = state.handle.db;
  });
  afterAll(async () => {
    await state.handle?.close();
    const connection = await mysql.createConnection({ uri: `${inject('testServerUrl')}/` });
    await connection.query(`DROP DATABASE IF EXISTS \`${new URL(url).pathname.slice(1)}\``);
    await connection.end();
  });
  return state;
}

let counter = 0;
/** A unique suffix for ids, so tests in one file never collide. */
export function uniqueId(prefix = 't'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** A fresh workspace row: the unit of isolation between tests of one file. */
export async function createTestWorkspace(
  handle: DbHandle,
  platform: 'feishu' | 'wecom' = 'feishu',
  externalId = uniqueId('ws'),
): Promise<number> {
  const now = new Date();
  const [result] = await handle.db
    .insert(workspaces)
    .values({ platform, externalId, name: 'test workspace', createdAt: now, updatedAt: now });
  return result.insertId;
}

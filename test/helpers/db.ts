import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { workspaces } from '../../src/db/schema/index.js';

export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

/** A pool on this run's database; close it in afterAll. */
export function openTestDb(): DbHandle {
  return createDb(testDatabaseUrl(), 5);
}

let counter = 0;
/** A unique suffix for ids, so test files never collide in the shared database. */
export function uniqueId(prefix = 't'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** A fresh workspace row: the unit of isolation between tests. */
export async function createTestWorkspace(handle: DbHandle, platform: 'feishu' | 'wecom' = 'feishu'): Promise<number> {
  const now = new Date();
  const [result] = await handle.db
    .insert(workspaces)
    .values({ platform, externalId: uniqueId('ws'), name: 'test workspace', createdAt: now, updatedAt: now });
  return result.insertId;
}

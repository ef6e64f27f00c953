import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDb, type DbHandle } from '../../../src/db/client.js';
import { customers } from '../../../src/db/schema/index.js';
import { createFollowUpsService } from '../../../src/domain/follow-ups/follow-ups-service.js';
import type { ParsedNote } from '../../../src/domain/notes/index.js';
import { createUsersService, type UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { draftFor, NOW } from '../../helpers/factories.js';

/**
 * A follow-ups service over a fresh database with a pool big enough for real parallel
 * transactions (the default test pool has 5 connections), a fresh workspace and one rep per test.
 */
export function useFollowUpsFixture(poolSize = 20) {
  const testDb = useTestDatabase();
  const clock = fixedClock(NOW);
  const state = {} as {
    handle: DbHandle;
    db: DbHandle['db'];
    workspaceId: number;
    rep: UserRecord;
    service: ReturnType<typeof createFollowUpsService>;
  };
  beforeAll(() => {
    state.handle = createDb(testDb.url, poolSize);
    state.db = state.handle.db;
  });
  afterAll(async () => {
    await state.handle?.close();
  });
  beforeEach(async () => {
    clock.set(NOW);
    state.workspaceId = await createTestWorkspace(state.handle);
    state.rep = await createUsersService({ db: state.db, clock, teams: [] }).ensureUser(state.workspaceId, 'feishu', uniqueId('ou'));
    state.service = createFollowUpsService({ db: state.db, clock });
  });

  /** Records `text` as a new message of the rep, with parser overrides. */
  const record = (text: string, overrides: Partial<ParsedNote> = {}, occurredAt = clock.now()) =>
    state.service.recordNote({
      workspaceId: state.workspaceId,
      author: state.rep,
      text,
      sourceMessageId: uniqueId('om'),
      occurredAt,
      draft: draftFor(text, overrides),
    });

  /** A customer row inserted directly, as if created long ago. */
  const insertCustomer = async (name: string, values: Partial<typeof customers.$inferInsert> = {}) => {
    const [row] = await state.db
      .insert(customers)
      .values({ workspaceId: state.workspaceId, name, normalizedName: name, tags: [], createdAt: NOW, updatedAt: NOW, ...values });
    return row.insertId;
  };

  return { state, clock, record, insertCustomer };
}

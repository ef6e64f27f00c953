import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client.js';
import { inboundEvents } from '../../../src/db/schema/index.js';
import { createInbox } from '../../../src/delivery/inbox.js';
import { fixedClock } from '../../helpers/clock.js';
import { isAppError } from '../../../src/lib/errors.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';

describe('inbox', () => {
  const testDb = useTestDatabase();

  it('records a new event once and reports redeliveries as duplicates', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const id = uniqueId('evt');
    expect(await inbox.recordInbound('feishu', id, { eventType: 'im.message.receive_v1' })).toBe('new');
    expect(await inbox.recordInbound('feishu', id)).toBe('duplicate');
    // The same id on another platform is another event.
    expect(await inbox.recordInbound('wecom', id)).toBe('new');
  });

  it('lets exactly one of many concurrent deliveries of the same event through', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const id = uniqueId('race');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => inbox.recordInbound('feishu', id)));
    expect(outcomes.filter((o) => o === 'new')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
  });

  it('tracks processing status and prunes rows past retention', async () => {
    const clock = fixedClock('2026-11-20T00:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const done = uniqueId('done');
    const failed = uniqueId('failed');
    await inbox.recordInbound('wecom', done);
    await inbox.recordInbound('wecom', failed);
    await inbox.markProcessed('wecom', done);
    await inbox.markFailed('wecom', failed, new Error('handler exploded'));
    const [row] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, failed));
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Error: handler exploded' });

    clock.advance(25 * 60 * 60 * 1000);
    const fresh = uniqueId('fresh');
    await inbox.recordInbound('wecom', fresh);
    expect(await inbox.prune()).toBeGreaterThanOrEqual(2);
    const left = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, fresh));
    expect(left).toHaveLength(1);
  });

  it('throws db_unavailable when the database is down, so the webhook does not acknowledge', async () => {
    const down = createDb('mysql://root@127.0.0.1:1/genjin', 1);
    const inbox = createInbox({ db: down.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const err = await inbox.recordInbound('feishu', 'evt_down').catch((e: unknown) => e);
    expect(isAppError(err, 'db_unavailable')).toBe(true);
    expect(isAppError(err) && err.retryable).toBe(true);
    await down.close();
  });

  it('refuses empty and over-long event ids instead of truncating them into false duplicates', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    await expect(inbox.recordInbound('feishu', '')).rejects.toMatchObject({ code: 'malformed' });
    await expect(inbox.recordInbound('feishu', 'x'.repeat(192))).rejects.toMatchObject({ code: 'malformed' });
  });
});

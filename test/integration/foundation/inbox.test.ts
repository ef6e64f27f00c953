import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client.js';
import { inboundEvents } from '../../../src/db/schema/index.js';
import { createInbox, type InboundEntry } from '../../../src/delivery/inbox.js';
import { fixedClock } from '../../helpers/clock.js';
import { isAppError } from '../../../src/lib/errors.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';

const entry = (eventId: string, o: Partial<InboundEntry> = {}): InboundEntry => ({
  platform: 'feishu',
  eventId,
  conversation: `feishu:${uniqueId('oc')}`,
  payload: { eventId },
  ...o,
});

describe('inbox', () => {
  const testDb = useTestDatabase();

  it('records a new event once, with its payload, and reports redeliveries as duplicates', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const id = uniqueId('evt');
    const first = await inbox.record(entry(id, { eventType: 'im.message.receive_v1', payload: { text: 'hello' } }));
    expect(first).toMatchObject({ outcome: 'new', row: { eventId: id, status: 'received', payload: { text: 'hello' } } });
    expect(await inbox.record(entry(id))).toMatchObject({ outcome: 'duplicate', row: { eventId: id } });
    // The same id on another platform is another event.
    expect((await inbox.record(entry(id, { platform: 'wecom' }))).outcome).toBe('new');
  });

  it('lets exactly one of many concurrent deliveries of the same event through', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const id = uniqueId('race');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => inbox.record(entry(id))));
    expect(outcomes.filter((o) => o.outcome === 'new')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(19);
  });

  it('claims a row once, in conversation order, and retries or gives up on failure', async () => {
    const clock = fixedClock('2026-11-21T00:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const conversation = `feishu:${uniqueId('oc')}`;
    const a = await inbox.record(entry(uniqueId('a'), { conversation }));
    const b = await inbox.record(entry(uniqueId('b'), { conversation }));
    if (a.outcome !== 'new' || b.outcome !== 'new') throw new Error('expected new rows');
    // The newer row waits while the older one is unfinished, wherever it runs.
    expect(await inbox.claim(b.row, 'tb', 10_000)).toBe(false);
    expect(await inbox.claim(a.row, 't1', 10_000)).toBe(true);
    expect(await inbox.claim(a.row, 't2', 10_000)).toBe(false);
    expect(await inbox.fail(a.row.id, 't1', 'db:ER_LOCK_DEADLOCK', new Date(clock.now().getTime() + 2000))).toBe(true);
    expect(await inbox.claim(a.row, 't3', 10_000)).toBe(false); // backoff not over
    expect(await inbox.claim(b.row, 'tb', 10_000)).toBe(false); // a failed row still holds its conversation
    clock.advance(2000);
    expect(await inbox.listRunnable({ limit: 10, graceMs: 0 })).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: a.row.id, status: 'failed' })]),
    );
    expect(await inbox.claim(a.row, 't3', 10_000)).toBe(true);
    expect(await inbox.finish(a.row.id, 'wrong token', 'done')).toBe(false);
    expect(await inbox.finish(a.row.id, 't3', 'done')).toBe(true);
    expect(await inbox.claim(b.row, 'tb', 10_000)).toBe(true);
    expect(await inbox.fail(b.row.id, 'tb', 'TypeError', null)).toBe(true);
    const [dead] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.id, b.row.id));
    expect(dead).toMatchObject({ status: 'dead', lastError: 'TypeError', leaseOwner: null });
  });

  it('lists rows whose lease ran out (a crashed runner) and rows nobody took after the grace period', async () => {
    const clock = fixedClock('2026-11-22T00:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const leased = await inbox.record(entry(uniqueId('leased')));
    const untouched = await inbox.record(entry(uniqueId('untouched')));
    if (leased.outcome !== 'new' || untouched.outcome !== 'new') throw new Error('expected new rows');
    expect(await inbox.claim(leased.row, 'crashed', 15_000)).toBe(true);
    const ids = async () => (await inbox.listRunnable({ limit: 100, graceMs: 2000 })).map((r) => r.id);
    expect(await ids()).not.toContain(untouched.row.id);
    clock.advance(3000);
    expect(await ids()).toContain(untouched.row.id);
    expect(await ids()).not.toContain(leased.row.id);
    clock.advance(13_000);
    expect(await ids()).toContain(leased.row.id);
  });

  it('prunes finished rows past retention, never unfinished ones', async () => {
    const clock = fixedClock('2026-11-20T00:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const done = await inbox.record(entry(uniqueId('done')));
    const stuck = await inbox.record(entry(uniqueId('stuck')));
    if (done.outcome !== 'new' || stuck.outcome !== 'new') throw new Error('expected new rows');
    await inbox.claim(done.row, 'x', 1000);
    await inbox.finish(done.row.id, 'x', 'done');
    clock.advance(25 * 60 * 60 * 1000);
    expect(await inbox.prune()).toBeGreaterThanOrEqual(1);
    const left = await testDb.db.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, stuck.row.id));
    expect(left).toHaveLength(1);
  });

  it('throws db_unavailable when the database is down, so the webhook does not acknowledge', async () => {
    const down = createDb('mysql://root@127.0.0.1:1/genjin', 1);
    const inbox = createInbox({ db: down.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    const err = await inbox.record(entry('evt_down')).catch((e: unknown) => e);
    expect(isAppError(err, 'db_unavailable')).toBe(true);
    expect(isAppError(err) && err.retryable).toBe(true);
    await down.close();
  });

  it('refuses empty and over-long event ids instead of truncating them into false duplicates', async () => {
    const inbox = createInbox({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z') });
    await expect(inbox.record(entry(''))).rejects.toMatchObject({ code: 'malformed' });
    await expect(inbox.record(entry('x'.repeat(192)))).rejects.toMatchObject({ code: 'malformed' });
  });
});

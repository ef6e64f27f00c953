import { eq, inArray } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type Deliver, type OutboxRow } from '../../../src/delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix } from '../../../src/delivery/rate-limiter.js';
import { fixedClock } from '../../helpers/clock.js';
import { AppError } from '../../../src/lib/errors.js';
import { createTestWorkspace, useTestDatabase, uniqueId } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

const noLimits = createRateLimiter(() => null);

describe('outbox', () => {
  const testDb = useTestDatabase();
  let workspaceId: number;
  beforeAll(async () => {
    workspaceId = await createTestWorkspace(testDb.handle);
  });
  // Workers scan the whole table: each test starts from an empty outbox.
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });

  async function rowsOf(target: string): Promise<OutboxRow[]> {
    return testDb.db.select().from(outbox).where(eq(outbox.target, target));
  }

  function worker(clock: ReturnType<typeof fixedClock>, deliver: Deliver, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
    return createOutboxWorker({ db: testDb.db, clock, log: captureLogs().log, deliver, limiter: noLimits, random: () => 0.5, ...extra });
  }

  it('enqueues in the caller transaction: a rolled-back change leaves no message', async () => {
    const target = `feishu:${uniqueId('chat')}`;
    const now = new Date('2026-11-25T02:00:00Z');
    await testDb.db
      .transaction(async (tx) => {
        await enqueue(tx, { target, payload: { kind: 'text', text: 'hi' }, workspaceId }, now);
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect(await rowsOf(target)).toHaveLength(0);
    await testDb.db.transaction((tx) => enqueue(tx, { target, payload: { kind: 'text', text: 'hi' }, workspaceId }, now));
    expect(await rowsOf(target)).toHaveLength(1);
  });

  it('keeps one row per dedupe key', async () => {
    const target = `feishu:${uniqueId('chat')}`;
    const key = uniqueId('reminder');
    const now = new Date('2026-11-25T02:00:00Z');
    await enqueue(testDb.db, { target, payload: { kind: 'text' }, dedupeKey: key }, now);
    await enqueue(testDb.db, { target, payload: { kind: 'text' }, dedupeKey: key }, now);
    expect(await rowsOf(target)).toHaveLength(1);
  });

  it('delivers, retries transient failures with backoff, then marks sent with the platform ref', async () => {
    const clock = fixedClock('2030-01-01T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    let calls = 0;
    const w = worker(clock, async () => {
      calls++;
      if (calls === 1) throw new AppError('rate_limited', 'slow down', { retryable: true, retryAfterMs: 10_000 });
      return { ref: 'om_sent' };
    });
    const first = await w.runOnce();
    expect(first).toMatchObject({ retried: 1 });
    let [row] = await rowsOf(target);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'rate_limited: slow down' });
    // The platform asked for 10 s, longer than the first backoff step (2 s): its hint wins.
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(10_000);

    expect((await w.runOnce()).claimed).toBe(0); // not due yet
    clock.advance(10_000);
    expect(await w.runOnce()).toMatchObject({ sent: 1 });
    [row] = await rowsOf(target);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, sentRef: 'om_sent', leaseOwner: null });
  });

  it('fails at once on a permanent error and after a day of transient ones', async () => {
    const clock = fixedClock('2030-02-01T00:00:00Z');
    const permanent = `wecom:${uniqueId('user')}`;
    const flaky = `wecom:${uniqueId('user')}`;
    await enqueue(testDb.db, { target: permanent, payload: { kind: 'text' } }, clock.now());
    await enqueue(testDb.db, { target: flaky, payload: { kind: 'text' } }, clock.now());
    const w = worker(clock, async (row) => {
      if (row.target === permanent) throw new AppError('platform_error', 'invalid userid', { retryable: false });
      throw new AppError('platform_error', 'system busy', { retryable: true });
    });
    for (let i = 0; i < 26; i++) {
      await w.runOnce();
      clock.advance(60 * 60 * 1000);
    }
    const [p] = await rowsOf(permanent);
    const [f] = await rowsOf(flaky);
    expect(p).toMatchObject({ status: 'failed', attempts: 1, lastError: 'platform_error: invalid userid' });
    expect(f).toMatchObject({ status: 'failed', attempts: 25 });
  });

  it('never hands the same row to two workers running at once', async () => {
    const clock = fixedClock('2030-03-01T00:00:00Z');
    const targets = Array.from({ length: 10 }, () => `feishu:${uniqueId('chat')}`);
    for (const target of targets) for (let i = 0; i < 4; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const delivered: number[] = [];
    const deliver: Deliver = async (row) => {
      delivered.push(row.id);
      await new Promise((r) => setTimeout(r, 2));
      return {};
    };
    const workers = [worker(clock, deliver, { batchSize: 7 }), worker(clock, deliver, { batchSize: 7 }), worker(clock, deliver, { batchSize: 7 })];
    for (let round = 0; round < 10; round++) await Promise.all(workers.map((w) => w.runOnce()));
    const rows = await testDb.db.select().from(outbox).where(inArray(outbox.target, targets));
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered).size).toBe(40);
  });

  it('picks a row up again after its worker died mid-send (lease expiry), surviving a restart', async () => {
    const clock = fixedClock('2030-04-01T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    // The first worker claims the row and never finishes (a crash while sending).
    const crashed = worker(clock, () => new Promise(() => undefined), { leaseMs: 30_000 });
    void crashed.runOnce();
    await vi.waitFor(async () => expect((await rowsOf(target))[0]).toMatchObject({ status: 'sending', attempts: 1 }));

    const sends: number[] = [];
    const restarted = worker(clock, async (row) => {
      sends.push(row.id);
      return { ref: 'ok' };
    });
    expect((await restarted.runOnce()).claimed).toBe(0); // lease still held
    clock.advance(31_000);
    expect(await restarted.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    const [row] = await rowsOf(target);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('defers sends beyond a recipient rate limit without spending an attempt', async () => {
    const clock = fixedClock('2030-05-01T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    for (let i = 0; i < 7; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const limiter = createRateLimiter(limitsByPrefix({ 'feishu:': { limit: 5, windowMs: 1000 } }));
    const w = worker(clock, async () => ({}), { limiter });
    expect(await w.runOnce()).toMatchObject({ sent: 5, deferred: 2 });
    const waiting = (await rowsOf(target)).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(2);
    expect(waiting.every((r) => r.attempts === 0 && r.nextAttemptAt.getTime() === clock.now().getTime() + 1000)).toBe(true);
    clock.advance(1000);
    expect(await w.runOnce()).toMatchObject({ sent: 2 });
  });
});

import { eq, inArray } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type Deliver, type OutboxRow } from '../../../src/delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix, type RateLimiter } from '../../../src/delivery/rate-limiter.js';
import { fixedClock } from '../../helpers/clock.js';
import { AppError } from '../../../src/lib/errors.js';
import { createTestWorkspace, useTestDatabase, uniqueId } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

const noLimits: RateLimiter = { waitMs: async () => 0 };

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
    for (const target of targets)
      for (let i = 0; i < 4; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const delivered: number[] = [];
    const deliver: Deliver = async (row) => {
      delivered.push(row.id);
      await new Promise((r) => setTimeout(r, 2));
      return {};
    };
    const workers = [
      worker(clock, deliver, { batchSize: 7 }),
      worker(clock, deliver, { batchSize: 7 }),
      worker(clock, deliver, { batchSize: 7 }),
    ];
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
    const limiter = createRateLimiter({ db: testDb.db, limitFor: limitsByPrefix({ 'feishu:': { limit: 5, windowMs: 1000 } }) });
    const w = worker(clock, async () => ({}), { limiter });
    // The sixth is deferred; the seventh waits behind it (order per recipient).
    expect(await w.runOnce()).toMatchObject({ sent: 5, deferred: 1 });
    const waiting = (await rowsOf(target)).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(2);
    expect(waiting.every((r) => r.attempts === 0)).toBe(true);
    expect(Math.max(...waiting.map((r) => r.nextAttemptAt.getTime()))).toBe(clock.now().getTime() + 1000);
    clock.advance(1000);
    expect(await w.runOnce()).toMatchObject({ sent: 2 });
  });
});

describe('outbox: retry by age, order per recipient, continuous worker', () => {
  const testDb = useTestDatabase();
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });
  const rowsOf = (target: string) => testDb.db.select().from(outbox).where(eq(outbox.target, target)).orderBy(outbox.id);
  function worker(clock: ReturnType<typeof fixedClock>, deliver: Deliver, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
    return createOutboxWorker({ db: testDb.db, clock, log: captureLogs().log, deliver, limiter: noLimits, random: () => 0.5, ...extra });
  }

  it('keeps retrying a retryable failure for a day with backoff capped near 5 minutes, then fails with the last error', async () => {
    const clock = fixedClock('2030-06-01T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    const w = worker(clock, async () => {
      throw new AppError('platform_error', 'Feishu API 500 code 99991400: busy', { retryable: true });
    });
    const start = clock.now().getTime();
    let maxGap = 0;
    while (clock.now().getTime() - start < 2 * 60 * 60 * 1000) {
      await w.runOnce();
      const [row] = await rowsOf(target);
      expect(row!.status).toBe('pending');
      maxGap = Math.max(maxGap, row!.nextAttemptAt.getTime() - clock.now().getTime());
      clock.set(row!.nextAttemptAt);
    }
    expect(maxGap).toBeLessThanOrEqual(5 * 60_000);
    expect(maxGap).toBeGreaterThanOrEqual(2 * 60_000);
    // Jump to the day's end: the last attempt fails and the row gives up, naming the real error.
    clock.set(new Date(start + 24 * 60 * 60 * 1000));
    await w.runOnce();
    const [row] = await rowsOf(target);
    expect(row!.status).toBe('failed');
    expect(row!.lastError).toMatch(/^platform_error: Feishu API 500 code 99991400: busy/);
    expect(row!.lastError).toMatch(/give_up_at/);
  });

  it('never schedules a retry after give_up_at: the last attempt happens at it', async () => {
    const clock = fixedClock('2030-06-02T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    const [fresh] = await rowsOf(target);
    clock.set(new Date(fresh!.giveUpAt.getTime() - 1000));
    let calls = 0;
    const w = worker(clock, async () => {
      calls++;
      throw new AppError('platform_error', 'busy', { retryable: true });
    });
    await w.runOnce();
    const [row] = await rowsOf(target);
    expect(row).toMatchObject({ status: 'pending' });
    expect(row!.nextAttemptAt.getTime()).toBe(row!.giveUpAt.getTime());
    clock.set(row!.giveUpAt);
    await w.runOnce();
    expect(calls).toBe(2);
    expect((await rowsOf(target))[0]).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^platform_error: busy/) });
  });

  it('gives up by age on a row whose worker keeps dying, without sending it again', async () => {
    const clock = fixedClock('2030-06-03T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    const [fresh] = await rowsOf(target);
    // A worker claimed it shortly before give_up_at and died; its lease ran out after give_up_at.
    await testDb.db
      .update(outbox)
      .set({ status: 'sending', attempts: 40, leaseOwner: 'dead-worker', leaseUntil: new Date(fresh!.giveUpAt.getTime() + 1000) })
      .where(eq(outbox.id, fresh!.id));
    clock.set(new Date(fresh!.giveUpAt.getTime() + 2000));
    const sends: number[] = [];
    await worker(clock, async (row) => {
      sends.push(row.id);
      return {};
    }).runOnce();
    expect(sends).toEqual([]);
    const [row] = await rowsOf(target);
    expect(row).toMatchObject({ status: 'failed', leaseOwner: null });
    expect(row!.lastError).toMatch(/^lease_expired: /);
  });

  it('holds later rows of a recipient back while an older one is retrying', async () => {
    const clock = fixedClock('2030-06-04T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    const other = `feishu:${uniqueId('chat')}`;
    for (let i = 0; i < 3; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    await enqueue(testDb.db, { target: other, payload: { kind: 'text', i: 0 } }, clock.now());
    const order: unknown[] = [];
    let failFirst = true;
    const w = worker(clock, async (row) => {
      if (row.target === target && row.payload.i === 0 && failFirst) {
        failFirst = false;
        throw new AppError('platform_error', 'busy', { retryable: true });
      }
      order.push(`${row.target === target ? 'a' : 'b'}${String(row.payload.i)}`);
      return {};
    });
    await w.runOnce();
    expect(order).toEqual(['b0']);
    expect((await rowsOf(target)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    clock.advance(5 * 60_000);
    await w.runOnce();
    expect(order).toEqual(['b0', 'a0', 'a1', 'a2']);
  });

  it('has at most one row per recipient in flight across replicas, in id order', async () => {
    const clock = fixedClock('2030-06-05T00:00:00Z');
    const targets = Array.from({ length: 3 }, () => `wecom:${uniqueId('user')}`);
    for (let i = 0; i < 4; i++)
      for (const target of targets) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const inFlight = new Map<string, number>();
    let maxInFlight = 0;
    const seen = new Map<string, unknown[]>();
    const deliver: Deliver = async (row) => {
      const n = (inFlight.get(row.target) ?? 0) + 1;
      inFlight.set(row.target, n);
      maxInFlight = Math.max(maxInFlight, n);
      seen.set(row.target, [...(seen.get(row.target) ?? []), row.payload.i]);
      await new Promise((r) => setTimeout(r, 5));
      inFlight.set(row.target, n - 1);
      return {};
    };
    const workers = [worker(clock, deliver, { batchSize: 2 }), worker(clock, deliver, { batchSize: 2 })];
    for (let round = 0; round < 8; round++) await Promise.all(workers.map((w) => w.runOnce()));
    expect(maxInFlight).toBe(1);
    for (const target of targets) expect(seen.get(target)).toEqual([0, 1, 2, 3]);
  });

  it('keeps sending other recipients while one send hangs, with a bounded number in flight, and stop() waits', async () => {
    const clock = fixedClock('2030-06-06T00:00:00Z');
    const hung = Array.from({ length: 3 }, () => `feishu:${uniqueId('hung')}`);
    for (const target of hung) await enqueue(testDb.db, { target, payload: { kind: 'text' } }, clock.now());
    const releases: (() => void)[] = [];
    const started: string[] = [];
    const sent: string[] = [];
    const w = worker(
      clock,
      async (row) => {
        started.push(row.target);
        if (hung.includes(row.target)) await new Promise<void>((r) => releases.push(r));
        sent.push(row.target);
        return {};
      },
      { maxInFlight: 2 },
    );
    w.start(10);
    await vi.waitFor(() => expect(started).toHaveLength(2));
    // Two sends hang and fill the slots: the third hung row waits.
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toHaveLength(2);
    releases.shift()?.();
    await vi.waitFor(() => expect(started).toHaveLength(3));
    // One slot is free again (two still hang): replies to others still go out.
    const quick = `feishu:${uniqueId('quick')}`;
    await enqueue(testDb.db, { target: quick, payload: { kind: 'text' } }, clock.now());
    releases.shift()?.();
    await vi.waitFor(() => expect(sent).toContain(quick));
    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    releases.shift()?.();
    await stopping;
    expect((await rowsOf(hung[2]!))[0]).toMatchObject({ status: 'sent' });
  });

  it('keeps a recipient within its rate limit across two replicas', async () => {
    const clock = fixedClock('2030-06-07T00:00:00Z');
    const target = `feishu:${uniqueId('chat')}`;
    for (let i = 0; i < 9; i++) await enqueue(testDb.db, { target, payload: { kind: 'text', i } }, clock.now());
    const limits = limitsByPrefix({ 'feishu:': { limit: 5, windowMs: 1000 } });
    const replicas = [
      worker(clock, async () => ({}), { limiter: createRateLimiter({ db: testDb.db, limitFor: limits }), batchSize: 3 }),
      worker(clock, async () => ({}), { limiter: createRateLimiter({ db: testDb.db, limitFor: limits }), batchSize: 3 }),
    ];
    await Promise.all(replicas.map((r) => r.runOnce()));
    let rows = await rowsOf(target);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(5);
    const waiting = rows.filter((r) => r.status === 'pending');
    expect(waiting.every((r) => r.attempts === 0)).toBe(true);
    expect(waiting[0]!.nextAttemptAt.getTime()).toBe(clock.now().getTime() + 1000);
    clock.advance(1000);
    await Promise.all(replicas.map((r) => r.runOnce()));
    rows = await rowsOf(target);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(9);
  });
});

import { eq, inArray } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { inboundEvents } from '../../../src/db/schema/index.js';
import { createInbox } from '../../../src/delivery/inbox.js';
import { isAppError } from '../../../src/lib/errors.js';
import { createInboxWorker } from '../../../src/messaging/inbox-worker.js';
import { toStoredEvent } from '../../../src/messaging/stored-event.js';
import type { InboundEvent } from '../../../src/messaging/types.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';
import { plainMessageEvent } from '../../helpers/inbound-events.js';
import { captureLogs } from '../../helpers/log-capture.js';

/**
 * The inbox worker finds its work in the database (batched claims), not in memory: two workers that
 * only poll keep each chat in order, and a worker that dies holding a batch loses none of it.
 */
describe('inbox workers claiming from the database', () => {
  const testDb = useTestDatabase();

  async function store(inbox: ReturnType<typeof createInbox>, conversation: string, count: number, at: Date): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${uniqueId('om')}_${i}`);
    for (const id of ids)
      await inbox.record({
        platform: 'feishu',
        eventId: id,
        conversation,
        payload: toStoredEvent(plainMessageEvent(id, conversation, at)),
      });
    return ids;
  }

  it('records a burst in one insert and returns each event with its own row id, new or redelivered', async () => {
    const clock = fixedClock('2026-11-25T01:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const conversation = `feishu:${uniqueId('oc')}`;
    const entry = (id: string) => ({
      platform: 'feishu',
      eventId: id,
      conversation,
      payload: toStoredEvent(plainMessageEvent(id, conversation, clock.now())),
    });
    const earlier = await store(inbox, conversation, 2, clock.now());
    const fresh = Array.from({ length: 40 }, (_, i) => `${uniqueId('om')}_b${i}`);
    // Recorded in the same tick: one batch, two statements at a time in flight at most.
    const [all, mixed] = await Promise.all([
      Promise.all(fresh.slice(0, 20).map((id) => inbox.record(entry(id)))),
      Promise.all([...fresh.slice(20), ...earlier].map((id) => inbox.record(entry(id)))),
    ]);
    const recorded = [...all, ...mixed];
    const stored = await testDb.db
      .select({ id: inboundEvents.id, eventId: inboundEvents.eventId })
      .from(inboundEvents)
      .where(inArray(inboundEvents.eventId, [...fresh, ...earlier]));
    const idOf = new Map(stored.map((r) => [r.eventId, r.id]));
    expect(recorded.map((r) => r.outcome)).toEqual([...fresh.map(() => 'new'), 'duplicate', 'duplicate']);
    expect(recorded.map((r) => r.row?.id)).toEqual([...fresh, ...earlier].map((id) => idOf.get(id)));
    // The workers below claim whatever is runnable: leave nothing of this test for them.
    await testDb.db
      .update(inboundEvents)
      .set({ status: 'done' })
      .where(inArray(inboundEvents.eventId, [...fresh, ...earlier]));
  });

  it('answers every delivery within the record timeout of its arrival while the database is frozen, and holds a bounded queue', async () => {
    const clock = fixedClock('2026-11-25T00:30:00Z');
    const inbox = createInbox({ db: testDb.db, clock, recordTimeoutMs: 500 });
    const conversation = `feishu:${uniqueId('oc')}`;
    const entry = (id: string) => ({
      platform: 'feishu',
      eventId: id,
      conversation,
      payload: toStoredEvent(plainMessageEvent(id, conversation, clock.now())),
    });
    const locker = await mysql.createConnection({ uri: testDb.url });
    await locker.query('LOCK TABLES inbound_events WRITE');
    try {
      // Eight deliveries in eight ticks: eight batches, twice what may be in flight at once.
      const answered: number[] = [];
      const settled: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        settled.push(
          inbox.record(entry(`${uniqueId('om')}_f${i}`)).then(
            () => answered.push(-1),
            (err: unknown) => answered.push(isAppError(err, 'db_unavailable') ? Date.now() - started : -2),
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
      // A burst past the queue's bound is refused at once instead of waiting in memory.
      const burst = Array.from({ length: 5000 }, (_, i) =>
        inbox.record(entry(`${uniqueId('om')}_q${i}`)).then(
          () => 'stored',
          () => 'refused',
        ),
      );
      const refusedAtOnce = await Promise.race([Promise.any(burst.slice(-100)), new Promise((r) => setTimeout(() => r('waiting'), 100))]);
      expect(refusedAtOnce).toBe('refused');
      await Promise.all(settled);
      expect(answered.every((ms) => ms >= 0 && ms < 900)).toBe(true);
      await Promise.all(burst);
    } finally {
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }
    // Inserts that timed out may still land: leave nothing of this test for the workers below.
    await new Promise((r) => setTimeout(r, 500));
    await testDb.db.update(inboundEvents).set({ status: 'done' }).where(eq(inboundEvents.conversation, conversation));
  });

  it('two polling workers never run two rows of one chat at once and run each chat oldest first', async () => {
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const chats = [0, 1, 2].map(() => `feishu:${uniqueId('oc')}`);
    const running = new Map<string, number>();
    const started: Record<string, string[]> = {};
    let overlapped = false;
    const run = async (event: InboundEvent) => {
      const chat = event.type === 'message' ? event.conversation.id : '';
      running.set(chat, (running.get(chat) ?? 0) + 1);
      if (running.get(chat)! > 1) overlapped = true;
      (started[chat] ??= []).push(event.eventId);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      running.set(chat, running.get(chat)! - 1);
      return undefined;
    };
    const ids: Record<string, string[]> = {};
    for (const chat of chats) ids[chat] = await store(inbox, chat, 6, clock.now());
    const workers = [0, 1].map(() =>
      createInboxWorker({ inbox, clock, log: captureLogs().log, run, giveUp: async () => undefined, concurrency: 2 }),
    );
    for (const w of workers) w.start(10);
    const deadline = Date.now() + 30_000;
    while (Object.values(started).flat().length < 18 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(workers.map((w) => w.stop()));
    expect(overlapped).toBe(false);
    for (const chat of chats) expect(started[chat]).toEqual(ids[chat]);
  });

  it('a worker that dies holding a batch loses nothing: another runs every row once its lease has run out', async () => {
    const clock = fixedClock('2026-11-25T03:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const chats = [0, 1, 2, 3].map(() => `feishu:${uniqueId('oc')}`);
    const ids: string[] = [];
    for (const chat of chats) ids.push(...(await store(inbox, chat, 2, clock.now())));

    // The first worker claims a batch and hangs on it, as a process would that is killed mid-work.
    const hung: string[] = [];
    // A long lease, so its renewal (every third of it, in real time) never fires while the test runs.
    const dying = createInboxWorker({
      inbox,
      clock,
      log: captureLogs().log,
      leaseMs: 60_000,
      run: (event) => {
        hung.push(event.eventId);
        return new Promise(() => undefined);
      },
      giveUp: async () => undefined,
    });
    expect(await dying.sweep()).toBe(4); // the oldest row of each chat; the second rows wait behind them
    expect(hung).toHaveLength(4);

    const ran: string[] = [];
    const survivor = createInboxWorker({
      inbox,
      clock,
      log: captureLogs().log,
      leaseMs: 15_000,
      run: async (event) => {
        ran.push(event.eventId);
        return undefined;
      },
      giveUp: async () => undefined,
    });
    expect(await survivor.sweep()).toBe(0); // leased, and their chats' later rows wait behind them
    clock.advance(61_000);
    for (let i = 0; i < 4 && ran.length < ids.length; i++) {
      await survivor.sweep();
      await survivor.drain();
    }
    expect([...ran].sort()).toEqual([...ids].sort());
    const rows = await testDb.db.select().from(inboundEvents).where(inArray(inboundEvents.eventId, ids));
    expect(rows.every((r) => r.status === 'done')).toBe(true);
    // The rows the dead worker held were attempted twice: once by it, once by the survivor.
    expect(rows.filter((r) => hung.includes(r.eventId)).map((r) => r.attempts)).toEqual([2, 2, 2, 2]);
  });
});

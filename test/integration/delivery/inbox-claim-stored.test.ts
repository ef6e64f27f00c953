import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../../src/db/schema/index.js';
import { createInbox, type InboxRow } from '../../../src/delivery/inbox.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createInboxWorker } from '../../../src/messaging/inbox-worker.js';
import { toStoredEvent } from '../../../src/messaging/stored-event.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';
import { plainMessageEvent } from '../../helpers/inbound-events.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { createStatementLog, statementKind } from '../../helpers/statement-log.js';

/**
 * A hint that carries the row as recorded (the web process has it when it sends the hint) lets the
 * worker claim that row by id, in one statement with no read-back, under the same rules as a batch
 * claim: one conversation's rows one at a time, oldest first, a row never run twice.
 */
describe('claiming a hinted row as recorded', () => {
  const testDb = useTestDatabase();
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  async function record(inbox: ReturnType<typeof createInbox>, conversation: string): Promise<InboxRow> {
    const id = uniqueId('om');
    const recorded = await inbox.record({
      platform: 'feishu',
      eventId: id,
      conversation,
      payload: toStoredEvent(plainMessageEvent(id, conversation)),
    });
    expect(recorded.outcome).toBe('new');
    return recorded.row!;
  }

  /** A worker that notes the event ids it runs; stopped after the test. */
  function recordingWorker(inbox: ReturnType<typeof createInbox>) {
    const ran: string[] = [];
    const worker = createInboxWorker({
      inbox,
      clock: systemClock,
      log: captureLogs().log,
      run: async (event) => void ran.push(event.eventId),
      giveUp: async () => undefined,
    });
    stops.push(() => worker.stop());
    return { worker, ran };
  }

  it('runs a lone hinted row after one claim by id, and marks it done', async () => {
    const log = createStatementLog(testDb.url);
    stops.push(() => log.handle.close());
    const inbox = createInbox({ db: log.handle.db, clock: systemClock });
    const { worker, ran } = recordingWorker(inbox);
    const row = await record(inbox, `feishu:${uniqueId('oc')}`);
    log.reset();
    worker.submit(row);
    await worker.drain();
    expect(ran).toEqual([row.eventId]);
    expect(log.statements().map(statementKind)).toEqual(['update inbound_events', 'update inbound_events']);
    const [stored] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.id, row.id));
    expect(stored).toMatchObject({ status: 'done', attempts: 1, leaseOwner: null });
  });

  it('does not take a row by id while an older row of its conversation is unfinished, nor a row already claimed', async () => {
    const inbox = createInbox({ db: testDb.db, clock: systemClock });
    const conversation = `feishu:${uniqueId('oc')}`;
    const older = await record(inbox, conversation);
    const newer = await record(inbox, conversation);
    expect(await inbox.claimStored(newer, 'a', 15_000)).toBe(false);
    expect(await inbox.claimStored(older, 'b', 15_000)).toBe(true);
    // Taken once: a second claim by id (another replica's hint) does not take it again.
    expect(await inbox.claimStored(older, 'c', 15_000)).toBe(false);
    expect(await inbox.finish(older.id, 'b', 'done')).toBe(true);
    expect(await inbox.claimStored(newer, 'd', 15_000)).toBe(true);
    // A row that was claimed before (its attempt counted) is never taken by id: the caller's copy would be stale.
    const retried = await record(inbox, `feishu:${uniqueId('oc')}`);
    await testDb.db
      .update(inboundEvents)
      .set({ status: 'failed', attempts: 1, nextAttemptAt: new Date(0) })
      .where(eq(inboundEvents.id, retried.id));
    expect(await inbox.claimStored(retried, 'e', 15_000)).toBe(false);
  });

  it('keeps a conversation in order when the newer row is hinted as recorded before the older one finished', async () => {
    const inbox = createInbox({ db: testDb.db, clock: systemClock });
    const conversation = `feishu:${uniqueId('oc')}`;
    const older = await record(inbox, conversation);
    const newer = await record(inbox, conversation);
    const { worker, ran } = recordingWorker(inbox);
    // Only the newer row's hint arrives (the older one's was lost): the claim by id must not run it
    // first; the batch claim it falls back to finds the older row and runs them oldest first.
    worker.submit(newer);
    await worker.drain();
    await worker.drain();
    // (The batch claim also runs what the previous test left runnable.)
    expect(ran.filter((id) => id === older.eventId || id === newer.eventId)).toEqual([older.eventId, newer.eventId]);
  });
});

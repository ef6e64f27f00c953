import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runTransaction } from '../../../src/db/run-transaction.js';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue, type OutboundEnvelope } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type Deliver, type OutboxRow } from '../../../src/delivery/outbox-worker.js';
import { createRateLimiter, limitsByPrefix } from '../../../src/delivery/rate-limiter.js';
import { holdReplyClaims, type ReplyClaims } from '../../../src/delivery/reply-claims.js';
import { systemClock } from '../../../src/lib/clock.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { createStatementLog, statementKind } from '../../helpers/statement-log.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

/** A reply to `messageId` in `chat`, as the bot enqueues it (its payload names the message it answers). */
function reply(chat: string, messageId: string, text = messageId): OutboundEnvelope {
  return {
    target: `feishu:chat:${chat}`,
    dedupeKey: `reply:feishu:${messageId}`,
    payload: { kind: 'send', to: { platform: 'feishu', kind: 'chat', id: chat }, replyTo: messageId, message: { kind: 'text', text } },
  };
}

/** Sends recorded in order, with the most sends of one recipient that were ever in flight at once. */
function recordingDeliver(opts: { hold?: (row: OutboxRow) => Promise<void> } = {}) {
  const sent: string[] = [];
  const inFlight = new Map<string, number>();
  let overlap = 0;
  const deliver: Deliver = async (row) => {
    const n = (inFlight.get(row.target) ?? 0) + 1;
    inFlight.set(row.target, n);
    overlap = Math.max(overlap, n);
    try {
      await opts.hold?.(row);
      sent.push(String((row.payload.message as { text: string }).text));
      return { ref: `om_${row.id}` };
    } finally {
      inFlight.set(row.target, (inFlight.get(row.target) ?? 1) - 1);
    }
  };
  return { deliver, sent, overlap: () => overlap };
}

/**
 * Replies inserted already claimed by the process that runs the message (`ReplyClaims`): sent right
 * after the commit without a claim round, and never at the cost of order per recipient, the rate
 * limit, or a reply lost or sent twice when the process dies or the transaction rolls back.
 */
describe('replies inserted claimed by the process that wrote them', () => {
  const testDb = useTestDatabase();
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  function replica(
    deliver: Deliver,
    opts: { leaseMs?: number; db?: typeof testDb.db; limiter?: ReturnType<typeof createRateLimiter> } = {},
  ) {
    const worker = createOutboxWorker({
      db: opts.db ?? testDb.db,
      clock: systemClock,
      log: captureLogs().log,
      deliver,
      leaseMs: opts.leaseMs ?? 60_000,
      random: () => 0.5,
      limiter: opts.limiter ?? { waitMs: async () => 0 },
    });
    stops.push(() => worker.stop());
    return worker;
  }

  /** What the inbox worker does around one message: claims held while it runs, handed to the outbox after. */
  async function runMessage(
    worker: ReturnType<typeof replica>,
    messageId: string,
    work: (claims: ReplyClaims | null) => Promise<void>,
    opts: { handOver?: boolean } = {},
  ): Promise<ReplyClaims | null> {
    const claims = worker.openReplies();
    const unhold = claims ? holdReplyClaims('feishu', messageId, claims) : () => undefined;
    try {
      await work(claims);
    } finally {
      unhold();
      if (opts.handOver !== false) worker.nudge(claims);
    }
    return claims;
  }

  const rowsOf = (target: string) => testDb.db.select().from(outbox).where(eq(outbox.target, target)).orderBy(outbox.id);

  it('sends the reply right after the commit with one read-back and one settle, no claim', async () => {
    const log = createStatementLog(testDb.url);
    stops.push(() => log.handle.close());
    const { deliver, sent } = recordingDeliver();
    // A poll an hour apart: only the start's (empty) claim, then nothing but what the reply causes.
    const worker = replica(deliver, { db: log.handle.db });
    worker.start(3_600_000);
    await sleep(100);
    const chat = uniqueId('oc');
    // The transaction runs on another handle: the log holds the outbox worker's statements only.
    log.reset();
    const claims = await runMessage(worker, 'om_a', () =>
      runTransaction(testDb.db, (tx) => enqueue(tx, reply(chat, 'om_a', 'hello'), new Date())),
    );
    expect(claims?.ids).toHaveLength(1);
    await until(() => sent.length === 1);
    await until(async () => (await rowsOf(`feishu:chat:${chat}`))[0]?.status === 'sent');
    expect(sent).toEqual(['hello']);
    expect(log.statements().map(statementKind)).toEqual(['select outbox', 'update outbox']);
    const [row] = await rowsOf(`feishu:chat:${chat}`);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, leaseOwner: null, sentRef: `om_${row?.id}` });
  });

  it('inserts a reply pending, not claimed, when an older row of its recipient is unsent, and sends both in order', async () => {
    const { deliver, sent, overlap } = recordingDeliver();
    const worker = replica(deliver);
    const chat = uniqueId('oc');
    // An older message to the same chat, due but not sent yet (nothing was running).
    await enqueue(
      testDb.db,
      { ...reply(chat, 'om_old', 'first'), payload: { ...reply(chat, 'om_old', 'first').payload, replyTo: undefined } },
      new Date(),
    );
    worker.start(3_600_000);
    const claims = await runMessage(worker, 'om_new', () =>
      runTransaction(testDb.db, (tx) => enqueue(tx, reply(chat, 'om_new', 'second'), new Date())),
    );
    expect(claims?.ids).toEqual([]);
    expect(claims?.pending).toBe(true);
    await until(() => sent.length === 2);
    expect(sent).toEqual(['first', 'second']);
    expect(overlap()).toBe(1);
  });

  it('sends nothing for a reply whose transaction rolled back', async () => {
    const { deliver, sent } = recordingDeliver();
    const worker = replica(deliver);
    worker.start(3_600_000);
    const chat = uniqueId('oc');
    const claims = await runMessage(worker, 'om_rb', () =>
      runTransaction(testDb.db, async (tx) => {
        await enqueue(tx, reply(chat, 'om_rb'), new Date());
        throw new Error('rolled back after the reply was inserted');
      }).catch(() => undefined),
    );
    expect(claims?.ids).toHaveLength(1);
    await sleep(300);
    expect(sent).toEqual([]);
    expect(await rowsOf(`feishu:chat:${chat}`)).toEqual([]);
  });

  it('sends a claimed reply once, through another replica, when the process that wrote it died before sending', async () => {
    const dead = recordingDeliver();
    const writer = replica(dead.deliver, { leaseMs: 500 });
    writer.start(3_600_000);
    const chat = uniqueId('oc');
    // The commit happens; the process dies before it hands the claims to its outbox.
    await runMessage(writer, 'om_d', () => runTransaction(testDb.db, (tx) => enqueue(tx, reply(chat, 'om_d', 'orphan'), new Date())), {
      handOver: false,
    });
    const [claimed] = await rowsOf(`feishu:chat:${chat}`);
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1 });
    const other = recordingDeliver();
    const survivor = replica(other.deliver, { leaseMs: 500 });
    survivor.start(100);
    // Held by the dead process's lease first.
    await sleep(200);
    expect(other.sent).toEqual([]);
    await until(() => other.sent.length === 1);
    await sleep(300);
    expect(other.sent).toEqual(['orphan']);
    expect(dead.sent).toEqual([]);
    const [row] = await rowsOf(`feishu:chat:${chat}`);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('keeps one send per recipient in flight when another replica claimed an older row committed during the transaction', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    const chat = uniqueId('oc');
    const target = `feishu:chat:${chat}`;
    const both = recordingDeliver({
      hold: async (row) => (String((row.payload.message as { text: string }).text) === 'older' ? released : undefined),
    });
    const writer = replica(both.deliver);
    const other = replica(both.deliver);
    writer.start(100);

    // Another writer's row for the same chat, inserted first (lower id) but not committed yet.
    let commitOlder: () => void = () => undefined;
    const olderCommitted = new Promise<void>((r) => (commitOlder = r));
    let olderInserted: () => void = () => undefined;
    const inserted = new Promise<void>((r) => (olderInserted = r));
    const olderTx = testDb.db.transaction(async (tx) => {
      await enqueue(
        tx,
        { ...reply(chat, 'om_x', 'older'), dedupeKey: undefined, payload: { ...reply(chat, 'om_x', 'older').payload, replyTo: undefined } },
        new Date(),
      );
      olderInserted();
      await olderCommitted;
    });
    await inserted;

    const claims = await runMessage(writer, 'om_y', async (held) => {
      await runTransaction(testDb.db, async (tx) => {
        // Its check reads committed rows: the other writer's row is not among them yet.
        await enqueue(tx, reply(chat, 'om_y', 'newer'), new Date());
        // Before this commit, the older row commits and the other replica claims it and starts sending.
        commitOlder();
        await olderTx;
        void other.runOnce();
        await until(async () => (await rowsOf(target)).some((r) => r.status === 'sending' && r.id !== held?.ids[0]));
      });
    });
    expect(claims?.ids).toHaveLength(1);
    // The read-back sees the older row sending and gives the reply back instead of sending it alongside.
    await sleep(300);
    expect(both.sent).toEqual([]);
    const newer = (await rowsOf(target)).find((r) => r.id === claims?.ids[0]);
    expect(newer).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null });
    release();
    await until(() => both.sent.length === 2);
    expect(both.sent).toEqual(['older', 'newer']);
    expect(both.overlap()).toBe(1);
  });

  it('defers a claimed reply whose recipient is at its rate limit, without counting an attempt', async () => {
    const chat = uniqueId('oc');
    const target = `feishu:chat:${chat}`;
    const limiter = createRateLimiter({
      db: testDb.db,
      limitFor: limitsByPrefix({ 'feishu:': { limit: 1, windowMs: 60_000 } }),
      countWindowMs: 60_000,
    });
    const { deliver, sent } = recordingDeliver();
    const worker = replica(deliver, { limiter });
    const now = new Date();
    await testDb.db.insert(outbox).values({
      target,
      payload: { kind: 'send' },
      status: 'sent',
      sentAt: now,
      giveUpAt: now,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    });
    worker.start(3_600_000);
    const claims = await runMessage(worker, 'om_r', () => runTransaction(testDb.db, (tx) => enqueue(tx, reply(chat, 'om_r'), new Date())));
    expect(claims?.ids).toHaveLength(1);
    await until(async () => (await rowsOf(target)).some((r) => r.id === claims?.ids[0] && r.status === 'pending'));
    const row = (await rowsOf(target)).find((r) => r.id === claims?.ids[0]);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(sent).toEqual([]);
  });

  it('inserts replies pending when the outbox has no free send slot', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    const { deliver, sent } = recordingDeliver({ hold: () => released });
    const worker = createOutboxWorker({
      db: testDb.db,
      clock: systemClock,
      log: captureLogs().log,
      deliver,
      maxInFlight: 1,
      limiter: { waitMs: async () => 0 },
    });
    stops.push(async () => {
      release();
      await worker.stop();
    });
    worker.start(3_600_000);
    // The one slot: a claimed reply whose send hangs.
    await runMessage(worker, 'om_s1', () =>
      runTransaction(testDb.db, (tx) => enqueue(tx, reply(uniqueId('oc'), 'om_s1', 'one'), new Date())),
    );
    await sleep(100);
    const claims = await runMessage(worker, 'om_s2', () =>
      runTransaction(testDb.db, (tx) => enqueue(tx, reply(uniqueId('oc'), 'om_s2', 'two'), new Date())),
    );
    expect(claims?.ids).toEqual([]);
    expect(claims?.pending).toBe(true);
    release();
    await until(() => sent.length === 2);
    expect(sent.sort()).toEqual(['one', 'two']);
  });
});

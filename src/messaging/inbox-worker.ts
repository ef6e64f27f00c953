import type { Logger } from 'pino';
import type { Inbox, InboxRow } from '../delivery/inbox.js';
import type { Clock } from '../lib/clock.js';
import { errorCode } from '../lib/safe-error.js';
import { fromStoredEvent } from './stored-event.js';
import type { InboundEvent } from './types.js';

/** Runs one event; what it returns is stored with the finished row (click answers). */
export type InboundRunner = (event: InboundEvent) => Promise<Record<string, unknown> | undefined>;

/** What a webhook needs of whoever runs the stored rows: to hear that one was stored. */
export type InboxWake = {
  /**
   * A hint that `row` is stored and waits: the worker claims it from the database (the row, not
   * the hint, is the work). False when no worker will hear of it soon; the row then waits for a poll.
   */
  submit(row: Pick<InboxRow, 'id' | 'conversation'>, event?: InboundEvent | null): boolean;
};

export type InboxWorker = ReturnType<typeof createInboxWorker>;

type Options = {
  inbox: Inbox;
  clock: Clock;
  log: Logger;
  run: InboundRunner;
  /** Tells the user their message could not be handled (after the last attempt). */
  giveUp: (event: InboundEvent) => Promise<void>;
  /**
   * How long a runner holds a row before another may take it (a crashed process's rows run again
   * this long after it died); renewed every third of it while the work runs.
   */
  leaseMs?: number;
  /** Rows held in memory at most (claimed and running); the rest wait in the database. */
  maxQueued?: number;
  /** Conversations worked on at once. */
  concurrency?: number;
  /** Attempts before giving up; with the backoff below, about a minute of retries. */
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  /** Called after a row's result is committed (the reply is in the outbox): wakes the outbox worker. */
  onFinished?: () => void;
};

export const DEFAULT_INBOX_LEASE_MS = 15_000;
const DEFAULT_MAX_QUEUED = 1000;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ATTEMPTS = 5;
/** Hinted conversations remembered at most; past it the worker claims again after every finish. */
const MAX_HINTS = 10_000;
/** 2 s, 4 s, 8 s, 16 s …: a passing outage gets a few chances; the user hears back within a minute. */
const defaultBackoff = (attempt: number) => Math.min(60_000, 2000 * 2 ** (attempt - 1));

/**
 * Runs stored inbox rows: the events the webhooks acknowledged. The work is found in the database,
 * never only in memory: each round claims up to the free slots' worth of runnable rows in one batch
 * (`inbox.claimBatch`: leased, oldest first, one per conversation, never a row while an older row of
 * its conversation is unfinished anywhere), runs them, and marks them. A round runs when a hint says
 * a row was stored (`submit`, in-process or from the web process), when a finished row's
 * conversation has a newer hinted row, when the last round was full, and on every poll (`start`),
 * which also finds rows past their backoff, rows of a crashed replica, and rows no hint announced.
 * So memory holds at most `min(concurrency, maxQueued)` rows whatever the burst, a crash loses
 * nothing (the lease runs out and a poll runs the row again), and two replicas never run one row.
 */
export function createInboxWorker(opts: Options) {
  const { inbox, clock, log } = opts;
  const leaseMs = opts.leaseMs ?? DEFAULT_INBOX_LEASE_MS;
  const capacity = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, opts.maxQueued ?? DEFAULT_MAX_QUEUED));
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoffMs = opts.backoffMs ?? defaultBackoff;

  /** Rows claimed here and not yet marked: id → conversation. */
  const held = new Map<number, string | null>();
  /** Per conversation, the newest row id a hint announced that this worker has not claimed yet. */
  const hinted = new Map<string, number>();
  /** Hints overflowed: claim again after every finish until the worker is next idle. */
  let overflowed = false;
  /** Runnable rows may be waiting. */
  let dirty = false;
  let scheduled = false;
  let round: Promise<number> | null = null;
  let stopped = false;
  let poll: NodeJS.Timeout | undefined;
  let idle: (() => void)[] = [];
  const finishing: { id: number; token: string; done: () => void }[] = [];
  let flushing = false;

  const isIdle = () => held.size === 0 && !round && !scheduled;
  function settleIdle(): void {
    if (!isIdle()) return;
    if (overflowed && !dirty) overflowed = false;
    for (const resolve of idle.splice(0)) resolve();
  }

  /** Starts a round on the next turn of the event loop, so the hints of one tick share it. */
  function schedule(): void {
    if (scheduled || round || stopped || !dirty || held.size >= capacity) return settleIdle();
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void claimRound();
    });
  }

  function claimRound(): Promise<number> {
    if (round) return round;
    dirty = false;
    const room = capacity - held.size;
    round = (async () => {
      if (room <= 0 || stopped) return 0;
      let rows: InboxRow[];
      let token: string;
      try {
        ({ rows, token } = await inbox.claimBatch(room, leaseMs));
      } catch (err) {
        log.warn({ err: errorCode(err) }, 'cannot claim inbox rows; the next poll tries again');
        return 0;
      }
      if (rows.length === room) dirty = true; // full: more are probably waiting
      if (rows.length === 0 && held.size === 0) hinted.clear(); // what is left is held elsewhere; the poll finds it
      for (const row of rows) begin(row, token);
      return rows.length;
    })().finally(() => {
      round = null;
      schedule();
      settleIdle();
    });
    return round;
  }

  function begin(row: InboxRow, token: string): void {
    held.set(row.id, row.conversation);
    const conversation = row.conversation;
    if (conversation !== null && (hinted.get(conversation) ?? 0) <= row.id) hinted.delete(conversation);
    void runRow(row, token).finally(() => {
      held.delete(row.id);
      // A newer row of this conversation was announced: it can run now that this one is marked.
      if (overflowed || (conversation !== null && hinted.has(conversation))) dirty = true;
      schedule();
      settleIdle();
    });
  }

  async function runRow(row: InboxRow, token: string): Promise<void> {
    const rowLog = log.child({ inboxId: row.id, platform: row.platform, eventId: row.eventId });
    const event = fromStoredEvent(row.payload);
    if (!event) {
      rowLog.error('inbox row holds no event this version can run; kept as dead for inspection');
      await inbox.fail(row.id, token, 'unreadable_payload', null).catch(() => undefined);
      return;
    }
    const renewal = setInterval(
      () => {
        inbox.renew(row.id, token, leaseMs).then(
          (held) => held || rowLog.warn('inbox lease lost while the work was running'),
          () => undefined,
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    try {
      const result = await opts.run(event);
      clearInterval(renewal);
      if (result) {
        if (!(await inbox.finish(row.id, token, 'done', result))) rowLog.warn('inbox row finished after its lease was lost');
      } else await finishDone(row.id, token);
      opts.onFinished?.();
    } catch (err) {
      clearInterval(renewal);
      await failed(row, token, event, err, rowLog);
    }
  }

  /**
   * Marks a finished row done together with the others finished meanwhile: one UPDATE per batch.
   * A batch waits only for the previous one's statement, so a lone row is marked at once.
   */
  function finishDone(id: number, token: string): Promise<void> {
    return new Promise((done) => {
      finishing.push({ id, token, done });
      if (!flushing) void flushFinishes();
    });
  }

  async function flushFinishes(): Promise<void> {
    flushing = true;
    while (finishing.length > 0) {
      const batch = finishing.splice(0, 500);
      try {
        const marked = await inbox.finishMany(batch);
        if (marked < batch.length) log.warn({ rows: batch.length - marked }, 'inbox rows finished after their lease was lost');
      } catch (err) {
        // Their leases run out and they run again; the replies' dedupe keys keep that to one answer.
        log.error({ err: errorCode(err), rows: batch.length }, 'cannot mark finished inbox rows');
      }
      for (const item of batch) item.done();
    }
    flushing = false;
  }

  async function failed(row: InboxRow, token: string, event: InboundEvent, err: unknown, rowLog: Logger): Promise<void> {
    const attempt = row.attempts + 1;
    const code = errorCode(err);
    rowLog.error({ err, attempt, maxAttempts }, 'handling an inbound event failed');
    try {
      if (attempt < maxAttempts) {
        await inbox.fail(row.id, token, code, new Date(clock.now().getTime() + backoffMs(attempt)));
        return;
      }
      // The reply is enqueued before the row is marked, under a dedupe key: a crash in between
      // runs this again and still answers once.
      await opts.giveUp(event);
      await inbox.fail(row.id, token, code, null);
      opts.onFinished?.();
      rowLog.error({ attempt }, 'gave up on an inbound event; the user was asked to send it again');
    } catch (settleErr) {
      // The database is likely down: the lease runs out and a poll tries again.
      rowLog.error({ err: settleErr }, 'cannot record the failure of an inbound event');
    }
  }

  return {
    /** The hint (see InboxWake); the event is not kept: the worker runs what the row holds. */
    submit(row: Pick<InboxRow, 'id' | 'conversation'>, _event?: InboundEvent | null): boolean {
      if (stopped) return false;
      const conversation = row.conversation;
      if (conversation !== null) {
        if (hinted.size >= MAX_HINTS && !hinted.has(conversation)) {
          hinted.clear();
          overflowed = true;
        }
        hinted.set(conversation, Math.max(row.id, hinted.get(conversation) ?? 0));
        // Its conversation runs here now: the row can only run after that one, which claims again.
        if ([...held.values()].includes(conversation)) return true;
      }
      dirty = true;
      schedule();
      return true;
    },

    /**
     * One claim round now (rows past their backoff, a crashed replica's, any not yet claimed); how
     * many it took. `_graceMs` is from when the sweeper left fresh rows to the process that stored
     * them; every runnable row is claimed now.
     */
    sweep(_graceMs?: number): Promise<number> {
      dirty = true;
      return round ?? claimRound();
    },

    /** Polls the database every `pollMs` besides the hints (the only signal when no hint comes). */
    start(pollMs = 1000): void {
      if (poll || stopped) return;
      poll = setInterval(() => {
        dirty = true;
        schedule();
      }, pollMs);
      poll.unref();
      dirty = true;
      schedule();
    },

    /** Rows claimed and not yet marked in this process. */
    size: () => held.size,

    /** Resolves when nothing is claimed, running or about to be claimed (tests, graceful shutdown). */
    drain(): Promise<void> {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },

    /** Claims nothing more and waits for the running rows; unclaimed rows stay in the database. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(poll);
      poll = undefined;
      if (!isIdle()) await new Promise<void>((resolve) => idle.push(resolve));
      idle = [];
    },
  };
}

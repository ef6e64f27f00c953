import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Inbox, InboxRow } from '../delivery/inbox.js';
import { holdReplyClaims, type ReplyClaims } from '../delivery/reply-claims.js';
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
   * the hint, is the work). The row as recorded (`InboxRow`, payload included) lets a worker with a
   * free slot claim it by id without reading it back (`inbox.claimStored`). False when no worker
   * will hear of it soon; the row then waits for a poll.
   */
  submit(row: HintedRow, event?: InboundEvent | null): boolean;
};

/** A hinted row: its id and conversation, or the whole row as recorded. */
export type HintedRow = Pick<InboxRow, 'id' | 'conversation'> | InboxRow;

/** The row as recorded and never run: what `claimStored` may take without a read-back. */
function asRecorded(row: HintedRow): InboxRow | null {
  return 'payload' in row && row.status === 'received' && row.attempts === 0 && row.result === null ? row : null;
}

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
  /** Rows held in memory at most (claimed and not yet marked); the rest wait in the database. */
  maxQueued?: number;
  /** Conversations worked on at once. */
  concurrency?: number;
  /** Attempts before giving up; with the backoff below, about a minute of retries. */
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  /**
   * Claims for the replies to a message while it runs (the outbox worker's `openReplies`): a reply
   * enqueued meanwhile is inserted already claimed by this process (see delivery/reply-claims.ts).
   */
  openReplies?: () => ReplyClaims | null;
  /**
   * Called after a row's work is committed (the reply is in the outbox), with the claims it held
   * (null when none): wakes the outbox worker, which sends the claimed replies without a claim.
   * Also after a run that failed, so a reply committed before the failure is not left to its lease.
   */
  onFinished?: (claims: ReplyClaims | null) => void;
};

export const DEFAULT_INBOX_LEASE_MS = 15_000;
const DEFAULT_MAX_QUEUED = 1000;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ATTEMPTS = 5;
/** A finished row is marked done this soon at the latest (its lease is no longer renewed meanwhile). */
const FINISH_WITHIN_MS = 20;
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

  /** Rows claimed here and running: id → conversation. */
  const running = new Map<number, string | null>();
  /** Rows run to the end and not yet marked done; marked together at the start of the next round. */
  const finished: { id: number; token: string; conversation: string | null }[] = [];
  /** Per conversation, the newest row id a hint announced that this worker has not claimed yet. */
  const hinted = new Map<string, number>();
  /**
   * Hinted rows as recorded, at most `capacity` (the rest are only hints): when the round finds just
   * one of them and nothing else to look for, it claims that one by id (one statement, no read-back).
   */
  const recorded = new Map<number, InboxRow>();
  /** Hints overflowed: claim again after every finish until the worker is next idle. */
  let overflowed = false;
  /** Runnable rows may be waiting. */
  let dirty = false;
  let scheduled = false;
  let round: Promise<number> | null = null;
  let stopped = false;
  let poll: NodeJS.Timeout | undefined;
  let finishTimer: NodeJS.Timeout | undefined;
  let finishDue = false;
  let idle: (() => void)[] = [];
  /**
   * A round waits until half the slots are free (or none is busy), so a burst is claimed and marked
   * several rows per statement instead of one: the rows wait in the database meanwhile, not here.
   */
  const roundAt = Math.max(1, Math.floor(capacity / 2));

  const held = () => running.size + finished.length;
  const isIdle = () => held() === 0 && !round && !scheduled;
  function settleIdle(): void {
    if (!isIdle()) return;
    if (overflowed && !dirty) overflowed = false;
    for (const resolve of idle.splice(0)) resolve();
  }

  /** Starts a round on the next turn of the event loop (so the hints of one tick share it) when one is due. */
  function schedule(): void {
    if (scheduled || round) return;
    const free = capacity - running.size;
    const finish = finished.length > 0 && (stopped || finishDue || free >= roundAt);
    const claim = (dirty || recorded.size > 0) && !stopped && (free >= roundAt || running.size === 0);
    if (!finish && !claim) {
      // A finished row is marked within FINISH_WITHIN_MS even while the other slots stay busy.
      if (finished.length > 0 && !finishTimer)
        finishTimer = setTimeout(() => {
          finishTimer = undefined;
          finishDue = true;
          schedule();
        }, FINISH_WITHIN_MS);
      return settleIdle();
    }
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void runRound();
    });
  }

  /**
   * One round: marks what finished (one UPDATE), then claims runnable rows for the free slots (two),
   * or the one hinted row it holds as recorded, by id (one).
   */
  function runRound(): Promise<number> {
    if (round) return round;
    round = (async () => {
      await markFinished();
      // Rows that finished while the marks were written are still held: they count.
      const room = capacity - held();
      if ((!dirty && recorded.size === 0) || stopped || room <= 0) return 0;
      const [only, ...more] = recorded.values();
      recorded.clear();
      // A lone new row and nothing else known to wait: claim it by id. Otherwise one batch claim
      // finds them all (and the rows no hint announced).
      if (only && more.length === 0 && !dirty) return (await claimOne(only)) ? 1 : 0;
      dirty = false;
      let rows: InboxRow[];
      let token: string;
      try {
        ({ rows, token } = await inbox.claimBatch(room, leaseMs));
      } catch (err) {
        log.warn({ err: errorCode(err) }, 'cannot claim inbox rows; the next poll tries again');
        return 0;
      }
      if (rows.length === room) dirty = true; // full: more are probably waiting
      if (rows.length === 0 && held() === 0) hinted.clear(); // what is left is held elsewhere; the poll finds it
      for (const row of rows) begin(row, token);
      return rows.length;
    })().finally(() => {
      round = null;
      schedule();
      settleIdle();
    });
    return round;
  }

  /** Claims `row` by id as recorded; when it cannot be taken so (or the claim fails), a batch claim looks. */
  async function claimOne(row: InboxRow): Promise<boolean> {
    const token = randomUUID();
    try {
      if (await inbox.claimStored(row, token, leaseMs)) {
        begin(row, token);
        return true;
      }
    } catch (err) {
      log.warn({ err: errorCode(err) }, 'cannot claim an inbox row; a batch claim tries again');
    }
    dirty = true;
    return false;
  }

  async function markFinished(): Promise<void> {
    clearTimeout(finishTimer);
    finishTimer = undefined;
    finishDue = false;
    const batch = finished.splice(0);
    if (batch.length === 0) return;
    try {
      const marked = await inbox.finishMany(batch);
      if (marked < batch.length) log.warn({ rows: batch.length - marked }, 'inbox rows finished after their lease was lost');
    } catch (err) {
      // Their leases run out and they run again; the replies' dedupe keys keep that to one answer.
      log.error({ err: errorCode(err), rows: batch.length }, 'cannot mark finished inbox rows');
    }
    // A newer row of one of these conversations was announced: it can run now that this one is marked.
    for (const { conversation } of batch) if (overflowed || (conversation !== null && hinted.has(conversation))) dirty = true;
  }

  function begin(row: InboxRow, token: string): void {
    running.set(row.id, row.conversation);
    const conversation = row.conversation;
    if (conversation !== null && (hinted.get(conversation) ?? 0) <= row.id) hinted.delete(conversation);
    void runRow(row, token).then((done) => {
      running.delete(row.id);
      if (done) finished.push({ id: row.id, token, conversation });
      // Marked (failed, or done with a result) already: its successor may run now.
      else if (overflowed || (conversation !== null && hinted.has(conversation))) dirty = true;
      schedule();
      settleIdle();
    });
  }

  /** Runs the row; true when it ended well and is left for the next round to mark done. */
  async function runRow(row: InboxRow, token: string): Promise<boolean> {
    const rowLog = log.child({ inboxId: row.id, platform: row.platform, eventId: row.eventId });
    const event = fromStoredEvent(row.payload);
    if (!event) {
      rowLog.error('inbox row holds no event this version can run; kept as dead for inspection');
      await inbox.fail(row.id, token, 'unreadable_payload', null).catch(() => undefined);
      return false;
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
    const messageId = event.type === 'message' ? event.messageId : undefined;
    const claims = messageId ? (opts.openReplies?.() ?? null) : null;
    const unhold = claims && messageId ? holdReplyClaims(event.platform, messageId, claims) : null;
    try {
      const result = await opts.run(event);
      clearInterval(renewal);
      unhold?.();
      // The reply is committed (with the change it reports): the outbox may send it now.
      opts.onFinished?.(claims);
      if (!result) return true;
      if (!(await inbox.finish(row.id, token, 'done', result).catch(() => false)))
        rowLog.warn('inbox row finished after its lease was lost');
      return false;
    } catch (err) {
      clearInterval(renewal);
      unhold?.();
      // A reply committed before the failure goes out now (the outbox's read-back finds only committed rows).
      if (claims && claims.ids.length > 0) opts.onFinished?.(claims);
      await failed(row, token, event, err, rowLog);
      return false;
    }
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
      opts.onFinished?.(null);
      rowLog.error({ attempt }, 'gave up on an inbound event; the user was asked to send it again');
    } catch (settleErr) {
      // The database is likely down: the lease runs out and a poll tries again.
      rowLog.error({ err: settleErr }, 'cannot record the failure of an inbound event');
    }
  }

  return {
    /**
     * The hint (see InboxWake); the event is not kept: the worker runs what the row holds, taken by
     * id when it came as recorded and a slot is free, else found by a batch claim.
     */
    submit(row: HintedRow, _event?: InboundEvent | null): boolean {
      if (stopped) return false;
      const conversation = row.conversation;
      if (conversation !== null) {
        if (hinted.size >= MAX_HINTS && !hinted.has(conversation)) {
          hinted.clear();
          overflowed = true;
        }
        hinted.set(conversation, Math.max(row.id, hinted.get(conversation) ?? 0));
        // Its conversation runs here now: the row can only run after that one, which claims again.
        if ([...running.values()].includes(conversation)) return true;
      }
      const stored = asRecorded(row);
      if (stored && recorded.size < capacity) recorded.set(stored.id, stored);
      else dirty = true;
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
      return round ?? runRound();
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

    /** Rows claimed and not yet marked in this process (running, or finished and about to be marked). */
    size: () => held(),

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
      schedule(); // marks what finished without waiting for the timer
      if (!isIdle()) await new Promise<void>((resolve) => idle.push(resolve));
      idle = [];
    },
  };
}

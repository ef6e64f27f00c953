import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Inbox, InboxRow } from '../delivery/inbox.js';
import type { Clock } from '../lib/clock.js';
import { errorCode } from '../lib/safe-error.js';
import { fromStoredEvent } from './stored-event.js';
import type { InboundEvent } from './types.js';

/** Runs one event; what it returns is stored with the finished row (click answers). */
export type InboundRunner = (event: InboundEvent) => Promise<Record<string, unknown> | undefined>;

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
  /** Rows held in memory at most; past it, rows wait in the database for the sweeper. */
  maxQueued?: number;
  /** Conversations worked on at once. */
  concurrency?: number;
  /** Attempts before giving up; with the backoff below, about a minute of retries. */
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
};

export const DEFAULT_INBOX_LEASE_MS = 15_000;
const DEFAULT_MAX_QUEUED = 1000;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ATTEMPTS = 5;
/** 2 s, 4 s, 8 s, 16 s …: a passing outage gets a few chances; the user hears back within a minute. */
const defaultBackoff = (attempt: number) => Math.min(60_000, 2000 * 2 ** (attempt - 1));

type Task = { row: InboxRow; event: InboundEvent | null };

/**
 * Runs stored inbox rows: the events the webhooks acknowledged. Work always starts from a row
 * (the fast path hands over the row it just recorded; the sweeper the rows nobody finished), is
 * taken with a lease in the database first, and ends by marking the row. So a crash loses nothing
 * (the lease runs out and the sweeper runs the row again), and two replicas never run one row at
 * once. Rows of one conversation run one at a time here, and `claim` refuses a row while an older
 * row of its conversation is unfinished anywhere.
 */
export function createInboxWorker(opts: Options) {
  const { inbox, clock, log } = opts;
  const leaseMs = opts.leaseMs ?? DEFAULT_INBOX_LEASE_MS;
  const maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoffMs = opts.backoffMs ?? defaultBackoff;

  /** Tasks waiting per conversation; a conversation is in `ready` when it has tasks and none runs. */
  const waiting = new Map<string, Task[]>();
  const ready: string[] = [];
  const known = new Set<number>();
  let active = 0;
  let stopped = false;
  let idle: (() => void)[] = [];

  function pump(): void {
    while (active < concurrency && ready.length > 0) {
      const conversation = ready.shift();
      const task = conversation === undefined ? undefined : waiting.get(conversation)?.shift();
      if (conversation === undefined || !task) continue;
      active++;
      void runTask(task).finally(() => {
        active--;
        known.delete(task.row.id);
        const rest = waiting.get(conversation);
        if (rest && rest.length > 0) ready.push(conversation);
        else waiting.delete(conversation);
        if (known.size === 0) for (const resolve of idle.splice(0)) resolve();
        pump();
      });
    }
  }

  async function runTask({ row, event: given }: Task): Promise<void> {
    const rowLog = log.child({ inboxId: row.id, platform: row.platform, eventId: row.eventId });
    const token = randomUUID();
    try {
      if (!(await inbox.claim(row, token, leaseMs))) return; // another runner has it, or an older row of the conversation is unfinished
    } catch (err) {
      rowLog.warn({ err }, 'cannot claim an inbox row; the sweeper will run it');
      return;
    }
    const event = given ?? fromStoredEvent(row.payload);
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
      if (!(await inbox.finish(row.id, token, 'done', result))) rowLog.warn('inbox row finished after its lease was lost');
    } catch (err) {
      await failed(row, token, event, err, rowLog);
    } finally {
      clearInterval(renewal);
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
      rowLog.error({ attempt }, 'gave up on an inbound event; the user was asked to send it again');
    } catch (settleErr) {
      // The database is likely down: the lease runs out and the sweeper tries again.
      rowLog.error({ err: settleErr }, 'cannot record the failure of an inbound event');
    }
  }

  return {
    /**
     * Queues a stored row to run here. False (the row waits in the database for the sweeper) when
     * the queue is full or the worker is stopping.
     */
    submit(row: InboxRow, event: InboundEvent | null = null): boolean {
      if (known.has(row.id)) return true;
      if (stopped || known.size >= maxQueued) return false;
      known.add(row.id);
      const conversation = row.conversation ?? `row:${row.id}`;
      const list = waiting.get(conversation);
      if (list) list.push({ row, event });
      else {
        waiting.set(conversation, [{ row, event }]);
        ready.push(conversation);
      }
      pump();
      return true;
    },

    /** Queues rows that nobody finished (crashed runners, backoff passed, queue overflow). */
    async sweep(graceMs = 2000): Promise<number> {
      const free = maxQueued - known.size;
      if (stopped || free <= 0) return 0;
      const rows = await inbox.listRunnable({ limit: Math.min(500, free + known.size), graceMs });
      let queued = 0;
      for (const row of rows) {
        if (known.has(row.id)) continue;
        if (!this.submit(row)) break;
        queued++;
      }
      return queued;
    },

    /** Rows queued or running in this process. */
    size: () => known.size,

    /** Resolves when nothing is queued or running (tests, graceful shutdown). */
    drain(): Promise<void> {
      if (known.size === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },

    /** Takes no new rows and waits for the running ones; queued rows stay for the sweeper. */
    async stop(): Promise<void> {
      stopped = true;
      for (const tasks of waiting.values()) {
        for (const task of tasks) known.delete(task.row.id);
        tasks.length = 0;
      }
      ready.length = 0;
      if (known.size > 0) await new Promise<void>((resolve) => idle.push(resolve));
      idle = [];
    },
  };
}

import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { InboxRow } from '../delivery/inbox.js';
import type { Metrics } from '../http/metrics.js';
import type { OfferClick } from '../messaging/click-waiters.js';
import type { HintedRow, InboxWake } from '../messaging/inbox-worker.js';
import type { CardActionResult } from '../messaging/types.js';

/**
 * The messages between the web process (`npm start`) and the worker process it forks. They are
 * hints and hand-overs only: the work itself is always the stored row, which the worker claims
 * from the database, so a lost message delays a row until the next poll and loses nothing. A hint
 * carries the row as recorded (after its insert committed), so the worker's claim by id need not
 * read it back.
 */
export type ToWorker =
  { t: 'wake'; rows: [id: number, conversation: string | null, recorded?: InboxRow][] } | { t: 'offered'; n: number; taken: boolean };
export type ToWeb =
  | { t: 'offer'; n: number; eventId: string; result: CardActionResult }
  | { t: 'counts'; counts: [metric: CountedMetric, labels: Labels, value: number][] };

/** The counters the worker moves and the web process serves on /metrics. */
const COUNTED = ['jobRuns', 'outboxDeliveries'] as const;
type CountedMetric = (typeof COUNTED)[number];
type Labels = Record<string, string>;
/** One of the counted counters, typed by its labels as plain strings (the two differ only in label names). */
function counterOf(metrics: Metrics | null, metric: CountedMetric): Counter<string> | undefined {
  return metrics?.[metric];
}
/** Counts reach the web process's /metrics at most this late. */
const COUNTS_EVERY_MS = 1000;

/** How long the worker waits for the web process to take a click's answer before answering through the outbox. */
const OFFER_TIMEOUT_MS = 1000;
/** A worker that died is forked again after this long (not in a tight loop when it cannot start). */
const RESTART_DELAY_MS = 1000;

export type ForkedWorker = {
  /** What the webhooks call: sends the worker a hint, batched per tick. */
  wake: InboxWake;
  /** Who answers the worker's click offers (the web process's click waiters). */
  answerOffers(take: (eventId: string, result: CardActionResult) => boolean): void;
  /** Where the worker's counters are added up (the web process's metrics, which /metrics serves). */
  countInto(metrics: Metrics): void;
  /** Asks the worker to finish what it holds and exit; resolves when it has. */
  stop(timeoutMs: number): Promise<void>;
};

/**
 * Forks `genjin worker` from the same build (or, under tsx, the same sources) at a lower OS
 * priority (`nice`): on a small machine the kernel then gives the web process the CPU first, so
 * acknowledgements do not wait behind the work. The worker is forked again if it dies.
 */
export function forkWorker(opts: { log: Logger; nice: number; env: NodeJS.ProcessEnv; execArgv: string[] }): ForkedWorker {
  const { log } = opts;
  // main.js beside cli.js in dist/, or main.ts beside cli.ts under tsx (whose loader is in execArgv).
  const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../cli.ts' : '../cli.js', import.meta.url));
  let child: ChildProcess | null = null;
  let stopping = false;
  let take: (eventId: string, result: CardActionResult) => boolean = () => false;
  let hints: [number, string | null, InboxRow?][] = [];
  let congested = false;
  let counted: Metrics | null = null;

  function start(): void {
    const proc = fork(entry, ['worker'], { execArgv: opts.execArgv, env: opts.env, serialization: 'advanced' });
    child = proc;
    try {
      if (proc.pid !== undefined) setPriority(proc.pid, opts.nice);
    } catch (err) {
      log.warn({ err, nice: opts.nice }, 'cannot lower the worker process priority; it competes with the webhooks for the CPU');
    }
    proc.on('message', (message: ToWeb) => {
      if (message.t === 'counts') {
        for (const [metric, labels, value] of message.counts) if (COUNTED.includes(metric)) counterOf(counted, metric)?.inc(labels, value);
        return;
      }
      if (message.t !== 'offer') return;
      const taken = take(message.eventId, message.result);
      if (proc.connected) proc.send({ t: 'offered', n: message.n, taken } satisfies ToWorker);
    });
    proc.on('exit', (code, signal) => {
      if (child === proc) child = null;
      if (stopping) return;
      log.error({ code, signal }, 'the worker process exited; starting it again (stored rows wait in the database meanwhile)');
      setTimeout(() => stopping || start(), RESTART_DELAY_MS).unref();
    });
  }

  function flush(): void {
    const rows = hints;
    hints = [];
    const proc = child;
    if (!proc?.connected || congested || rows.length === 0) return;
    // The pipe is full when the worker is behind: it then claims full batches without hints.
    congested = !proc.send({ t: 'wake', rows } satisfies ToWorker, () => (congested = false));
  }

  start();
  return {
    wake: {
      submit(row: HintedRow): boolean {
        if (!child?.connected) return false;
        if (hints.length === 0) setImmediate(flush);
        // The row as recorded lets the worker claim it by id without reading it back.
        hints.push('payload' in row ? [row.id, row.conversation, row] : [row.id, row.conversation]);
        return true;
      },
    },
    answerOffers(fn) {
      take = fn;
    },
    countInto(metrics) {
      counted = metrics;
    },
    async stop(timeoutMs) {
      stopping = true;
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The worker's end of the link, when it was forked by the web process (`process.send` exists):
 * hints in, click answers out. Null when the worker runs on its own (`genjin worker`).
 */
export function connectToWeb(proc: NodeJS.Process): {
  offerClick: OfferClick;
  onWake(fn: (rows: ToWorker & { t: 'wake' }) => void): void;
  /** Sends what `metrics`' job and delivery counters count to the web process too, once a second. */
  forwardCounts(metrics: Metrics): void;
} | null {
  const send = proc.send?.bind(proc);
  if (!send) return null;
  let next = 0;
  const waiting = new Map<number, (taken: boolean) => void>();
  let wake: (message: ToWorker & { t: 'wake' }) => void = () => undefined;
  proc.on('message', (message: ToWorker) => {
    if (message.t === 'wake') wake(message);
    else if (message.t === 'offered') waiting.get(message.n)?.(message.taken);
  });
  return {
    offerClick(eventId, result) {
      if (!proc.connected) return Promise.resolve(false);
      const n = ++next;
      return new Promise<boolean>((resolve) => {
        const settle = (taken: boolean) => {
          clearTimeout(timer);
          waiting.delete(n);
          resolve(taken);
        };
        // No answer in time: answer through the outbox. (If the web process took it after all, the
        // card is answered twice with the same content; never not at all.)
        const timer = setTimeout(() => settle(false), OFFER_TIMEOUT_MS);
        waiting.set(n, settle);
        send({ t: 'offer', n, eventId, result } satisfies ToWeb);
      });
    },
    onWake(fn) {
      wake = fn;
    },
    forwardCounts(metrics) {
      const counts = new Map<string, [CountedMetric, Labels, number]>();
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        timer = undefined;
        if (proc.connected && counts.size > 0) send({ t: 'counts', counts: [...counts.values()] } satisfies ToWeb);
        counts.clear();
      };
      for (const metric of COUNTED) {
        const counter = counterOf(metrics, metric)!;
        const inc = counter.inc.bind(counter);
        // Every caller passes labels (see compose.ts and run-worker.ts); the count still lands here too.
        counter.inc = ((labels: Labels, value: number = 1) => {
          inc(labels, value);
          const key = `${metric}\u0000${JSON.stringify(labels)}`;
          const entry = counts.get(key);
          if (entry) entry[2] += value;
          else counts.set(key, [metric, labels, value]);
          timer ??= setTimeout(flush, COUNTS_EVERY_MS).unref();
        }) as typeof counter.inc;
      }
    },
  };
}

// The measurements of `npm run bench:e2e`, each bounded in count and time.
import type mysql from 'mysql2/promise';
import { ackSummary, closedLoop, openLoop, percentile, statusCounts, type Ack, type Source } from './load.js';
import { feishuDelivery, pickNote, wecomDelivery, type Delivery, type NoteSpec } from './payloads.js';
import type { Random } from '../../test/helpers/note-texts.js';
import { cpuBetween, cpuSnapshot, treeMemoryMb } from './proc-stats.js';
import { backlog, storedFollowUps, type SeededWorkspace } from './seed.js';
import type { StandIn } from './stand-in.js';

/**
 * A server under load: the port it listens on and the processes whose trees are its CPU and memory
 * (genjin: its one process, or web and worker; threads and child processes are counted in).
 */
export type Target = { name: string; port: number; pids: number[] };
export type Ctx = {
  root: mysql.Connection;
  standIn: StandIn;
  random: Random;
  service: Target;
  mysqldPid: number | null;
};

const isService = (ctx: Ctx, t: Target) => t.name === ctx.service.name;
/** The CPU groups of a phase: the target's process trees, and MariaDB's server. */
const cpuGroups = (ctx: Ctx, t: Target): Record<string, number[]> => ({
  [isService(ctx, t) ? 'service' : 'peer']: t.pids,
  ...(ctx.mysqldPid ? { mysqld: [ctx.mysqldPid] } : {}),
});

export const deliveryFor = (ws: SeededWorkspace, note: NoteSpec): Delivery =>
  ws.platform === 'feishu' ? feishuDelivery(ws.externalId, note) : wecomDelivery(note);

export function makeDeliveries(ctx: Ctx, ws: SeededWorkspace, count: number, newEvery?: number): Delivery[] {
  return Array.from({ length: count }, () => deliveryFor(ws, pickNote(ws, ctx.random, newEvery ? { newEvery } : {})));
}

/** `count` deliveries built (and signed) one at a time when the load loop takes them; their ids in `ids`. */
export function lazyDeliveries(ctx: Ctx, ws: SeededWorkspace, count: number, newEvery?: number): { source: Source; ids: string[] } {
  const ids: string[] = [];
  const source = () => {
    if (ids.length >= count) return undefined;
    const d = deliveryFor(ws, pickNote(ws, ctx.random, newEvery ? { newEvery } : {}));
    ids.push(d.id);
    return d;
  };
  return { source, ids };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every id in `ids` has a reply at the stand-in, or nothing new arrived for `stallMs`,
 * or `maxMs` passed. Returns when the last reply came.
 */
export async function waitForReplies(
  ctx: Ctx,
  ids: string[],
  maxMs: number,
  stallMs = 30_000,
): Promise<{ answered: number; lastAt: number }> {
  const started = performance.now();
  let answered = 0;
  let progressAt = started;
  for (;;) {
    const now = ids.reduce((n, id) => n + (ctx.standIn.replies.has(id) ? 1 : 0), 0);
    if (now > answered) progressAt = performance.now();
    answered = now;
    if (answered === ids.length || performance.now() - started > maxMs || performance.now() - progressAt > stallMs) break;
    await sleep(100);
  }
  const lastAt = ids.reduce((m, id) => Math.max(m, ctx.standIn.replies.get(id)?.at ?? -Infinity), -Infinity);
  return { answered, lastAt };
}

/**
 * Waits (at most `maxMs`) until the service has no inbox row to run and no outbox row to send, so a
 * phase that needs an idle service (statements per note, the long run's idle memory) does not
 * measure the previous phase's backlog. Returns the backlog left and the time waited.
 */
export async function waitIdle(ctx: Ctx, maxMs: number): Promise<{ inbox: number; outbox: number; waitedSeconds: number }> {
  const started = performance.now();
  for (;;) {
    const b = await backlog(ctx.root);
    const waitedSeconds = (performance.now() - started) / 1000;
    if ((b.inbox === 0 && b.outbox === 0) || waitedSeconds * 1000 > maxMs) return { ...b, waitedSeconds };
    await sleep(2000);
  }
}

/** What became of the acknowledged notes: stored and answered, by follow-up status, duplicates. */
async function outcome(ctx: Ctx, acked: string[]) {
  const stored = await storedFollowUps(ctx.root, acked);
  const processed = acked.filter((id) => stored.has(id) && ctx.standIn.replies.has(id));
  const statuses: Record<string, number> = {};
  for (const id of processed) statuses[stored.get(id) as string] = (statuses[stored.get(id) as string] ?? 0) + 1;
  const repeatedReplies = acked.filter((id) => (ctx.standIn.replies.get(id)?.count ?? 0) > 1).length;
  /** Repeated requests with different uuids / task ids: the user would see the reply twice. */
  const shownTwice = acked.filter((id) => (ctx.standIn.replies.get(id)?.uuids.size ?? 0) > 1).length;
  return {
    processed,
    statuses,
    repeatedReplies,
    shownTwice,
    answeredWithoutFollowUp: acked.filter((id) => !stored.has(id) && ctx.standIn.replies.has(id)).length,
  };
}

/** Acknowledgement latency at a fixed rate; for genjin, then how long the backlog takes to be answered. */
export async function ackAtRate(ctx: Ctx, target: Target, deliveries: Delivery[], rate: number, seconds: number, drainMaxMs: number) {
  const before = cpuSnapshot(cpuGroups(ctx, target));
  const acks = await openLoop(target.port, deliveries, rate, seconds + 5);
  const loadEnd = performance.now();
  const cpu = cpuBetween(before, cpuSnapshot(cpuGroups(ctx, target)));
  const result = { target: target.name, ...ackSummary(acks), cpu, drainSeconds: NaN, processed: NaN, statuses: {}, repeatedReplies: 0 };
  if (isService(ctx, target)) {
    const ok = acks.filter((a) => a.status === 200).map((a) => a.id);
    const { lastAt } = await waitForReplies(ctx, ok, drainMaxMs);
    const o = await outcome(ctx, ok);
    Object.assign(result, {
      drainSeconds: (lastAt - loadEnd) / 1000,
      processed: o.processed.length,
      statuses: o.statuses,
      repeatedReplies: o.repeatedReplies,
      shownTwice: o.shownTwice,
    });
  }
  return result;
}

/**
 * genjin at saturation: `deliveries` sent over `concurrency` connections as fast as acknowledged,
 * then every note followed until answered. Processed notes per second = notes stored and answered,
 * over the time from the first send to the last of their replies.
 */
export async function processedAtSaturation(ctx: Ctx, source: Source, concurrency: number, maxMs: number) {
  const groups = cpuGroups(ctx, ctx.service);
  const before = cpuSnapshot(groups);
  const t0 = performance.now();
  const acks = await closedLoop(ctx.service.port, source, concurrency, maxMs / 1000);
  const ackedAt = performance.now();
  const ok = acks.filter((a) => a.status === 200).map((a) => a.id);
  const { lastAt, answered } = await waitForReplies(ctx, ok, Math.max(0, maxMs - (ackedAt - t0)));
  const after = cpuSnapshot(groups);
  const o = await outcome(ctx, ok);
  const seconds = (lastAt - t0) / 1000;
  const cpu = cpuBetween(before, after);
  const serviceCpu = cpu.byGroup.service ?? NaN;
  const mysqldCpu = cpu.byGroup.mysqld ?? NaN;
  return {
    /** Acknowledged notes still unanswered when the wait ended (time bound or a 30 s stall). */
    unanswered: ok.length - answered,
    sent: acks.length,
    acked: ok.length,
    ackErrors: acks.length - ok.length,
    ackErrorStatuses: statusCounts(acks.filter((a) => a.status !== 200)),
    ackSeconds: (ackedAt - t0) / 1000,
    processed: o.processed.length,
    statuses: o.statuses,
    repeatedReplies: o.repeatedReplies,
    shownTwice: o.shownTwice,
    answeredWithoutFollowUp: o.answeredWithoutFollowUp,
    seconds,
    perSecond: o.processed.length / seconds,
    cpuMsPerNote: (serviceCpu * 1000) / o.processed.length,
    mysqldCpuMsPerNote: (mysqldCpu * 1000) / o.processed.length,
    cpu,
  };
}

/**
 * Acknowledged requests per second over `concurrency` connections (a peer processes nothing). For
 * genjin the notes are processed behind the acknowledgements; the backlog is then followed until
 * answered (at most `drainMaxMs`) so that the next phase starts on an idle service.
 */
export async function ackAtSaturation(
  ctx: Ctx,
  target: Target,
  deliveries: Delivery[],
  concurrency: number,
  seconds: number,
  drainMaxMs = 0,
) {
  const before = cpuSnapshot(cpuGroups(ctx, target));
  const acks = await closedLoop(target.port, deliveries, concurrency, seconds);
  const loadEnd = performance.now();
  const cpu = cpuBetween(before, cpuSnapshot(cpuGroups(ctx, target)));
  const result = { target: target.name, ...ackSummary(acks), cpu, cappedByCount: acks.length === deliveries.length };
  if (!isService(ctx, target)) return result;
  const ok = acks.filter((a) => a.status === 200).map((a) => a.id);
  const { lastAt, answered } = await waitForReplies(ctx, ok, drainMaxMs);
  return { ...result, drainSeconds: (lastAt - loadEnd) / 1000, unanswered: ok.length - answered };
}

/** Webhook → reply: from each note's due time to its reply's arrival at the stand-in. */
export async function replyLatency(ctx: Ctx, deliveries: Delivery[], rate: number, seconds: number) {
  const acks: Ack[] = await openLoop(ctx.service.port, deliveries, rate, seconds);
  const ok = acks.filter((a) => a.status === 200);
  await waitForReplies(
    ctx,
    ok.map((a) => a.id),
    60_000,
    15_000,
  );
  const o = await outcome(
    ctx,
    ok.map((a) => a.id),
  );
  const processed = new Set(o.processed);
  const ms = ok.filter((a) => processed.has(a.id)).map((a) => (ctx.standIn.replies.get(a.id)?.at ?? NaN) - a.start);
  return {
    sent: acks.length,
    acked: ok.length,
    processed: processed.size,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    max: ms.length ? ms.reduce((m, x) => Math.max(m, x), -Infinity) : NaN,
    ack: ackSummary(acks),
    repeatedReplies: o.repeatedReplies,
  };
}

/**
 * Samples the resident memory of the service's process trees (summed over its processes) every
 * 250 ms; `peak()` since the last `reset()`, with each process's own peak in that time.
 */
export function rssSampler(roots: number[]) {
  let peak = 0;
  let peakPss = 0;
  let overall = 0;
  let byProcess = new Map<string, number>();
  const sample = () => {
    const m = treeMemoryMb(roots);
    peak = Math.max(peak, m.rss);
    peakPss = Math.max(peakPss, m.pss);
    overall = Math.max(overall, m.rss);
    for (const p of m.processes) {
      const key = `${p.pid} ${p.name}`;
      byProcess.set(key, Math.max(byProcess.get(key) ?? 0, p.rss));
    }
  };
  const timer = setInterval(sample, 250);
  timer.unref();
  return {
    reset: () => {
      peak = 0;
      peakPss = 0;
      byProcess = new Map();
      sample();
    },
    peak: () => peak,
    /** The highest proportional set size summed (shared pages counted once) since the last reset. */
    peakPss: () => peakPss,
    peakByProcess: () => Object.fromEntries(byProcess),
    overall: () => overall,
    stop: () => clearInterval(timer),
  };
}

/** Resident memory of the service now (MB, summed over its processes). */
export const serviceRssMb = (ctx: Ctx) => treeMemoryMb(ctx.service.pids).rss;

/**
 * The long run: `count` notes built on demand, at saturation (or at `rate` per second), every one
 * followed until stored and answered, all within `maxSeconds`. Resident memory: idle before (after
 * `idleSeconds` without load), the peak during the run, and after `idleSeconds` once it is over.
 */
export async function longRun(
  ctx: Ctx,
  ws: SeededWorkspace,
  o: { count: number; maxSeconds: number; concurrency: number; rate?: number; newEvery?: number; idleSeconds: number },
) {
  const rss = rssSampler(ctx.service.pids);
  try {
    const backlogBefore = await waitIdle(ctx, 300_000);
    await sleep(o.idleSeconds * 1000);
    const idleBefore = treeMemoryMb(ctx.service.pids);
    rss.reset();
    const { source, ids } = lazyDeliveries(ctx, ws, o.count, o.newEvery);
    const groups = cpuGroups(ctx, ctx.service);
    const before = cpuSnapshot(groups);
    const t0 = performance.now();
    const acks = o.rate
      ? await openLoop(ctx.service.port, source, o.rate, o.maxSeconds)
      : await closedLoop(ctx.service.port, source, o.concurrency, o.maxSeconds);
    const ackedAt = performance.now();
    const ok = acks.filter((a) => a.status === 200).map((a) => a.id);
    const { lastAt, answered } = await waitForReplies(ctx, ok, Math.max(0, o.maxSeconds * 1000 - (ackedAt - t0)), 60_000);
    const cpu = cpuBetween(before, cpuSnapshot(groups));
    const peak = rss.peak();
    const peakPss = rss.peakPss();
    const peakByProcess = rss.peakByProcess();
    const o2 = await outcome(ctx, ok);
    const seconds = (lastAt - t0) / 1000;
    await sleep(o.idleSeconds * 1000);
    const after = treeMemoryMb(ctx.service.pids);
    return {
      /** The previous phases' backlog when the long run started (0 and 0: the service was idle). */
      backlogBefore,
      asked: o.count,
      sent: ids.length,
      acked: ok.length,
      ackErrors: acks.length - ok.length,
      ackErrorStatuses: statusCounts(acks.filter((a) => a.status !== 200)),
      ackSeconds: (ackedAt - t0) / 1000,
      ack: ackSummary(acks),
      processed: o2.processed.length,
      unanswered: ok.length - answered,
      /** The time bound ended the run before every note was sent or answered. */
      cutShort: ids.length < o.count || answered < ok.length,
      statuses: o2.statuses,
      repeatedReplies: o2.repeatedReplies,
      shownTwice: o2.shownTwice,
      seconds,
      perSecond: o2.processed.length / seconds,
      cpuMsPerNote: ((cpu.byGroup.service ?? NaN) * 1000) / o2.processed.length,
      mysqldCpuMsPerNote: ((cpu.byGroup.mysqld ?? NaN) * 1000) / o2.processed.length,
      cpu,
      rssIdleBeforeMb: idleBefore.rss,
      pssIdleBeforeMb: idleBefore.pss,
      rssPeakMb: peak,
      pssPeakMb: peakPss,
      rssPeakByProcessMb: peakByProcess,
      rssAfterMb: after.rss,
      pssAfterMb: after.pss,
      afterIdleSeconds: o.idleSeconds,
      processesAfter: after.processes,
    };
  } finally {
    rss.stop();
  }
}

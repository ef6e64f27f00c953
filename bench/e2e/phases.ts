// The measurements of `npm run bench:e2e`, each bounded in count and time.
import type mysql from 'mysql2/promise';
import { ackSummary, closedLoop, openLoop, percentile, statusCounts, type Ack } from './load.js';
import { feishuDelivery, pickNote, wecomDelivery, type Delivery, type NoteSpec } from './payloads.js';
import type { Random } from './notes.js';
import { cpuBetween, cpuSnapshot, processMemoryMb } from './proc-stats.js';
import { storedFollowUps, type SeededWorkspace } from './seed.js';
import type { StandIn } from './stand-in.js';

export type Target = { name: string; port: number; pid: number };
export type Ctx = {
  root: mysql.Connection;
  standIn: StandIn;
  random: Random;
  service: Target;
  watchPids: number[];
  mysqldPid: number | null;
};

export const deliveryFor = (ws: SeededWorkspace, note: NoteSpec): Delivery =>
  ws.platform === 'feishu' ? feishuDelivery(ws.externalId, note) : wecomDelivery(note);

export function makeDeliveries(ctx: Ctx, ws: SeededWorkspace, count: number, newEvery?: number): Delivery[] {
  return Array.from({ length: count }, () => deliveryFor(ws, pickNote(ws, ctx.random, newEvery ? { newEvery } : {})));
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
  const before = cpuSnapshot([target.pid, ...ctx.watchPids]);
  const acks = await openLoop(target.port, deliveries, rate, seconds + 5);
  const loadEnd = performance.now();
  const cpu = cpuBetween(before, cpuSnapshot([target.pid, ...ctx.watchPids]));
  const result = { target: target.name, ...ackSummary(acks), cpu, drainSeconds: NaN, processed: NaN, statuses: {}, repeatedReplies: 0 };
  if (target.pid === ctx.service.pid) {
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
export async function processedAtSaturation(ctx: Ctx, deliveries: Delivery[], concurrency: number, maxMs: number) {
  const pids = [ctx.service.pid, ...ctx.watchPids];
  const before = cpuSnapshot(pids);
  const t0 = performance.now();
  const acks = await closedLoop(ctx.service.port, deliveries, concurrency, maxMs / 1000);
  const ackedAt = performance.now();
  const ok = acks.filter((a) => a.status === 200).map((a) => a.id);
  const { lastAt } = await waitForReplies(ctx, ok, maxMs);
  const after = cpuSnapshot(pids);
  const o = await outcome(ctx, ok);
  const seconds = (lastAt - t0) / 1000;
  const cpu = cpuBetween(before, after);
  const serviceCpu = cpu.byPid.get(ctx.service.pid) ?? NaN;
  const mysqldCpu = ctx.mysqldPid ? (cpu.byPid.get(ctx.mysqldPid) ?? NaN) : NaN;
  return {
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

/** A peer at saturation: acknowledged requests per second (it processes nothing). */
export async function peerAtSaturation(ctx: Ctx, peer: Target, deliveries: Delivery[], concurrency: number, seconds: number) {
  const before = cpuSnapshot([peer.pid, ...ctx.watchPids]);
  const acks = await closedLoop(peer.port, deliveries, concurrency, seconds);
  const cpu = cpuBetween(before, cpuSnapshot([peer.pid, ...ctx.watchPids]));
  return { target: peer.name, ...ackSummary(acks), cpu, cappedByCount: acks.length === deliveries.length };
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

/** Samples the service's resident memory every 250 ms; `peak()` since the last `reset()`. */
export function rssSampler(pid: number) {
  let peak = 0;
  let overall = 0;
  const timer = setInterval(() => {
    const m = processMemoryMb(pid);
    if (m) {
      peak = Math.max(peak, m.rss);
      overall = Math.max(overall, m.rss);
    }
  }, 250);
  timer.unref();
  return {
    reset: () => void (peak = processMemoryMb(pid)?.rss ?? 0),
    peak: () => peak,
    overall: () => overall,
    stop: () => clearInterval(timer),
  };
}

// Load on 127.0.0.1: an open loop at a fixed rate (latency from each request's due time, so a
// stalled server cannot hide its queue) and a closed loop of N connections. Both stop by themselves:
// after their deliveries are used up or their time is over, whichever comes first.
import http from 'node:http';
import type { Delivery } from './payloads.js';

export type Ack = { id: string; start: number; end: number; status: number };

function send(agent: http.Agent, port: number, d: Delivery, start: number): Promise<Ack> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: d.path, method: 'POST', headers: d.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ id: d.id, start, end: performance.now(), status: res.statusCode ?? 0 }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ id: d.id, start, end: performance.now(), status: 0 }));
    req.end(d.body);
  });
}

/** Where a load loop takes its next delivery: a prepared list, or built on demand (`undefined`: no more). */
export type Source = Delivery[] | (() => Delivery | undefined);
const taker = (source: Source): (() => Delivery | undefined) => {
  if (typeof source === 'function') return source;
  let next = 0;
  return () => source[next++];
};

/**
 * Sends the source's deliveries at `rate` per second (at most `maxSeconds`); latency counts from each
 * due time. A source built on demand (long runs) signs each delivery when it is due, inside
 * Feishu's 5-minute timestamp window.
 */
export async function openLoop(port: number, source: Source, rate: number, maxSeconds: number): Promise<Ack[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const take = taker(source);
  const acks: Promise<Ack>[] = [];
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due - t0 > maxSeconds * 1000) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const d = take();
    if (!d) break;
    acks.push(send(agent, port, d, due));
  }
  const done = await Promise.all(acks);
  agent.destroy();
  return done;
}

/** Sends the source's deliveries over `concurrency` connections as fast as the server answers (at most `maxSeconds`). */
export async function closedLoop(port: number, source: Source, concurrency: number, maxSeconds: number): Promise<Ack[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const take = taker(source);
  const acks: Ack[] = [];
  const until = performance.now() + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const d = take();
        if (!d) break;
        acks.push(await send(agent, port, d, performance.now()));
      }
    }),
  );
  agent.destroy();
  return acks;
}

export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
};

/** How many acks had each HTTP status (0: no answer). */
export function statusCounts(acks: Ack[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of acks) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

/** Acknowledgement figures: p50/p99/max of the 200s, errors, and requests per second. */
export function ackSummary(acks: Ack[]) {
  const ok = acks.filter((a) => a.status === 200);
  const ms = ok.map((a) => a.end - a.start);
  const first = acks.reduce((m, a) => Math.min(m, a.start), Infinity);
  const last = acks.reduce((m, a) => Math.max(m, a.end), -Infinity);
  return {
    sent: acks.length,
    ok: ok.length,
    errors: acks.length - ok.length,
    errorStatuses: statusCounts(acks.filter((a) => a.status !== 200)),
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    max: ms.length ? ms.reduce((m, x) => Math.max(m, x), -Infinity) : NaN,
    perSecond: ok.length / ((last - first) / 1000),
  };
}

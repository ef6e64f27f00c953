// SQL statements per note, one note at a time on an otherwise idle service: counters before and
// after, minus what the idle service itself sends in the same time (outbox polling, inbox sweeper).
import { pickNote, type Delivery } from './payloads.js';
import { deliveryFor, waitForReplies, type Ctx } from './phases.js';
import type { SeededWorkspace } from './seed.js';
import { readSqlCounters, sqlDelta } from './sql-counters.js';
import http from 'node:http';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(port: number, d: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: d.path, method: 'POST', headers: d.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(d.body);
  });
}

/** The service's statements per second while it has nothing to do. */
export async function idleStatements(ctx: Ctx, seconds: number) {
  const a = await readSqlCounters(ctx.root);
  const t = performance.now();
  await sleep(seconds * 1000);
  const d = sqlDelta(a, await readSqlCounters(ctx.root));
  const wall = (performance.now() - t) / 1000;
  return { perSecond: (d.userStatements ?? NaN) / wall, questionsPerSecond: d.questions / wall };
}

/**
 * `count` notes, each sent after the previous one was answered. `known`: reps that already wrote
 * (a warm-up note each first) about their own customers; `new`: a new user about a new customer.
 */
export async function statementsPerNote(ctx: Ctx, ws: SeededWorkspace, kind: 'known' | 'new', count: number, idlePerSecond: number) {
  const reps = ws.reps
    .map((id, i) => ({ id, own: ws.ownCustomers[i] ?? [] }))
    .filter((r) => r.own.length > 0)
    .slice(0, 10);
  const note = (i: number) => {
    if (kind === 'new') return pickNote(ws, ctx.random, { newEvery: 1, newUser: true });
    const rep = reps[i % reps.length] as { id: string; own: string[] };
    const base = pickNote(ws, ctx.random);
    const customer = rep.own[i % rep.own.length] as string;
    return { sender: rep.id, customer, text: base.text.replace(base.customer, customer) };
  };
  if (kind === 'known') {
    for (let i = 0; i < reps.length; i++) {
      const d = deliveryFor(ws, note(i));
      await post(ctx.service.port, d);
      await waitForReplies(ctx, [d.id], 10_000);
    }
    await sleep(2000);
  }
  const deliveries = Array.from({ length: count }, (_, i) => deliveryFor(ws, note(i)));
  const a = await readSqlCounters(ctx.root);
  const t = performance.now();
  let answered = 0;
  for (const d of deliveries) {
    if ((await post(ctx.service.port, d)) !== 200) continue;
    answered += (await waitForReplies(ctx, [d.id], 10_000)).answered;
  }
  // Let the outbox mark the last send and the inbox its last row.
  await sleep(1500);
  const d = sqlDelta(a, await readSqlCounters(ctx.root));
  const wall = (performance.now() - t) / 1000;
  const idle = idlePerSecond * wall;
  return {
    kind,
    notes: count,
    answered,
    seconds: wall,
    serviceStatements: d.userStatements,
    perNote: ((d.userStatements ?? NaN) - idle) / count,
    perNoteRaw: (d.userStatements ?? NaN) / count,
    idleSubtracted: idle,
    questionsPerNote: d.questions / count,
    com: Object.fromEntries(Object.entries(d.com).map(([k, v]) => [k, v / count])),
    user: d.user,
  };
}

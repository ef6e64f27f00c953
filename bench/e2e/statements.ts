// SQL statements per note, one note at a time on an otherwise idle service: counters before and
// after, minus what the idle service itself sends in the same time (outbox polling, inbox sweeper).
// Totals come from the service account's USER_STATISTICS row (whatever the service's process shape:
// every process connects with that account); the split by kind and shape from the general log
// (general-log.ts) over the same windows, unless it is switched off or already in use.
import http from 'node:http';
import { KINDS, startGeneralLog, type Kind } from './general-log.js';
import { pickNote, type Delivery } from './payloads.js';
import { deliveryFor, waitForReplies, type Ctx } from './phases.js';
import type { SeededWorkspace } from './seed.js';
import { readSqlCounters, sqlDelta } from './sql-counters.js';

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

type Logged = Awaited<ReturnType<Extract<Awaited<ReturnType<typeof startGeneralLog>>, { stop: unknown }>['stop']>>;

/** Runs `work` between two counter readings, with the general log on around it if `generalLog`. */
async function window(ctx: Ctx, generalLog: boolean, work: () => Promise<void>) {
  const a = await readSqlCounters(ctx.root);
  const log = generalLog ? await startGeneralLog(ctx.root) : { skipped: 'switched off (--no-general-log)' };
  const t = performance.now();
  let logged: Logged | { skipped: string } = 'skipped' in log ? log : { skipped: 'not read' };
  try {
    await work();
  } finally {
    if ('stop' in log) logged = await log.stop();
  }
  const wall = (performance.now() - t) / 1000;
  const d = sqlDelta(a, await readSqlCounters(ctx.root));
  return { d, wall, logged };
}

export type IdleStatements = Awaited<ReturnType<typeof idleStatements>>;

/** The service's statements per second while it has nothing to do, in all and (general log) by kind and shape. */
export async function idleStatements(ctx: Ctx, seconds: number, generalLog: boolean) {
  const { d, wall, logged } = await window(ctx, generalLog, async () => void (await sleep(seconds * 1000)));
  const perSecond = <K extends string>(counts: Record<K, number>) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, (v as number) / wall])) as Record<K, number>;
  return {
    seconds: wall,
    perSecond: (d.userStatements ?? NaN) / wall,
    /** Rows read per second by table and by index (the idle pollers'). */
    rowsReadPerSecond: Object.fromEntries(Object.entries(d.rowsRead).map(([k, v]) => [k, v / wall])),
    /** USER_STATISTICS per second (rows read by the idle pollers, among others). */
    accountPerSecond: d.user ? Object.fromEntries(Object.entries(d.user).map(([k, v]) => [k, v / wall])) : null,
    questionsPerSecond: d.questions / wall,
    log:
      'skipped' in logged
        ? logged
        : { perSecond: logged.statements / wall, byKindPerSecond: perSecond(logged.byKind), byShapePerSecond: perSecond(logged.byShape) },
  };
}

/**
 * `count` notes, each sent after the previous one was answered. `known`: reps that already wrote
 * (a warm-up note each first) about their own customers; `new`: a new user about a new customer.
 */
export async function statementsPerNote(
  ctx: Ctx,
  ws: SeededWorkspace,
  kind: 'known' | 'new',
  count: number,
  idle: IdleStatements,
  generalLog: boolean,
  maxSeconds = 120,
) {
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
  let answered = 0;
  let sent = 0;
  const { d, wall, logged } = await window(ctx, generalLog, async () => {
    // Bounded: a slow service gets fewer notes (counted in `notes`), not a longer general-log window.
    const until = performance.now() + maxSeconds * 1000;
    for (const delivery of deliveries) {
      if (performance.now() > until) break;
      sent++;
      if ((await post(ctx.service.port, delivery)) !== 200) continue;
      answered += (await waitForReplies(ctx, [delivery.id], 10_000)).answered;
    }
    // Let the outbox mark the last send and the inbox its last row.
    await sleep(1500);
  });
  const idleCount = idle.perSecond * wall;
  const perNote = (total: number, idleRate: number) => (total - idleRate * wall) / sent;
  let byKind: Record<Kind, number> | null = null;
  let topShapes: { shape: string; perNote: number }[] = [];
  if (!('skipped' in logged) && !('skipped' in idle.log)) {
    const idleLog = idle.log;
    byKind = Object.fromEntries(KINDS.map((k) => [k, perNote(logged.byKind[k], idleLog.byKindPerSecond[k] ?? 0)])) as Record<Kind, number>;
    topShapes = Object.entries(logged.byShape)
      .map(([shape, n]) => ({ shape, perNote: perNote(n, idleLog.byShapePerSecond[shape] ?? 0) }))
      .filter((s) => s.perNote >= 0.05)
      .sort((x, y) => y.perNote - x.perNote);
  }
  return {
    kind,
    notes: sent,
    answered,
    seconds: wall,
    serviceStatements: d.userStatements,
    perNote: ((d.userStatements ?? NaN) - idleCount) / sent,
    perNoteRaw: (d.userStatements ?? NaN) / sent,
    idleSubtracted: idleCount,
    /** USER_STATISTICS, per note, idle not subtracted: selects, writes ("updates"), other, rows read/sent/written. */
    account: d.user ? Object.fromEntries(Object.entries(d.user).map(([k, v]) => [k, v / sent])) : null,
    /** Rows read per note by table and by index, the idle rate subtracted, largest first. */
    rowsReadPerNote: Object.fromEntries(
      Object.entries(d.rowsRead)
        .map(([k, v]) => [k, (v - (idle.rowsReadPerSecond[k] ?? 0) * wall) / sent] as const)
        .filter(([, v]) => Math.abs(v) >= 0.5)
        .sort((x, y) => y[1] - x[1]),
    ),
    /** The same, the idle service's rate over the window subtracted. */
    accountLessIdle: d.user
      ? Object.fromEntries(Object.entries(d.user).map(([k, v]) => [k, (v - (idle.accountPerSecond?.[k] ?? 0) * wall) / sent]))
      : null,
    /** From the general log, per note, the idle service's rate subtracted (null when the log was not used). */
    generalLog:
      'skipped' in logged
        ? logged
        : { statementsPerNote: perNote(logged.statements, 'skipped' in idle.log ? 0 : idle.log.perSecond), prepares: logged.prepares },
    byKind,
    topShapes,
    questionsPerNote: d.questions / sent,
    com: Object.fromEntries(Object.entries(d.com).map(([k, v]) => [k, v / sent])),
  };
}

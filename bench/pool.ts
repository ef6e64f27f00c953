// The pool job and the escalation step over the large seed (bench/seed-large.ts): one run each
// before sending (scan, decisions, reminder rows, moves, outbox rows), timed several times, with
// the EXPLAIN of every distinct statement a run sends.
// `npm run bench:pool [-- --reuse]` (MariaDB/MySQL at BENCH_POOL_DATABASE_URL, its own database so
// it never disturbs another benchmark's; --reuse keeps an already seeded one).
import { cpus } from 'node:os';
import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { escalationMessages } from '../src/bot/escalation/cards.js';
import { poolMessages } from '../src/bot/pool-recycling/cards.js';
import { loadConfig } from '../src/config.js';
import * as schema from '../src/db/schema/index.js';
import { createEscalations } from '../src/domain/escalation/run-escalations.js';
import { createPoolRecycling } from '../src/domain/pool-recycling/run-pool.js';
import { LARGE_DEFAULTS, seedLarge } from './seed-large.js';
import { createStatementRecorder } from './statement-recorder.js';

const url = process.env.BENCH_POOL_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/genjin_bench_pool';
if (!process.argv.includes('--reuse')) {
  const seeded = await seedLarge({ url });
  console.log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`);
}
const config = loadConfig({ DATABASE_URL: url, GENJIN_CONFIG: '' });
const pool = mysql.createPool({ uri: url, connectionLimit: 4, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
const statements = createStatementRecorder();
const db = drizzle(pool, { schema, mode: 'default', logger: statements.logger });
const log = pino({ level: 'warn' });
const opts = { dryRun: false, spread: true, emit: () => undefined };
const poolRun = createPoolRecycling({ db, log, settings: config, messages: poolMessages });
const escalations = createEscalations({ db, log, settings: config, messages: escalationMessages(config.reminders.escalateAfterDays) });

async function timed(step: 'pool' | 'escalation', label: string, at: string) {
  const [[before]] = await pool.query<mysql.RowDataPacket[]>('select count(*) as n from outbox');
  statements.start(step);
  const started = performance.now();
  const report = step === 'pool' ? await poolRun.run(new Date(at), opts) : await escalations.run(new Date(at), opts);
  const ms = performance.now() - started;
  statements.stop();
  const [[after]] = await pool.query<mysql.RowDataPacket[]>('select count(*) as n from outbox');
  console.log(
    `${step} · ${label} (${at}): ${ms.toFixed(0)} ms  ${JSON.stringify(report)}  outbox rows +${Number(after?.n) - Number(before?.n)}`,
  );
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}; ${new Date().toISOString()}`);
await pool.query("delete from reminders where kind in ('pool_warning', 'escalation', 'due')");
await pool.query('delete from outbox');
// A reused database gets back the customers an earlier run recycled.
await pool.query(
  `update customers c join assignments a on a.customer_id = c.id and a.reason = 'recycle' set c.owner_user_id = a.from_user_id, c.pooled_at = null`,
);
await pool.query("delete from assignments where reason = 'recycle'");
await pool.query("delete from audit_log where actor = 'system:pool'");
// The due step's rows as it writes them: each customer still due got its first due reminder at
// its next time (one row per episode is all the escalation step reads).
await pool.query(
  `insert into reminders (workspace_id, customer_id, user_id, kind, due_date, due_at, subject_at, status, sent_at, created_at, updated_at)
   select workspace_id, id, owner_user_id, 'due', date(convert_tz(next_follow_up_at, '+00:00', '+08:00')), next_follow_up_at, next_follow_up_at, 'sent', next_follow_up_at, next_follow_up_at, next_follow_up_at
   from customers where owner_user_id is not null and next_follow_up_at < ? and (last_follow_up_at is null or last_follow_up_at < next_follow_up_at)`,
  [new Date(LARGE_DEFAULTS.now)],
);
await pool.query('analyze table reminders, customers, assignments');

await timed('pool', 'first run ever (every customer past its warning day at once)', LARGE_DEFAULTS.now);
await timed('pool', 'same slot again (nothing new)', LARGE_DEFAULTS.now);
await timed('pool', 'next working day (steady state: new warnings only)', '2026-11-26T02:00:00.000Z');
await timed('pool', 'two days after the first run (the backlog recycled)', '2026-11-27T02:00:00.000Z');
await timed('pool', 'next working day (steady state)', '2026-11-30T02:00:00.000Z');
await timed('escalation', 'first run ever (every due episode ≥ 3 working days old)', LARGE_DEFAULTS.now);
await timed('escalation', 'same slot again (nothing new)', LARGE_DEFAULTS.now);
await timed('escalation', 'next working day (steady state)', '2026-11-26T02:00:00.000Z');

await statements.printPlans(pool, 'statements of the runs and their EXPLAIN:', { withTime: true, maxShape: 400 });
await pool.end();

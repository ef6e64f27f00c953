// One reminder run before sending (scan + reminder rows + outbox rows) over the large seed:
// `npm run bench:reminders [-- --reuse]` (MariaDB/MySQL at BENCH_DATABASE_URL; --reuse keeps an
// already seeded database instead of seeding it again, which takes about 40 s).
// Prints the time of four runs (the first ever, the same slot again, the next working day's first
// run, 15 minutes later) and the EXPLAIN of every distinct statement the runs send. Each start
// empties `reminders`, `outbox` and the reps' daily rounds (`job_runs`, job `reminders.round`).
import { cpus, loadavg } from 'node:os';
import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { reminderOutbound } from '../src/bot/reminders/reminder-outbound.js';
import { loadConfig } from '../src/config.js';
import * as schema from '../src/db/schema/index.js';
import { runReminders } from '../src/domain/reminders/run-reminders.js';
import { LARGE_DEFAULTS, seedLarge } from './seed-large.js';
import { createStatementRecorder } from './statement-recorder.js';

const url = LARGE_DEFAULTS.url;
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

async function timed(label: string, at: string) {
  const [[before]] = await pool.query<mysql.RowDataPacket[]>('select count(*) as n from outbox');
  statements.start();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await runReminders({ db, log, settings: config }, new Date(at), opts, reminderOutbound);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  statements.stop();
  const [[after]] = await pool.query<mysql.RowDataPacket[]>('select count(*) as n from outbox');
  console.log(
    `${label} (${at}): ${ms.toFixed(0)} ms (node CPU ${cpuMs.toFixed(0)} ms)  ${JSON.stringify(report)}  outbox rows +${Number(after?.n) - Number(before?.n)}`,
  );
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await pool.query('delete from reminders');
await pool.query('delete from outbox');
// The rounds say which reps were reminded today; left from an earlier start they would make the
// first run here a later run of the day.
await pool.query("delete from job_runs where job = 'reminders.round'");
await timed('first run ever (every quiet customer at once)', LARGE_DEFAULTS.now);
await timed('same slot again (nothing new)', LARGE_DEFAULTS.now);
await timed('next working day, first run (steady state)', '2026-11-26T01:00:00.000Z');
await timed('15 minutes later (steady state)', '2026-11-26T01:15:00.000Z');

await statements.printPlans(pool, 'statements of one run and their EXPLAIN:', { withTime: true, maxShape: 400 });
await pool.end();

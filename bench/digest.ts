// The weekly digest over the large seed (bench/seed-large.ts: 100,000 customers, 1,000,000
// follow-ups, 200 reps in 20 teams): `npm run bench:digest [-- --reuse]` (MariaDB/MySQL at
// BENCH_DATABASE_URL; --reuse keeps an already seeded database instead of seeding it again).
// Prints the time of one team's figures (the target: under 1 s), the whole job for the 20
// teams, the same job again (nothing to send), a manager's /周报, and the EXPLAIN of every
// distinct statement.
import { cpus } from 'node:os';
import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { composeDigest } from '../src/bot/digest/compose.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase } from '../src/db/migrate.js';
import * as schema from '../src/db/schema/index.js';
import { createDigestService } from '../src/domain/digest/digest-service.js';
import { loadTeamWeek } from '../src/domain/digest/load-team-week.js';
import { reportedWeek } from '../src/domain/digest/week.js';
import type { UserRecord } from '../src/domain/users/users-service.js';
import { LARGE_DEFAULTS, seedLarge } from './seed-large.js';
import { createStatementRecorder } from './statement-recorder.js';

const url = LARGE_DEFAULTS.url;
if (!process.argv.includes('--reuse')) {
  const seeded = await seedLarge({ url });
  console.log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`);
} else {
  // A database seeded by an older build gets the newer migrations (indexes) first.
  await migrateDatabase(url);
}
/** Monday 09:00 Shanghai after the seed's Wednesday: the digest of 2026-11-16 to 2026-11-23. */
const RUN_AT = new Date('2026-11-23T01:00:00.000Z');
const config = loadConfig({ DATABASE_URL: url, GENJIN_CONFIG: '' });
const pool = mysql.createPool({ uri: url, connectionLimit: 4, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
const statements = createStatementRecorder();
const db = drizzle(pool, { schema, mode: 'default', logger: statements.logger });
const clock = { now: () => RUN_AT };
const digest = createDigestService({ db, clock, log: pino({ level: 'warn' }), settings: config });
const rules = { quietDays: config.reminders.quietDays, atRiskDays: config.digest.atRiskDays };

const [[wsRow]] = await pool.query<mysql.RowDataPacket[]>("select id from workspaces where external_id = 'bench-large'");
const workspaceId = Number(wsRow?.id);
const [teamRows] = await pool.query<mysql.RowDataPacket[]>(
  'select id, team_key as `key`, name from teams where workspace_id = ? order by id',
  [workspaceId],
);
const teams = teamRows.map((r) => ({ id: Number(r.id), key: String(r.key), name: String(r.name) }));
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}`;
};

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}`);
await pool.query('delete from team_digests');
await pool.query('delete from outbox');

// One team's figures, each of the 20 teams in turn (the first warms the buffer pool).
const week = reportedWeek(RUN_AT, config.timeZone);
const perTeam: number[] = [];
statements.start();
for (const team of teams) {
  const started = performance.now();
  const figures = await loadTeamWeek(db, { workspaceId, team, week, asOf: week.end, rules });
  perTeam.push(performance.now() - started);
  if (team === teams[0])
    console.log(
      `team ${team.key}: ${figures.reps.length} reps, ${figures.totals.followUps} follow-ups this week (${figures.totals.followUpsLastWeek} last), ` +
        `pipeline ${figures.totals.pipelineAmount}, ${figures.atRisk.length} at risk`,
    );
}
statements.stop();
console.log(`one team's figures (20 teams, one after another): ${stats(perTeam)}`);

for (const label of ['the digest job, 20 teams (figures, team_digests row, outbox row each)', 'the same job again (all sent: nothing)']) {
  const started = performance.now();
  const report = await digest.runWeekly(RUN_AT, { dryRun: false, spread: true, emit: () => undefined }, composeDigest);
  console.log(`${label}: ${(performance.now() - started).toFixed(0)} ms  ${JSON.stringify(report)}`);
}

const [[manager]] = await pool.query<mysql.RowDataPacket[]>(
  "select * from users where workspace_id = ? and role = 'manager' order by id limit 1",
  [workspaceId],
);
const actor: UserRecord = {
  id: Number(manager!.id),
  ref: `feishu:${String(manager!.platform_user_id)}`,
  workspaceId,
  platformUserId: String(manager!.platform_user_id),
  name: String(manager!.name),
  role: 'manager',
  teamId: Number(manager!.team_id),
  managerUserId: null,
  locale: null,
  active: true,
};
const soFar: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  await digest.current(actor, null);
  soFar.push(performance.now() - started);
}
console.log(`a manager's /周报 (the week so far): ${stats(soFar)}`);

await statements.printPlans(pool, "statements of one team's figures and their EXPLAIN:", { withTime: false, maxShape: 500 });
await pool.end();

// A large, realistic CRM for the job benchmarks (reminders, pool, digest): 100,000 customers,
// 1,000,000 follow-ups, 200 reps (and 20 managers) in 20 teams, in one Feishu workspace.
// `npx tsx bench/seed-large.ts [--url mysql://…/db] [--now ISO]` recreates the database and seeds
// it; other benchmarks import `seedLarge` (or reuse a seeded database, see `LARGE_DEFAULTS`).
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import { migrateDatabase } from '../src/db/migrate.js';
import { normalizeCustomerName } from '../src/domain/customers/normalize-name.js';
import { customerNames } from './customer-names.js';

export const LARGE_DEFAULTS = {
  url: process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/genjin_bench_large',
  /** A Wednesday, 10:00 in Asia/Shanghai: the run the benchmarks time. */
  now: '2026-11-25T02:00:00.000Z',
  customers: 100_000,
  followUps: 1_000_000,
  teams: 20,
  repsPerTeam: 10,
  seed: 7,
};

export type LargeSeed = {
  url: string;
  now: Date;
  workspaceId: number;
  /** Per team: its row id, key, manager and reps (user ids). */
  teams: { id: number; key: string; managerId: number; repIds: number[] }[];
  counts: Record<string, number>;
  ms: number;
};

const DAY = 86_400_000;
const STAGES = [
  ['lead', 25],
  ['qualified', 20],
  ['proposal', 15],
  ['quote', 10],
  ['negotiation', 10],
  ['won', 12],
  ['lost', 8],
] as const;
const TIERS = [
  ['A', 15],
  ['B', 30],
  ['C', 35],
  [null, 20],
] as const;
const CHANNELS = ['call', 'wechat', 'visit', 'email', 'meeting'] as const;
const SUMMARIES = [
  '电话沟通了报价细节',
  '微信发了方案，客户说内部讨论',
  '上门拜访，见了采购负责人',
  '线上会议演示了产品',
  '发邮件确认了合同条款',
];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function weighted<T>(next: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let r = next() * total;
  for (const [v, w] of table) if ((r -= w) < 0) return v;
  return table[table.length - 1]![0];
}

/** A working-hours time (09:00-18:00 Shanghai, on the quarter hour) on the UTC day of `at`. */
const workHour = (at: number, next: () => number) => {
  const day = Math.floor((at + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
  return day + (9 + Math.floor(next() * 9)) * 3600_000 + Math.floor(next() * 4) * 15 * 60_000;
};

type CustomerRow = {
  owner: number | null;
  team: number | null;
  tier: string | null;
  stage: string;
  created: number;
  last: number | null;
  next: number | null;
};

/**
 * The shape of one customer, drawn so a run at `now` meets what a working CRM holds: 5% in the
 * pool; last follow-up mostly recent (exponential, mean 20 days; 8% never); next follow-up 40% in
 * the next 30 days, 8% due today, 12% overdue up to three weeks and unhandled, 15% passed and
 * handled, 25% none.
 */
function drawCustomer(next: () => number, now: number, owners: { id: number; team: number }[]): CustomerRow {
  const pooled = next() < 0.05;
  const owner = pooled ? null : owners[Math.floor(next() * owners.length)]!;
  const created = now - Math.floor(next() * 730 * DAY);
  let last: number | null = next() < 0.08 ? null : Math.max(created, now - Math.floor(-Math.log(1 - next()) * 20 * DAY));
  let nextAt: number | null = null;
  const r = next();
  if (r < 0.4) nextAt = workHour(now + Math.ceil(next() * 30) * DAY, next);
  else if (r < 0.48) nextAt = workHour(now, next);
  else if (r < 0.6) {
    nextAt = workHour(now - Math.ceil(next() * 21) * DAY, next);
    if (last !== null && last >= nextAt) last = nextAt - Math.ceil(next() * 7) * DAY;
  } else if (r < 0.75 && last !== null) nextAt = last - Math.ceil(next() * 5) * DAY;
  if (last !== null && last < created) last = created;
  return {
    owner: owner?.id ?? null,
    team: owner?.team ?? null,
    tier: weighted(next, TIERS),
    stage: weighted(next, STAGES),
    created,
    last,
    next: nextAt,
  };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

async function insertBatches(conn: mysql.Connection, sql: string, rows: unknown[][], batch: number): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) await conn.query(sql, [rows.slice(i, i + batch)]);
}

/** Drops and recreates the database at `url`, migrates it and seeds it. */
export async function seedLarge(opts: Partial<typeof LARGE_DEFAULTS> = {}): Promise<LargeSeed> {
  const o = { ...LARGE_DEFAULTS, ...opts };
  const started = performance.now();
  const dbName = new URL(o.url).pathname.slice(1);
  const server = await mysql.createConnection({ uri: o.url.replace(/\/[^/]*$/, '/') });
  await server.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await server.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await server.end();
  await migrateDatabase(o.url);
  const conn = await mysql.createConnection({ uri: o.url, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
  const next = random(o.seed);
  const now = Date.parse(o.now);
  const at = iso(now - 800 * DAY);
  const [ws] = await conn.query<mysql.ResultSetHeader>(
    'insert into workspaces (platform, external_id, name, created_at, updated_at) values (?, ?, ?, ?, ?)',
    ['feishu', 'bench-large', 'bench large', at, at],
  );
  const workspaceId = ws.insertId;
  const teams: LargeSeed['teams'] = [];
  for (let t = 0; t < o.teams; t++) {
    const key = `team-${String(t + 1).padStart(2, '0')}`;
    const [team] = await conn.query<mysql.ResultSetHeader>(
      'insert into teams (workspace_id, team_key, name, created_at, updated_at) values (?, ?, ?, ?, ?)',
      [workspaceId, key, `销售${t + 1}组`, at, at],
    );
    const [manager] = await conn.query<mysql.ResultSetHeader>(
      'insert into users (workspace_id, platform_user_id, name, role, team_id, active, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?)',
      [workspaceId, `ou_mgr_${t + 1}`, `经理${t + 1}`, 'manager', team.insertId, at, at],
    );
    const reps = Array.from({ length: o.repsPerTeam }, (_, r) => [
      workspaceId,
      `ou_rep_${t + 1}_${r + 1}`,
      `销售${t + 1}-${r + 1}`,
      'rep',
      team.insertId,
      manager.insertId,
      1,
      at,
      at,
    ]);
    const [repInsert] = await conn.query<mysql.ResultSetHeader>(
      'insert into users (workspace_id, platform_user_id, name, role, team_id, manager_user_id, active, created_at, updated_at) values ?',
      [reps],
    );
    // A multi-row insert's ids are consecutive from insertId (one statement, innodb_autoinc_lock_mode <= 1 or no concurrency).
    teams.push({ id: team.insertId, key, managerId: manager.insertId, repIds: reps.map((_, i) => repInsert.insertId + i) });
  }
  const owners = teams.flatMap((t) => t.repIds.map((id) => ({ id, team: t.id })));

  const names = customerNames(o.customers, o.seed);
  const drawn = names.map(() => drawCustomer(next, now, owners));
  // Unique per workspace like the real key; the rare names that normalise alike get a number.
  const seen = new Set<string>();
  const normalized = names.map((name, i) => {
    const n = normalizeCustomerName(name);
    const key = seen.has(n) ? `${n}${i}` : n;
    seen.add(key);
    return key;
  });
  await conn.query('set unique_checks = 0');
  await conn.beginTransaction();
  await insertBatches(
    conn,
    'insert into customers (workspace_id, name, normalized_name, tier, stage, tags, amount, currency, owner_user_id, team_id, last_follow_up_at, next_follow_up_at, pooled_at, created_at, updated_at) values ?',
    drawn.map((c, i) => [
      workspaceId,
      names[i],
      normalized[i],
      c.tier,
      c.stage,
      '[]',
      next() < 0.7 ? Math.round(next() * 200) * 5000 : null,
      'CNY',
      c.owner,
      c.team,
      c.last === null ? null : iso(c.last),
      c.next === null ? null : iso(c.next),
      c.owner === null ? iso(c.last ?? c.created) : null,
      iso(c.created),
      iso(Math.max(c.created, c.last ?? 0)),
    ]),
    5000,
  );
  await conn.commit();
  const [firstRow] = await conn.query<mysql.RowDataPacket[]>('select min(id) as id from customers where workspace_id = ?', [workspaceId]);
  const firstId = Number(firstRow[0]?.id);
  const ids = drawn.map((_, i) => firstId + i);

  // Contacts: six customers in ten have one.
  await conn.beginTransaction();
  await insertBatches(
    conn,
    'insert into contacts (workspace_id, customer_id, name, title, phone, created_at, updated_at) values ?',
    drawn.flatMap((c, i) =>
      i % 10 < 6
        ? [[workspaceId, ids[i], `联系人${i}`, '采购经理', `1380000${String(i % 10000).padStart(4, '0')}`, iso(c.created), iso(c.created)]]
        : [],
    ),
    10000,
  );
  await conn.commit();

  // Follow-ups: spread over the customers that have a last follow-up, the latest one at exactly
  // `last_follow_up_at` (with a next step), the earlier ones every few days before it.
  const followed = drawn.map((c, i) => ({ c, id: ids[i]! })).filter((x) => x.c.last !== null);
  const per = Math.floor(o.followUps / followed.length);
  let extra = o.followUps - per * followed.length;
  let rows: unknown[][] = [];
  let written = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    await conn.query(
      'insert into follow_ups (workspace_id, customer_id, author_user_id, raw_text, parsed, channel, stage, amount, currency, next_follow_up_at, next_step, summary, status, collaboration, occurred_at, created_at, updated_at) values ?',
      [rows],
    );
    written += rows.length;
    rows = [];
  };
  await conn.beginTransaction();
  for (const { c, id } of followed) {
    const n = per + (extra-- > 0 ? 1 : 0);
    const author = c.owner ?? owners[id % owners.length]!.id;
    for (let k = n - 1; k >= 0; k--) {
      const occurred = Math.max(c.created, (c.last ?? now) - k * Math.ceil(3 + next() * 10) * DAY);
      const summary = SUMMARIES[Math.floor(next() * SUMMARIES.length)]!;
      const at = iso(occurred);
      rows.push([
        workspaceId,
        id,
        author,
        summary,
        '{}',
        CHANNELS[Math.floor(next() * CHANNELS.length)],
        null,
        null,
        'CNY',
        k === 0 && c.next !== null ? iso(c.next) : null,
        k === 0 ? '发正式报价并约下次拜访' : null,
        summary,
        'confirmed',
        0,
        at,
        at,
        at,
      ]);
      if (rows.length >= 10000) await flush();
    }
  }
  await flush();
  await conn.commit();
  await conn.query('set unique_checks = 1');
  await conn.query('analyze table customers, follow_ups, contacts, users, reminders');
  await conn.end();
  return {
    url: o.url,
    now: new Date(now),
    workspaceId,
    teams,
    counts: {
      customers: drawn.length,
      followUps: written,
      contacts: drawn.filter((_, i) => i % 10 < 6).length,
      users: owners.length + teams.length,
    },
    ms: Math.round(performance.now() - started),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const seeded = await seedLarge({ url: arg('--url') ?? LARGE_DEFAULTS.url, now: arg('--now') ?? LARGE_DEFAULTS.now });
  console.log(JSON.stringify({ ...seeded, teams: seeded.teams.length, now: seeded.now.toISOString() }));
}

// `npm run bench:e2e`: the real service (`node dist/main.js`, its own fresh MariaDB database on this
// machine) against a Feishu/WeCom API stand-in on 127.0.0.1, fed signed, encrypted notes, beside the
// Feishu SDK's EventDispatcher and bare Fastify routes, alternating, in rounds. See BENCHMARKS.md.
//   --rounds N (3; 1 is the standard short run, about 10 minutes)  --quick (1 round, short phases)
//   --only PHASE,…  (feishu-ack, feishu-saturation, latency, wecom-ack, wecom-saturation, sql, long;
//                    feishu-ack-saturation is off unless named: genjin's acknowledgements per second)
//   --webhook       `npm run bench:webhook`: --only feishu-ack,feishu-ack-saturation
//   --long N (6000; 1000 with --quick)  --long-max-seconds S (1200)  --long-rate R (saturation if unset)
//   --shape default|inline|fork|split  how the service runs (see SHAPES below; --split = --shape split)
//   --no-general-log  (no statements by kind and shape)
//   --db-socket PATH (the service reaches MariaDB over its Unix socket, not TCP on loopback)
//   --node-options "…" (NODE_OPTIONS for the service's processes, for memory experiments)
//   --profile (one saturation run under --cpu-prof)  --profile-workspace small|large (small: 300
//   customers; large: 20,000)  --service-dir DIR  --no-build  --keep-db
// Loopback only; every loop is bounded in count and time; children are killed on exit.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { createRandom } from '../test/helpers/note-texts.js';
import { FEISHU, WECOM } from './e2e/payloads.js';
import {
  ackAtRate,
  ackAtSaturation,
  longRun,
  makeDeliveries,
  processedAtSaturation,
  replyLatency,
  rssSampler,
  waitIdle,
  type Ctx,
  type Target,
} from './e2e/phases.js';
import { buildService, freePort, startPeer, startService, type ServiceShape } from './e2e/processes.js';
import { summariseProfile } from './e2e/profile-summary.js';
import { report, type Results } from './e2e/report.js';
import { findPid, treeMemoryMb } from './e2e/proc-stats.js';
import { closeOpenGeneralLog } from './e2e/general-log.js';
import { createBenchDatabase, seedWorkspace } from './e2e/seed.js';
import { enableUserStats } from './e2e/sql-counters.js';
import { idleStatements, statementsPerNote } from './e2e/statements.js';
import { startStandIn } from './e2e/stand-in.js';

const PHASES = ['feishu-ack', 'feishu-saturation', 'latency', 'wecom-ack', 'wecom-saturation', 'sql', 'long'] as const;
const EXTRA_PHASES = ['feishu-ack-saturation'] as const;
type Phase = (typeof PHASES)[number] | (typeof EXTRA_PHASES)[number];

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    webhook: { type: 'boolean', default: false },
    long: { type: 'string' },
    'long-max-seconds': { type: 'string', default: '1200' },
    'long-rate': { type: 'string' },
    shape: { type: 'string', default: 'default' },
    split: { type: 'boolean', default: false },
    'no-general-log': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-workspace': { type: 'string', default: 'small' },
    'db-socket': { type: 'string' },
    'node-options': { type: 'string' },
    'service-dir': { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    'no-build': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
  },
});
const Q = args.quick;
const phases = new Set<Phase>(
  args.webhook ? ['feishu-ack', 'feishu-ack-saturation'] : args.only ? (args.only.split(',').map((p) => p.trim()) as Phase[]) : PHASES,
);
for (const p of phases)
  if (![...PHASES, ...EXTRA_PHASES].includes(p)) throw new Error(`unknown phase ${p}; phases: ${[...PHASES, ...EXTRA_PHASES].join(', ')}`);
const P = {
  rounds: Number(args.rounds ?? (Q ? 1 : 3)),
  rate: 500,
  rateSeconds: Q ? 4 : 8,
  saturationNotes: Q ? 600 : 1500,
  /** genjin's acknowledgement saturation: at most this many notes, since each one is processed behind. */
  ackSaturationNotes: Q ? 2000 : 4000,
  peerSeconds: Q ? 3 : 8,
  peerCap: Q ? 20_000 : 60_000,
  latencyRate: 100,
  latencySeconds: Q ? 4 : 10,
  sqlNotes: Q ? 10 : 40,
  idleSqlSeconds: 10,
  longNotes: Number(args.long ?? (Q ? 1000 : 6000)),
  longMaxSeconds: Number(args['long-max-seconds']),
  longRate: args['long-rate'] ? Number(args['long-rate']) : undefined,
  longIdleSeconds: Q ? 10 : 20,
  concurrency: 64,
  drainMaxMs: 240_000,
  seed: 20261125,
};
/**
 * The service's process shapes (issue #16; config/README.md "Where the work runs"): `default` is
 * `npm start` as shipped (GENJIN_WORKER unset: it forks a `genjin worker` process at nice 10 in
 * builds that have one, and runs everything in one process in older builds); `inline` everything in
 * one process; `fork` the forked worker; `split` the web process with its processing off beside a
 * `genjin worker` process started here (at the default priority). CPU and memory are summed over
 * every process of the service in each case.
 */
const SHAPES: Record<string, ServiceShape> = {
  default: { kind: 'one', env: {} },
  inline: { kind: 'one', env: { GENJIN_WORKER: 'inline' } },
  fork: { kind: 'one', env: { GENJIN_WORKER: 'fork' } },
  split: { kind: 'split', webEnv: { GENJIN_WORKER: 'off' }, workerArgs: ['dist/cli.js', 'worker'] },
};
const shapeName = args.split ? 'split' : args.shape;
const shape = SHAPES[shapeName];
if (!shape) throw new Error(`unknown --shape ${shapeName}; shapes: ${Object.keys(SHAPES).join(', ')}`);
const serviceDir = args['service-dir'];
const rootUrl = process.env.BENCH_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
const log = (...a: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const has = (p: Phase) => phases.has(p);

const random = createRandom(P.seed);
const root = await mysql.createConnection({ uri: rootUrl });
const restoreUserStats = await enableUserStats(root);
const database = `genjin_e2e_${Date.now().toString(36)}`;
const serviceUrl = await createBenchDatabase(root, database, args['db-socket']);
await root.query(`USE \`${database}\``);
const standIn = await startStandIn();
if (!args['no-build']) {
  log(`building ${serviceDir}`);
  buildService(serviceDir);
}
const port = await freePort();
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'genjin-e2e-prof-')) : null;
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'production',
  DATABASE_URL: serviceUrl,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'warn',
  FEISHU_APP_ID: FEISHU.appId,
  FEISHU_APP_SECRET: FEISHU.secret,
  FEISHU_VERIFICATION_TOKEN: FEISHU.token,
  FEISHU_ENCRYPT_KEY: FEISHU.key,
  FEISHU_BASE_URL: standIn.url,
  WECOM_CORP_ID: WECOM.corpId,
  WECOM_AGENT_ID: String(WECOM.agentId),
  WECOM_SECRET: 'e2e_wecom_secret',
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM.key,
  WECOM_BASE_URL: standIn.url,
  ...(args['node-options'] ? { NODE_OPTIONS: args['node-options'] } : {}),
};
log(`starting the service (shape ${shapeName}, ${database})`);
const svc = await startService({
  dir: serviceDir,
  env,
  port,
  shape,
  nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
});
log('seeding workspaces');
const profileLarge = args['profile-workspace'] === 'large';
if (!['small', 'large'].includes(args['profile-workspace'])) throw new Error('--profile-workspace is small or large');
const needsLarge = profileDir === null ? has('feishu-saturation') || has('latency') : profileLarge;
const needsWecom = profileDir === null && (has('wecom-ack') || has('wecom-saturation'));
// Each workspace from its own generator, so that seeding fewer workspaces (--only) changes no note.
const seedRandom = (n: number) => createRandom(P.seed + n);
const small = await seedWorkspace(root, {
  platform: 'feishu',
  externalId: 'e2e_small',
  reps: 500,
  customers: 300,
  userPrefix: 'ou_s',
  random: seedRandom(1),
});
const large = needsLarge
  ? await seedWorkspace(root, {
      platform: 'feishu',
      externalId: 'e2e_large',
      reps: 1000,
      customers: 20_000,
      userPrefix: 'ou_l',
      random: seedRandom(2),
    })
  : null;
const ackWs = await seedWorkspace(root, {
  platform: 'feishu',
  externalId: 'e2e_ack',
  reps: 500,
  customers: 300,
  userPrefix: 'ou_a',
  random: seedRandom(3),
});
const wecom = needsWecom
  ? await seedWorkspace(root, {
      platform: 'wecom',
      externalId: WECOM.corpId,
      reps: 2000,
      customers: 300,
      userPrefix: 'wu',
      random: seedRandom(4),
    })
  : null;
const mysqldPid = findPid(['mariadbd', 'mysqld']);
const service: Target = { name: 'genjin', port, pids: svc.pids };
const ctx: Ctx = { root, standIn, random, service, mysqldPid };
const rss = rssSampler(svc.pids);
await new Promise((r) => setTimeout(r, 10_000));
const idle = treeMemoryMb(svc.pids);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAtStart: loadavg(),
  mariadb: ((await root.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v'))[0][0] as { v: string }).v,
  serviceDir,
  shape: shapeName,
  databaseConnection: args['db-socket'] ? `Unix socket ${args['db-socket']}` : 'TCP on loopback',
  nodeOptions: args['node-options'] ?? null,
  phases: [...phases],
  database,
  params: P,
  idleRssMb: idle.rss,
  idlePssMb: idle.pss,
  idleProcesses: idle.processes,
  rounds: [] as unknown[],
};
const out = join(tmpdir(), `genjin-e2e-${Date.now()}.json`);
const save = () =>
  writeFileSync(
    out,
    JSON.stringify(results, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v), 2),
  );

/** Once, on the way out or on SIGINT/SIGTERM: MariaDB's settings restored, the service stopped, the database dropped. */
let cleaned: Promise<void> | null = null;
const cleanup = () =>
  (cleaned ??= (async () => {
    results.loadAtEnd = loadavg();
    rss.stop();
    await closeOpenGeneralLog();
    await svc.stop().catch(() => undefined);
    await standIn.close();
    if (!args['keep-db']) await root.query(`DROP DATABASE \`${database}\``);
    await restoreUserStats();
    await root.end();
    save();
    log(`results: ${out}`);
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

try {
  if (profileDir) {
    const ws = profileLarge ? (large as NonNullable<typeof large>) : small;
    log(`profile: warm-up, then one saturation run in the ${profileLarge ? '20,000' : '300'}-customer workspace`);
    await processedAtSaturation(ctx, makeDeliveries(ctx, ws, 300), P.concurrency, 120_000);
    const sat = await processedAtSaturation(ctx, makeDeliveries(ctx, ws, P.saturationNotes), P.concurrency, 240_000);
    results.profileRun = sat;
    await svc.stop();
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    results.profile = files.map((file) => ({ path: join(profileDir, file), ...summariseProfile(join(profileDir, file), 25) }));
  } else {
    const rounds = [...phases].some((p) => p !== 'sql' && p !== 'long') ? P.rounds : 0;
    const needsPeers = has('feishu-ack') || has('feishu-saturation') || has('feishu-ack-saturation');
    const sdk = needsPeers ? await startPeer('sdk') : null;
    const bareJson = needsPeers ? await startPeer('fastify-json') : null;
    const bareXml = has('wecom-ack') || has('wecom-saturation') ? await startPeer('fastify-xml') : null;
    const peer = (p: { mode: string; port: number; pids: number[] } | null): Target[] =>
      p ? [{ name: p.mode, port: p.port, pids: p.pids }] : [];
    const feishuTargets = [service, ...peer(sdk), ...peer(bareJson)];
    const wecomTargets = [service, ...peer(bareXml)];
    const rotate = <T>(items: T[], r: number) => items.map((_, i) => items[(i + r) % items.length] as T);
    // The first burst after boot, reported on its own (what a deploy's first minute looks like): the
    // worker loads the segmenter and both processes compile their code while acknowledging. It is
    // also the warm-up, so round 1 no longer carries the start-up and the rounds compare like with like.
    if (has('feishu-ack')) {
      log(`cold start: Feishu ack at ${P.rate}/s → genjin, the first notes after boot`);
      results.coldAck = await ackAtRate(
        ctx,
        service,
        makeDeliveries(ctx, ackWs, P.rate * P.rateSeconds, 10),
        P.rate,
        P.rateSeconds,
        P.drainMaxMs,
      );
      save();
    }
    for (let r = 0; r < rounds; r++) {
      const round: Record<string, unknown[]> = {
        feishuAck: [],
        feishuAckSaturation: [],
        feishuSaturation: [],
        latency: [],
        wecomAck: [],
        wecomSaturation: [],
      };
      (results.rounds as unknown[]).push(round);
      /** Each phase starts once genjin has no backlog left (at most 120 s), peers' phases too: a backlog would take their CPU. */
      const settle: unknown[] = [];
      round.settle = settle;
      const begin = async (label: string) => {
        log(label);
        const b = await waitIdle(ctx, 120_000);
        settle.push({ phase: label, ...b });
        if (b.inbox > 0 || b.outbox > 0) log(`  starting with genjin still busy: ${b.inbox} inbox and ${b.outbox} outbox rows left`);
      };
      if (has('feishu-ack'))
        for (const t of rotate(feishuTargets, r)) {
          await begin(`round ${r + 1}: Feishu ack at ${P.rate}/s → ${t.name}`);
          const deliveries = makeDeliveries(ctx, ackWs, P.rate * P.rateSeconds, 10);
          round.feishuAck?.push(await ackAtRate(ctx, t, deliveries, P.rate, P.rateSeconds, P.drainMaxMs));
          save();
        }
      if (has('feishu-ack-saturation'))
        for (const t of rotate(feishuTargets, r)) {
          await begin(`round ${r + 1}: Feishu acknowledgements at saturation → ${t.name}`);
          const g = t.name === service.name;
          const deliveries = makeDeliveries(ctx, ackWs, g ? P.ackSaturationNotes : P.peerCap, g ? 10 : undefined);
          round.feishuAckSaturation?.push(await ackAtSaturation(ctx, t, deliveries, P.concurrency, P.peerSeconds, P.drainMaxMs));
          save();
        }
      if (has('feishu-saturation'))
        for (const t of rotate(['small', 'large', ...peer(sdk), ...peer(bareJson)], r)) {
          if (typeof t === 'string') {
            await begin(`round ${r + 1}: Feishu saturation → genjin ${t}`);
            rss.reset();
            const ws = t === 'small' ? small : (large as NonNullable<typeof large>);
            const sat = await processedAtSaturation(ctx, makeDeliveries(ctx, ws, P.saturationNotes), P.concurrency, P.drainMaxMs);
            round.feishuSaturation?.push({ target: `genjin ${t}`, ...sat, rssPeakMb: rss.peak() });
          } else {
            await begin(`round ${r + 1}: Feishu saturation → ${t.name}`);
            round.feishuSaturation?.push(
              await ackAtSaturation(ctx, t, makeDeliveries(ctx, ackWs, P.peerCap), P.concurrency, P.peerSeconds),
            );
          }
          save();
        }
      if (has('latency'))
        for (const ws of [small, large]) {
          if (!ws) continue;
          await begin(`round ${r + 1}: webhook → reply at ${P.latencyRate}/s, ${ws.externalId}`);
          const deliveries = makeDeliveries(ctx, ws, P.latencyRate * P.latencySeconds);
          round.latency?.push({ target: ws.externalId, ...(await replyLatency(ctx, deliveries, P.latencyRate, P.latencySeconds)) });
          save();
        }
      if (wecom && has('wecom-ack'))
        for (const t of rotate(wecomTargets, r)) {
          await begin(`round ${r + 1}: WeCom ack at ${P.rate}/s → ${t.name}`);
          const deliveries = makeDeliveries(ctx, wecom, P.rate * P.rateSeconds);
          round.wecomAck?.push(await ackAtRate(ctx, t, deliveries, P.rate, P.rateSeconds, P.drainMaxMs));
          save();
        }
      if (wecom && has('wecom-saturation'))
        for (const t of rotate(wecomTargets, r)) {
          await begin(`round ${r + 1}: WeCom saturation → ${t.name}`);
          round.wecomSaturation?.push(
            t === service
              ? {
                  target: 'genjin',
                  ...(await processedAtSaturation(ctx, makeDeliveries(ctx, wecom, P.saturationNotes), P.concurrency, P.drainMaxMs)),
                }
              : await ackAtSaturation(ctx, t, makeDeliveries(ctx, wecom, P.peerCap / 2), P.concurrency, P.peerSeconds),
          );
          save();
        }
    }
    await Promise.all([sdk?.stop(), bareJson?.stop(), bareXml?.stop()]);

    if (has('sql')) {
      log('statements per note: waiting for the service to be idle (at most 300 s)');
      const backlogBefore = await waitIdle(ctx, 300_000);
      const isIdle = backlogBefore.inbox === 0 && backlogBefore.outbox === 0;
      if (!isIdle) log(`still busy (${JSON.stringify(backlogBefore)}): counting anyway, without the general log`);
      log('statements per note (idle service, one note at a time)');
      await new Promise((r) => setTimeout(r, 3000));
      const generalLog = !args['no-general-log'] && isIdle;
      const idleSql = await idleStatements(ctx, P.idleSqlSeconds, generalLog);
      results.sql = {
        backlogBefore,
        idle: idleSql,
        known: await statementsPerNote(ctx, small, 'known', P.sqlNotes, idleSql, generalLog),
        new: await statementsPerNote(ctx, small, 'new', P.sqlNotes, idleSql, generalLog),
      };
      save();
    }

    if (has('long')) {
      log(
        `long run: ${P.longNotes.toLocaleString('en-US')} notes ${P.longRate ? `at ${P.longRate}/s` : 'at saturation'}, at most ${P.longMaxSeconds} s, ${P.longIdleSeconds} s idle before and after`,
      );
      results.long = await longRun(ctx, ackWs, {
        count: P.longNotes,
        maxSeconds: P.longMaxSeconds,
        concurrency: P.concurrency,
        ...(P.longRate ? { rate: P.longRate } : {}),
        newEvery: 10,
        idleSeconds: P.longIdleSeconds,
      });
      save();
    }
    results.standIn = standIn.counts;
    results.rssPeakOverallMb = rss.overall();
    results.hwmMb = treeMemoryMb(svc.pids).processes.map((p) => ({ pid: p.pid, name: p.name, hwm: p.hwm }));
  }
} finally {
  await cleanup();
}
if (!profileDir) console.log(report(results as Results));
else console.log(JSON.stringify(results.profile, null, 2));

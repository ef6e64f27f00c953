// `npm run bench:e2e`: the real service (`node dist/main.js`, its own fresh MariaDB database on this
// machine) against a Feishu/WeCom API stand-in on 127.0.0.1, fed signed, encrypted notes, beside the
// Feishu SDK's EventDispatcher and bare Fastify routes, alternating, in rounds. See BENCHMARKS.md.
//   --rounds N (3)  --quick (1 round, short phases)  --profile (one saturation run under --cpu-prof)
//   --service-dir DIR (the repository to build and run; default this one)  --no-build  --keep-db
// Loopback only; every loop is bounded in count and time; children are killed on exit.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { createRandom } from './e2e/notes.js';
import { FEISHU, WECOM } from './e2e/payloads.js';
import {
  ackAtRate,
  makeDeliveries,
  peerAtSaturation,
  processedAtSaturation,
  replyLatency,
  rssSampler,
  type Ctx,
  type Target,
} from './e2e/phases.js';
import { buildService, freePort, startPeer, startService } from './e2e/processes.js';
import { summariseProfile } from './e2e/profile-summary.js';
import { report, type Results } from './e2e/report.js';
import { findPid, processMemoryMb } from './e2e/proc-stats.js';
import { createBenchDatabase, seedWorkspace } from './e2e/seed.js';
import { enableUserStats } from './e2e/sql-counters.js';
import { idleStatements, statementsPerNote } from './e2e/statements.js';
import { startStandIn } from './e2e/stand-in.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'service-dir': { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    'no-build': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'long-notes': { type: 'string', default: '6000' },
  },
});
const Q = args.quick;
const P = {
  rounds: Q ? 1 : Number(args.rounds),
  rate: 500,
  rateSeconds: Q ? 4 : 8,
  saturationNotes: Q ? 600 : 1500,
  peerSeconds: Q ? 3 : 8,
  peerCap: Q ? 20_000 : 60_000,
  latencyRate: 100,
  latencySeconds: Q ? 4 : 10,
  sqlNotes: Q ? 10 : 40,
  longNotes: Q ? 1000 : Number(args['long-notes']),
  concurrency: 64,
  drainMaxMs: 240_000,
  seed: 20261125,
};
const serviceDir = args['service-dir'];
const rootUrl = process.env.BENCH_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
const log = (...a: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

const random = createRandom(P.seed);
const root = await mysql.createConnection({ uri: rootUrl });
const restoreUserStats = await enableUserStats(root);
const database = `genjin_e2e_${Date.now().toString(36)}`;
const serviceUrl = await createBenchDatabase(root, database);
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
};
log(`starting the service (${database})`);
const svc = await startService({ dir: serviceDir, env, port, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
log('seeding workspaces');
const small = await seedWorkspace(root, {
  platform: 'feishu',
  externalId: 'e2e_small',
  reps: 500,
  customers: 300,
  userPrefix: 'ou_s',
  random,
});
const large = await seedWorkspace(root, {
  platform: 'feishu',
  externalId: 'e2e_large',
  reps: 1000,
  customers: 20_000,
  userPrefix: 'ou_l',
  random,
});
const ackWs = await seedWorkspace(root, {
  platform: 'feishu',
  externalId: 'e2e_ack',
  reps: 500,
  customers: 300,
  userPrefix: 'ou_a',
  random,
});
const wecom = await seedWorkspace(root, {
  platform: 'wecom',
  externalId: WECOM.corpId,
  reps: 2000,
  customers: 300,
  userPrefix: 'wu',
  random,
});
const mysqldPid = findPid(['mariadbd', 'mysqld']);
const service: Target = { name: 'genjin', port, pid: svc.pid };
const ctx: Ctx = { root, standIn, random, service, watchPids: mysqldPid ? [mysqldPid] : [], mysqldPid };
const rss = rssSampler(svc.pid);
await new Promise((r) => setTimeout(r, 10_000));
const idleRss = processMemoryMb(svc.pid);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  mariadb: ((await root.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v'))[0][0] as { v: string }).v,
  serviceDir,
  database,
  params: P,
  idleRssMb: idleRss?.rss,
  rounds: [] as unknown[],
};
const out = join(tmpdir(), `genjin-e2e-${Date.now()}.json`);
const save = () =>
  writeFileSync(
    out,
    JSON.stringify(results, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v), 2),
  );

try {
  if (profileDir) {
    log('profile: warm-up, then one saturation run in the 300-customer workspace');
    await processedAtSaturation(ctx, makeDeliveries(ctx, small, 300), P.concurrency, 120_000);
    const sat = await processedAtSaturation(ctx, makeDeliveries(ctx, small, P.saturationNotes), P.concurrency, 240_000);
    results.profileRun = sat;
    await svc.stop();
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    results.profile = file ? { path: join(profileDir, file), ...summariseProfile(join(profileDir, file), 25) } : null;
  } else {
    const sdk = await startPeer('sdk');
    const bareJson = await startPeer('fastify-json');
    const bareXml = await startPeer('fastify-xml');
    const peer = (p: { mode: string; port: number; pid: number }): Target => ({ name: p.mode, port: p.port, pid: p.pid });
    const rotate = <T>(items: T[], r: number) => items.map((_, i) => items[(i + r) % items.length] as T);
    for (let r = 0; r < P.rounds; r++) {
      const round: Record<string, unknown[]> = { feishuAck: [], feishuSaturation: [], latency: [], wecomAck: [], wecomSaturation: [] };
      (results.rounds as unknown[]).push(round);
      for (const t of rotate([service, peer(sdk), peer(bareJson)], r)) {
        log(`round ${r + 1}: Feishu ack at ${P.rate}/s → ${t.name}`);
        const deliveries = makeDeliveries(ctx, ackWs, P.rate * P.rateSeconds, 10);
        round.feishuAck?.push(await ackAtRate(ctx, t, deliveries, P.rate, P.rateSeconds, P.drainMaxMs));
        save();
      }
      for (const t of rotate(['small', 'large', 'sdk', 'fastify-json'], r)) {
        log(`round ${r + 1}: Feishu saturation → ${t}`);
        if (t === 'small' || t === 'large') {
          rss.reset();
          const ws = t === 'small' ? small : large;
          const sat = await processedAtSaturation(ctx, makeDeliveries(ctx, ws, P.saturationNotes), P.concurrency, P.drainMaxMs);
          round.feishuSaturation?.push({ target: `genjin ${t}`, ...sat, rssPeakMb: rss.peak() });
        } else {
          const p = t === 'sdk' ? peer(sdk) : peer(bareJson);
          const deliveries = makeDeliveries(ctx, ackWs, P.peerCap);
          round.feishuSaturation?.push(await peerAtSaturation(ctx, p, deliveries, P.concurrency, P.peerSeconds));
        }
        save();
      }
      for (const ws of [small, large]) {
        log(`round ${r + 1}: webhook → reply at ${P.latencyRate}/s, ${ws.externalId}`);
        const deliveries = makeDeliveries(ctx, ws, P.latencyRate * P.latencySeconds);
        round.latency?.push({ target: ws.externalId, ...(await replyLatency(ctx, deliveries, P.latencyRate, P.latencySeconds)) });
        save();
      }
      for (const t of rotate([service, peer(bareXml)], r)) {
        log(`round ${r + 1}: WeCom ack at ${P.rate}/s → ${t.name}`);
        const deliveries = makeDeliveries(ctx, wecom, P.rate * P.rateSeconds);
        round.wecomAck?.push(await ackAtRate(ctx, t, deliveries, P.rate, P.rateSeconds, P.drainMaxMs));
        save();
      }
      for (const t of rotate([service, peer(bareXml)], r)) {
        log(`round ${r + 1}: WeCom saturation → ${t.name}`);
        round.wecomSaturation?.push(
          t === service
            ? {
                target: 'genjin',
                ...(await processedAtSaturation(ctx, makeDeliveries(ctx, wecom, P.saturationNotes), P.concurrency, P.drainMaxMs)),
              }
            : await peerAtSaturation(ctx, t, makeDeliveries(ctx, wecom, P.peerCap / 2), P.concurrency, P.peerSeconds),
        );
        save();
      }
    }
    await Promise.all([sdk.stop(), bareJson.stop(), bareXml.stop()]);

    log('statements per note (idle service, one note at a time)');
    await new Promise((r) => setTimeout(r, 3000));
    const idle = await idleStatements(ctx, 10);
    results.sql = {
      idle,
      known: await statementsPerNote(ctx, small, 'known', P.sqlNotes, idle.perSecond),
      new: await statementsPerNote(ctx, small, 'new', P.sqlNotes, idle.perSecond),
    };
    save();

    log(`long run: ${P.longNotes} notes at saturation`);
    rss.reset();
    const before = processMemoryMb(svc.pid);
    const long = await processedAtSaturation(ctx, makeDeliveries(ctx, ackWs, P.longNotes, 10), P.concurrency, 600_000);
    const peak = rss.peak();
    await new Promise((r) => setTimeout(r, 15_000));
    results.long = {
      ...long,
      rssBeforeMb: before?.rss,
      rssPeakMb: peak,
      rssAfter15sMb: processMemoryMb(svc.pid)?.rss,
      hwmMb: processMemoryMb(svc.pid)?.hwm,
    };
    results.standIn = standIn.counts;
    save();
  }
} finally {
  rss.stop();
  await svc.stop().catch(() => undefined);
  await standIn.close();
  if (!args['keep-db']) await root.query(`DROP DATABASE \`${database}\``);
  await restoreUserStats();
  await root.end();
  save();
  log(`results: ${out}`);
}
if (!profileDir) console.log(report(results as Results));
else console.log(JSON.stringify(results.profile, null, 2));

// `npm run bench:webhook`: acknowledgement latency at 500 events/s and throughput at saturation,
// for genjin's Feishu webhook (with the inbox insert) and for the official SDK's EventDispatcher
// on the same signed, encrypted payloads. Loopback only; bounded in time; stops by itself.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { cpus } from 'node:os';
import { feishuHeaders, feishuEncrypt } from '../test/helpers/feishu-sign.js';

const KEY = 'bench encrypt key';
const TOKEN = 'bench_verification_token';
const RATE = 500;
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 20);
const SATURATION_SECONDS = Number(process.env.BENCH_SATURATION_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const runId = randomBytes(3).toString('hex');

/** A signed, encrypted im.message.receive_v1 delivery with a unique message id. */
function delivery(i: number): { body: string; headers: Record<string, string> } {
  const event = {
    schema: '2.0',
    header: {
      event_id: `evt_${runId}_${i}`,
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: TOKEN,
      tenant_key: 'bench_tenant',
      app_id: 'cli_bench',
    },
    event: {
      sender: {
        sender_id: { open_id: 'ou_bench', union_id: 'on_bench', user_id: 'u_bench' },
        sender_type: 'user',
        tenant_key: 'bench_tenant',
      },
      message: {
        message_id: `om_${runId}_${i}`,
        chat_id: `oc_bench_${i % 200}`,
        chat_type: 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: '今天给云帆科技王总打电话,预算50万,下周三上门演示' }),
        create_time: String(Date.now()),
      },
    },
  };
  const body = JSON.stringify({ encrypt: feishuEncrypt(KEY, event) });
  return { body, headers: { ...feishuHeaders(KEY, body), 'content-length': String(Buffer.byteLength(body)) } };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function send(port: number, d: { body: string; headers: Record<string, string> }): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/webhooks/feishu', method: 'POST', headers: d.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function run(mode: 'genjin' | 'sdk', port: number, payloads: { body: string; headers: Record<string, string> }[]) {
  const server: ChildProcess = fork(new URL('./webhook-server.ts', import.meta.url).pathname, [mode, String(port)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
    ],
    stdio: 'inherit',
  });
  await new Promise<void>((resolve, reject) => {
    server.once('message', () => resolve());
    server.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  let next = 0;
  const take = () => payloads[next++ % payloads.length]!;
  try {
    // Warm-up.
    await Promise.all(Array.from({ length: 500 }, () => send(port, take())));

    // Phase 1: a steady 500 events/s; latency of each acknowledgement.
    const latencies: number[] = [];
    let errors = 0;
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < RATE * RATE_SECONDS; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        send(port, take()).then(
          (r) => void (r.status === 200 ? latencies.push(r.ms) : errors++),
          () => void errors++,
        ),
      );
    }
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);

    // Phase 2: saturation with CONCURRENCY connections.
    let done = 0;
    let satErrors = 0;
    const satLatencies: number[] = [];
    const until = performance.now() + SATURATION_SECONDS * 1000;
    const satStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const r = await send(port, take()).catch(() => ({ ms: 0, status: 0 }));
          if (r.status === 200) {
            done++;
            satLatencies.push(r.ms);
          } else satErrors++;
        }
      }),
    );
    const satSeconds = (performance.now() - satStart) / 1000;
    satLatencies.sort((a, b) => a - b);
    return {
      mode,
      p50: pct(latencies, 0.5),
      p99: pct(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? 0,
      errors,
      throughput: done / satSeconds,
      satP99: pct(satLatencies, 0.99),
      satErrors,
    };
  } finally {
    server.kill('SIGTERM');
  }
}

const total = RATE * RATE_SECONDS + 500 + 20_000 * 2;
process.stdout.write(`preparing ${total.toLocaleString('en-US')} signed payloads… `);
const payloads = Array.from({ length: total }, (_, i) => delivery(i));
console.log('done');
console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}); server, MariaDB and this load generator share them`,
);
const results = [await run('genjin', 39_411, payloads), await run('sdk', 39_412, payloads.slice().reverse())];
console.log('\n| server | p50 @500/s | p99 @500/s | max @500/s | errors | saturation (req/s) | p99 at saturation |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.mode === 'genjin' ? 'genjin webhook (inbox insert)' : 'Feishu SDK EventDispatcher (stores nothing)'} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${r.errors + r.satErrors} | ${Math.round(r.throughput).toLocaleString('en-US')} | ${r.satP99.toFixed(1)} ms |`,
  );
}
agent.destroy();

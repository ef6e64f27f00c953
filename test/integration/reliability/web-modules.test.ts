import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { useTestDatabase } from '../../helpers/db.js';
import { FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/feishu-app-settings.js';
import { spawnedServiceEnv } from '../../helpers/spawned-service.js';
import { freePort, waitUntil } from '../../helpers/ports-and-waits.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDER = fileURLToPath(new URL('../../helpers/record-modules.mjs', import.meta.url));

/** What the web process must not load: the worker's share of the memory (issue #16). */
const WORKER_ONLY = [
  { what: 'the Feishu SDK', pattern: /node_modules\/@larksuiteoapi\// },
  { what: 'the WeCom smart bot SDK', pattern: /node_modules\/@wecom\/aibot-node-sdk\// },
  { what: 'the segmenter (jieba)', pattern: /node_modules\/@node-rs\/jieba/ },
  { what: 'the note parser', pattern: /\/src\/domain\/notes\// },
  { what: 'the bot', pattern: /\/src\/bot\// },
  { what: 'the worker composition', pattern: /\/src\/compose\.ts$/ },
  { what: 'the outbox worker', pattern: /\/src\/delivery\/outbox-worker\.ts$/ },
  { what: 'the jobs', pattern: /\/src\/jobs\// },
  { what: 'exceljs', pattern: /node_modules\/exceljs\// },
  { what: 'chrono', pattern: /node_modules\/chrono-node\// },
];

/**
 * `npm start` as shipped (the web process forks `genjin worker`), with Feishu's webhook and WeCom's
 * app configured: after it has stored and acknowledged a note, the web process has loaded the
 * webhook code and none of the worker's modules; the worker, forked with its memory bounds, has
 * run the note without loading the spreadsheet library of `genjin import`/`export`.
 */
describe('npm start: what the web process loads', () => {
  const testDb = useTestDatabase();
  let service: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (service && service.exitCode === null) service.kill('SIGKILL');
  });

  it('stores and acknowledges a note without loading the parser, the bot or the platforms SDKs', { timeout: 150_000 }, async () => {
    onTestFailed(() => console.error(output.slice(-8000)));
    const dir = mkdtempSync(join(tmpdir(), 'genjin-modules-'));
    const port = await freePort();
    service = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/main.ts'], {
      cwd: REPO,
      env: {
        // Nothing listens at port 9: the bot info read fails fast, as it may in production.
        ...spawnedServiceEnv({ databaseUrl: testDb.url, port, feishuBaseUrl: 'http://127.0.0.1:9' }),
        RECORD_MODULES_DIR: dir,
        WECOM_CORP_ID: 'wx5823bf96d3bd56c7',
        WECOM_AGENT_ID: '1000002',
        WECOM_SECRET: 'wecom_secret',
        WECOM_TOKEN: 'QDG6eK',
        WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
        WECOM_BASE_URL: 'http://127.0.0.1:9',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    service.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(60_000, async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200);

    const note = feishuMessageEvent({
      text: '今天给星河科技王总打电话,预算50万',
      token: FEISHU_TOKEN,
      chatId: 'oc_modules',
      senderOpenId: 'ou_modules',
    });
    const { body, headers } = feishuSignedRequest(FEISHU_KEY, note);
    expect((await fetch(`${base}/webhooks/feishu`, { method: 'POST', body, headers })).status).toBe(200);

    const loaded = await modulesOf(dir, service.pid!);
    // The recorder sees the web process's own modules (else this test could not fail).
    expect(loaded.some((m) => m.endsWith('/src/platforms/feishu/webhook.ts'))).toBe(true);
    expect(loaded.some((m) => m.endsWith('/src/platforms/wecom/webhook.ts'))).toBe(true);
    expect(loaded.some((m) => m.endsWith('/src/compose-web.ts'))).toBe(true);
    const found = WORKER_ONLY.flatMap(({ what, pattern }) => {
      const hit = loaded.find((m) => pattern.test(m));
      return hit ? [`${what}: ${hit}`] : [];
    });
    expect(found).toEqual([]);

    // The worker has run the note (its reply cannot leave: nothing listens at the platforms' URLs).
    const conn = await mysql.createConnection({ uri: testDb.url });
    try {
      await waitUntil(90_000, async () => {
        const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT status FROM inbound_events WHERE event_id = ?', [
          note.event.message.message_id as string,
        ]);
        return rows[0]?.status === 'done';
      });
    } finally {
      await conn.end();
    }
    const [worker] = readFileSync(`/proc/${service.pid}/task/${service.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    // Forked with its memory bounds (main.ts workerMemorySettings), as nothing in this environment sets its own.
    const workerArgs = readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0');
    expect(workerArgs).toContain('--max-old-space-size=512');
    expect(workerArgs).toContain('--max-semi-space-size=2');
    expect(readFileSync(`/proc/${worker}/environ`, 'utf8').split('\0')).toContain('GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072');
    const workerLoaded = await modulesOf(dir, worker!);
    expect(workerLoaded.some((m) => /\/src\/domain\/notes\//.test(m))).toBe(true);
    expect(workerLoaded.filter((m) => /node_modules\/exceljs\//.test(m)).slice(0, 1)).toEqual([]);

    const exit = new Promise<number | null>((resolve) => service!.once('exit', (code) => resolve(code)));
    service.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

/** Asks a process started with the recorder for the modules it has loaded so far. */
async function modulesOf(dir: string, pid: number): Promise<string[]> {
  const file = join(dir, `${pid}.txt`);
  process.kill(pid, 'SIGWINCH');
  await waitUntil(10_000, async () => existsSync(file));
  return readFileSync(file, 'utf8').split('\n');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { useTestDatabase } from '../../helpers/db.js';
import { FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/feishu-app-settings.js';
import { spawnedServiceEnv } from '../../helpers/spawned-service.js';
import { freePort, waitUntil } from '../../helpers/ports-and-waits.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `npm start` as production runs it (`GENJIN_WORKER` unset: the web process forks `genjin worker`):
 * a note is stored by the web process and run by the worker; a click is run by the worker and its
 * answer handed back over the link in time for Feishu's callback; the worker's delivery counts show
 * on the web process's /metrics; SIGTERM stops both.
 */
describe('npm start: web process and forked worker', () => {
  const testDb = useTestDatabase();
  let standIn: { url: string; replies: string[]; server: Server };
  let service: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    const replies: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const reply = /\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
        if (reply) replies.push(decodeURIComponent(reply[1] ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            code: 0,
            msg: 'ok',
            tenant_access_token: 't-test',
            expire: 7200,
            bot: { open_id: 'ou_bot' },
            data: { message_id: `om_bot_${replies.length}`, user: { name: '销售 甲' } },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, replies, server };
  });
  afterAll(async () => {
    if (service && service.exitCode === null) service.kill('SIGKILL');
    await new Promise<void>((resolve) => standIn.server.close(() => resolve()));
  });

  it(
    'stores in the web process, runs in the worker, answers a click in the callback, and stops on SIGTERM',
    { timeout: 90_000 },
    async () => {
      onTestFailed(() => console.error(output.slice(-8000)));
      const port = await freePort();
      service = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: REPO,
        env: spawnedServiceEnv({ databaseUrl: testDb.url, port, feishuBaseUrl: standIn.url }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      service.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
      service.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
      const base = `http://127.0.0.1:${port}`;
      await waitUntil(30_000, async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200);
      const post = async (payload: unknown) => {
        const { body, headers } = feishuSignedRequest(FEISHU_KEY, payload);
        const res = await fetch(`${base}/webhooks/feishu`, { method: 'POST', body, headers });
        return { status: res.status, json: (await res.json()) as unknown };
      };
      const conn = await mysql.createConnection({ uri: testDb.url });
      try {
        const note = feishuMessageEvent({
          text: '今天给星河科技王总打电话,预算50万',
          token: FEISHU_TOKEN,
          chatId: 'oc_fork',
          senderOpenId: 'ou_fork',
          createTime: new Date(),
        });
        const messageId = note.event.message.message_id as string;
        expect((await post(note)).status).toBe(200);
        // The worker boots beside the web process: give it time, then the note is run and answered.
        await waitUntil(40_000, async () => standIn.replies.includes(messageId));
        const [[followUp]] = await conn.query<mysql.RowDataPacket[]>('SELECT id, status FROM follow_ups WHERE source_message_id = ?', [
          messageId,
        ]);
        expect(followUp?.status).toBe('confirmed');

        const click = feishuCardAction({
          token: FEISHU_TOKEN,
          value: { a: 'fu.undo', id: String(followUp?.id) },
          operatorOpenId: 'ou_fork',
          messageId: 'om_fork_card',
        });
        const answer = await post(click);
        expect(answer.status).toBe(200);
        // Answered with the result (the worker offered it over the link), not "working on it".
        expect(JSON.stringify(answer.json)).not.toContain('处理中');
        const [[undone]] = await conn.query<mysql.RowDataPacket[]>('SELECT status FROM follow_ups WHERE id = ?', [followUp?.id]);
        expect(undone?.status).toBe('undone');
        const [updates] = await conn.query<mysql.RowDataPacket[]>("SELECT id FROM outbox WHERE dedupe_key LIKE 'click:feishu:%'");
        expect(updates).toHaveLength(0);

        // The worker's delivery counter reaches the web process's /metrics (forwarded once a second).
        await waitUntil(10_000, async () =>
          /genjin_outbox_deliveries_total\{platform="feishu",outcome="sent"\} [1-9]/.test(await (await fetch(`${base}/metrics`)).text()),
        );
      } finally {
        await conn.end();
      }

      const stopped = Date.now();
      const exit = new Promise<number | null>((resolve) => service!.once('exit', (code) => resolve(code)));
      service.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(Date.now() - stopped).toBeLessThan(9000);
    },
  );
});

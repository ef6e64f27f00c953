/**
 * Crash recovery, as a black box: an event genjin has acknowledged is processed exactly once,
 * even when the process is killed before the work is done.
 *
 * Why: Feishu stops redelivering once it has its HTTP 200, so after the acknowledgement the inbox
 * row is the only copy of the rep's note. Work held only in memory is lost by a crash (style.md G5).
 *
 * 1. A fresh, migrated database; the test reads it with mysql2 only (no src/ imports).
 * 2. A Feishu Open API stand-in (node:http on 127.0.0.1): token, bot info, user profiles, and
 *    replies. It records every raw reply request; Feishu shows replies that share a `uuid` within
 *    an hour once, so "what the user sees" is the number of distinct uuids per source message.
 * 3. The real service as a child process (`node --import tsx src/main.ts`), ready on /readyz.
 * 4. 60 signed, encrypted `im.message.receive_v1` notes over 10 direct chats, one rep each,
 *    sent together; every one must be acknowledged with 200.
 * 5. SIGKILL, then count the acknowledged events that were not finished. The stand-in makes
 *    this reliable: profile lookups for the reps of the first HELD_CHATS chats (their first contact)
 *    get no answer until the kill, so those chats' notes are certainly still in flight. The
 *    other chats finish, and the test waits (bounded) until their replies are out and the outbox
 *    is idle before the kill, so the only unfinished work is the inbox's. (An outbox row caught
 *    mid-send would come back only after the outbox's own 60 s lease: another mechanism.)
 * 6. Restart with the same environment and wait (at most 90 s) until every message has exactly
 *    one follow-up (`follow_ups.source_message_id`) and exactly one distinct reply uuid, all
 *    within 60 s of the restart (the inbox lease is 15 s and the sweeper runs every 5 s, so rows
 *    the dead process held run again soon after the restart). Then SIGTERM and wait for the exit.
 * 7. Children are always killed in afterAll; a failure prints their output tails and the timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { z } from 'zod';
import { useTestDatabase } from '../../helpers/db.js';
import { FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/feishu-app-settings.js';
import { spawnedServiceEnv } from '../../helpers/spawned-service.js';
import { freePort } from '../../helpers/ports-and-waits.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { COMPANY_CORES } from '../../helpers/note-texts.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CHATS = 10;
const PER_CHAT = 6;
const HELD_CHATS = 3;

type Reply = { messageId: string; uuid: string | undefined; msgType: unknown };
const replyBody = z.object({ uuid: z.string().optional(), msg_type: z.unknown() });

/** The Feishu Open API as genjin uses it. Profile lookups of `held` users hang until `release()`. */
async function startFeishuStandIn() {
  const replies: Reply[] = [];
  const unexpected: string[] = [];
  const held = new Set<string>();
  const waiting: ServerResponse[] = [];
  const json = (res: ServerResponse, body: unknown, status = 200) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
      const user = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal')
        return json(res, { code: 0, msg: 'ok', tenant_access_token: 't-test', expire: 7200 });
      if (req.method === 'GET' && path === '/open-apis/bot/v3/info')
        return json(res, { code: 0, msg: 'ok', bot: { open_id: 'ou_bot', app_name: 'genjin' } });
      if (req.method === 'GET' && user) {
        const id = decodeURIComponent(user[1] ?? '');
        if (held.has(id)) return void waiting.push(res);
        return json(res, { code: 0, msg: 'ok', data: { user: { name: `销售 ${id.slice(-2)}`, open_id: id } } });
      }
      if (req.method === 'POST' && reply) {
        const body = replyBody.parse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
        replies.push({ messageId: decodeURIComponent(reply[1] ?? ''), uuid: body.uuid, msgType: body.msg_type });
        return json(res, { code: 0, msg: 'ok', data: { message_id: `om_bot_${replies.length}` } });
      }
      unexpected.push(`${req.method} ${req.url}`);
      return json(res, { code: 99999, msg: 'not in the stand-in' }, 404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replies,
    unexpected,
    hold: (ids: string[]) => ids.forEach((id) => held.add(id)),
    release() {
      held.clear();
      for (const res of waiting.splice(0)) res.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The service as production runs it, but through tsx. Output is drained into a bounded tail. */
function startService(label: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (stream: string) => (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8').replace(/^/gm, `[${label} ${stream}] `)).slice(-12_000);
  };
  child.stdout?.on('data', keep('out'));
  child.stderr?.on('data', keep('err'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, tail: () => tail, alive: () => child.exitCode === null && child.signalCode === null };
}
type Service = ReturnType<typeof startService>;

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function waitReady(service: Service, port: number): Promise<void> {
  await waitFor(
    'GET /readyz to answer 200',
    30_000,
    async () => {
      if (!service.alive())
        throw new Error(`the service exited during boot (code ${service.child.exitCode}, signal ${service.child.signalCode})`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      return res?.status === 200 ? true : undefined;
    },
    100,
  );
}

describe('crash recovery (black box: a real process, SIGKILL, restart)', () => {
  const testDb = useTestDatabase();
  const services: Service[] = [];
  const timings: Record<string, number | string> = {};
  let standIn: Awaited<ReturnType<typeof startFeishuStandIn>>;
  let conn: mysql.Connection;

  beforeAll(async () => {
    standIn = await startFeishuStandIn();
    conn = await mysql.createConnection({ uri: testDb.url });
  });

  afterAll(async () => {
    for (const s of services) if (s.alive()) s.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    standIn?.release();
    await standIn?.close();
    await conn?.end();
    console.log(`crash-recovery phases: ${JSON.stringify(timings)}`);
  });

  it('processes every acknowledged event exactly once after a SIGKILL and a restart', { timeout: 150_000 }, async () => {
    onTestFailed(() => {
      console.error(
        `crash-recovery phases: ${JSON.stringify(timings)}\nunexpected stand-in calls: ${JSON.stringify(standIn.unexpected.slice(0, 20))}`,
      );
      for (const [i, s] of services.entries())
        console.error(s.tail() || `(${i === 0 ? 'first' : 'second'} service: no output at LOG_LEVEL=warn)`);
    });
    const port = await freePort();
    const env = spawnedServiceEnv({ databaseUrl: testDb.url, port, feishuBaseUrl: standIn.url });

    // 3. Boot.
    let t = Date.now();
    const first = startService('first', env);
    services.push(first);
    await waitReady(first, port);
    timings.boot1Ms = Date.now() - t;

    // 4. 60 notes, 10 direct chats with one rep each; the first HELD_CHATS reps' profiles hang.
    const events = COMPANY_CORES.slice(0, CHATS * PER_CHAT).map((company, i) => {
      const chat = i % CHATS;
      const event = feishuMessageEvent({
        text: `今天给${company}科技王总打电话,预算50万,下周三上门演示`,
        token: FEISHU_TOKEN,
        chatId: `oc_chat_${chat}`,
        senderOpenId: `ou_rep_${chat}`,
        createTime: new Date(),
      });
      return { chat, eventId: String(event.header.event_id), messageId: event.event.message.message_id, event };
    });
    standIn.hold(Array.from({ length: HELD_CHATS }, (_, chat) => `ou_rep_${chat}`));
    t = Date.now();
    const statuses = await Promise.all(
      events.map(async ({ event }) => {
        const { body, headers } = feishuSignedRequest(FEISHU_KEY, event);
        const res = await fetch(`http://127.0.0.1:${port}/webhooks/feishu`, { method: 'POST', body, headers });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    timings.sendAndAckMs = Date.now() - t;
    expect(
      statuses.filter((s) => s !== 200),
      'every note must be acknowledged with 200',
    ).toEqual([]);

    // 5. Let the free chats finish (bounded), then kill while the held chats are in flight.
    t = Date.now();
    const free = events.filter((e) => e.chat >= HELD_CHATS);
    const settled = await waitFor('the free chats to be answered and the outbox to be idle', 15_000, async () => {
      const answered = new Set(standIn.replies.map((r) => r.messageId));
      const [[busy]] = await conn.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')");
      return free.every((e) => answered.has(e.messageId)) && Number(busy?.n) === 0 ? true : undefined;
    }).catch((err: Error) => err.message);
    timings.settleBeforeKill = settled === true ? `${Date.now() - t} ms` : `not settled: ${settled}`;
    first.child.kill('SIGKILL');
    await first.exited;
    standIn.release();
    const repliesAtKill = standIn.replies.length;
    // The inbox may key a message by its event_id or by its message_id (Feishu's advice): accept either.
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT event_id, status FROM inbound_events WHERE platform = 'feishu' AND event_id IN (?)",
      [events.flatMap((e) => [e.eventId, e.messageId])],
    );
    const unfinished = rows.filter((r) => r.status !== 'done');
    timings.recordedAtKill = rows.length;
    timings.unfinishedAtKill = unfinished.length;
    timings.repliesAtKill = repliesAtKill;
    expect(rows, 'an acknowledged event must have its inbox row').toHaveLength(events.length);
    expect(unfinished.length, 'work must be in flight at the kill, or this test proves nothing').toBeGreaterThan(0);

    // 6. Restart; wait until every message has its follow-up and its reply.
    const restartedAt = Date.now();
    const second = startService('second', env);
    services.push(second);
    await waitReady(second, port);
    timings.boot2Ms = Date.now() - restartedAt;
    const snapshot = async () => {
      const [fu] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT source_message_id AS id, COUNT(*) AS n FROM follow_ups WHERE source_message_id IN (?) GROUP BY source_message_id',
        [events.map((e) => e.messageId)],
      );
      const [st] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT status, COUNT(*) AS n FROM inbound_events WHERE platform = 'feishu' GROUP BY status",
      );
      const followUps = new Map(fu.map((r) => [String(r.id), Number(r.n)]));
      let anonymous = 0;
      const uuids = new Map<string, Set<string>>();
      for (const r of standIn.replies)
        uuids.set(r.messageId, (uuids.get(r.messageId) ?? new Set()).add(r.uuid ?? `(no uuid #${++anonymous})`));
      return {
        missingFollowUp: events.filter((e) => !followUps.has(e.messageId)).map((e) => e.messageId),
        missingReply: events.filter((e) => !uuids.has(e.messageId)).map((e) => e.messageId),
        extraFollowUps: [...followUps].filter(([, n]) => n !== 1),
        extraUuids: [...uuids].filter(([, s]) => s.size !== 1).map(([id, s]) => [id, [...s]]),
        inboxStatuses: Object.fromEntries(st.map((r) => [String(r.status), Number(r.n)])),
        rawReplies: standIn.replies.length,
        messagesWithRepeatedRequests: [...uuids.keys()].filter((id) => standIn.replies.filter((r) => r.messageId === id).length > 1).length,
      };
    };
    let last = await snapshot();
    const complete = await waitFor(
      'every message to be answered',
      Math.max(0, restartedAt + 90_000 - Date.now()),
      async () => {
        last = await snapshot();
        return last.missingFollowUp.length === 0 && last.missingReply.length === 0 ? Date.now() - restartedAt : undefined;
      },
      500,
    ).catch(() => null);
    timings.recoveryMs = complete ?? 'not recovered within 90 s';
    if (complete !== null) {
      await new Promise((r) => setTimeout(r, 2000)); // late duplicates would show up here
      last = await snapshot();
    }
    timings.final = JSON.stringify({ ...last, missingFollowUp: last.missingFollowUp.length, missingReply: last.missingReply.length });
    expect(
      { missingFollowUp: last.missingFollowUp.length, missingReply: last.missingReply.length },
      `after the restart every acknowledged note needs a follow-up and a reply; ${unfinished.length} of ${events.length} were unfinished at the kill; now ${JSON.stringify(last.inboxStatuses)}`,
    ).toEqual({ missingFollowUp: 0, missingReply: 0 });
    expect(last.extraFollowUps, 'exactly one follow-up per source message').toEqual([]);
    expect(last.extraUuids, 'exactly one distinct reply uuid per source message (what the user sees)').toEqual([]);
    expect(complete, 'recovered within 60 s of the restart').toBeLessThanOrEqual(60_000);

    t = Date.now();
    second.child.kill('SIGTERM');
    await waitFor('the service to exit after SIGTERM', 15_000, async () => (second.alive() ? undefined : true), 100);
    timings.sigterm = `exit ${second.child.exitCode ?? second.child.signalCode} after ${Date.now() - t} ms`;
  });
});

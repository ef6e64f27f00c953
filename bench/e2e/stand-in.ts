// The Feishu Open API and the WeCom API as genjin calls them, on 127.0.0.1, recording when each
// reply arrives (performance.now() of this process, the clock the load generator uses).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StandIn = Awaited<ReturnType<typeof startStandIn>>;

/** Feishu replies are keyed by the source message id in the URL; WeCom cards by task_id `gj_r-<MsgId>`. */
export async function startStandIn() {
  /** First arrival per source message id, and how many requests came for it. */
  const replies = new Map<string, { at: number; count: number; uuids: Set<string> }>();
  const counts = { token: 0, botInfo: 0, profile: 0, reply: 0, send: 0, other: 0, unmatched: 0 };
  /** Feishu shows replies sharing a `uuid` once; WeCom drops a card whose task_id it saw (duplicate check). */
  const record = (id: string | undefined, dedupeKey: string) => {
    if (!id) return void counts.unmatched++;
    const seen = replies.get(id);
    if (seen) {
      seen.count++;
      seen.uuids.add(dedupeKey);
    } else replies.set(id, { at: performance.now(), count: 1, uuids: new Set([dedupeKey]) });
  };
  const json = (res: ServerResponse, body: unknown, status = 200) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const feishuReply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
    const feishuUser = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(path);
    if (feishuReply) {
      counts.reply++;
      const body = JSON.parse(raw || '{}') as { uuid?: string };
      record(decodeURIComponent(feishuReply[1] ?? ''), body.uuid ?? `(no uuid ${counts.reply})`);
      return json(res, { code: 0, msg: 'ok', data: { message_id: `om_bot_${counts.reply}` } });
    }
    if (path === '/cgi-bin/message/send') {
      counts.send++;
      const body = JSON.parse(raw || '{}') as { template_card?: { task_id?: string } };
      const taskId = body.template_card?.task_id ?? '';
      record(/^gj_r-(.+)$/.exec(taskId)?.[1], taskId);
      return json(res, { errcode: 0, errmsg: 'ok', msgid: `wm_${counts.send}`, response_code: `rc${counts.send}` });
    }
    if (path === '/open-apis/auth/v3/tenant_access_token/internal') {
      counts.token++;
      return json(res, { code: 0, msg: 'ok', tenant_access_token: 't-bench', expire: 7200 });
    }
    if (path === '/open-apis/bot/v3/info') {
      counts.botInfo++;
      return json(res, { code: 0, msg: 'ok', bot: { open_id: 'ou_bench_bot', app_name: 'genjin' } });
    }
    if (feishuUser) {
      counts.profile++;
      const id = decodeURIComponent(feishuUser[1] ?? '');
      return json(res, { code: 0, msg: 'ok', data: { user: { name: `销售${id.slice(-4)}`, open_id: id } } });
    }
    if (path === '/cgi-bin/gettoken') {
      counts.token++;
      return json(res, { errcode: 0, errmsg: 'ok', access_token: 'wecom-bench-token', expires_in: 7200 });
    }
    if (path === '/cgi-bin/user/get') {
      counts.profile++;
      const id = url.searchParams.get('userid') ?? '';
      return json(res, { errcode: 0, errmsg: 'ok', userid: id, name: `销售${id.slice(-4)}`, direct_leader: [] });
    }
    counts.other++;
    return json(res, { code: 0, errcode: 0, msg: 'ok', data: {} });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replies,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

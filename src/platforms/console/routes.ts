import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { acceptClick, acceptInbound, type AcceptDeps } from '../../messaging/accept-inbound.js';
import { adaptCard } from '../../messaging/adapt-card.js';
import { addressKey, type Address, type Capabilities } from '../../messaging/types.js';
import type { ConsoleHooks } from './adapter.js';
import type { ConsoleChat, ConsolePerson } from './directory.js';
import { cardOffers, clickBody, messageBody, runJobBody, toCardActionEvent, toMessageEvent } from './events.js';
import { checkConsoleAccess } from './guard.js';
import { chatKeyOf, type ConsoleStore } from './store.js';

export type ConsoleRouteDeps = {
  log: Logger;
  clock: Clock;
  accept: AcceptDeps;
  hooks: ConsoleHooks;
  store: ConsoleStore;
  token: string | null;
  platform: string;
  tenant: string;
  directory: { people: ConsolePerson[]; chats: ConsoleChat[] };
  capabilities: Capabilities;
};

/** The page and its assets: plain files in the repo, the same from src/ (tsx) and dist/ (built). */
const PUBLIC = new URL('../../../src/platforms/console/public/', import.meta.url);
const ASSETS: Record<string, string> = { 'console.css': 'text/css; charset=utf-8', 'console.js': 'text/javascript; charset=utf-8' };
/** A click waits this long for its answer, like Feishu's callback; longer work updates the card when done. */
const CLICK_BUDGET_MS = 5000;
/** Proxies and browsers drop idle streams; a comment line keeps the server-sent events open. */
const HEARTBEAT_MS = 15_000;

/**
 * /console: the page, its JSON API and its server-sent events, every request through the access
 * check (guard.ts). Messages and clicks become neutral events handed to `acceptInbound` /
 * `acceptClick`, stored and run from the inbox exactly as a webhook's.
 */
export function consoleRoutes(deps: ConsoleRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const files = new Map<string, string>();
    for (const name of ['index.html', ...Object.keys(ASSETS)]) files.set(name, await readFile(new URL(name, PUBLIC), 'utf8'));
    const streams = new Set<() => void>();

    app.addHook('onRequest', async (req, reply) => {
      const access = checkConsoleAccess(
        {
          remoteAddress: req.socket.remoteAddress,
          host: req.headers.host,
          origin: req.headers.origin,
          presentedToken: presentedToken(req),
        },
        deps.token,
      );
      if (!access.ok) return reply.code(access.status).type('text/plain; charset=utf-8').send(access.reason);
    });
    app.addHook('onSend', async (_req, reply, payload) => {
      // Nothing the page loads comes from another host; the token in its URL never leaves in a Referer.
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'no-store');
      return payload;
    });
    // Open event streams would keep close() waiting for ever.
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });

    const query = deps.token ? `?token=${encodeURIComponent(deps.token)}` : '';
    const page = (files.get('index.html') ?? '').replaceAll('%QUERY%', query);
    const sendPage = (_req: FastifyRequest, reply: FastifyReply) => reply.type('text/html; charset=utf-8').send(page);
    app.get('/console', sendPage);
    app.get('/console/', sendPage);
    app.get<{ Params: { file: string } }>('/console/assets/:file', async (req, reply) => {
      const type = ASSETS[req.params.file];
      if (!type) return reply.code(404).send({ error: 'not_found' });
      return reply.type(type).send(files.get(req.params.file));
    });

    app.get('/console/api/state', async () => ({
      platform: deps.platform,
      tenant: deps.tenant,
      people: deps.directory.people,
      chats: deps.directory.chats,
      jobs: deps.hooks.jobs(),
      empty: await deps.hooks.workspaceEmpty(),
      messages: deps.store.all(),
    }));

    app.post('/console/api/messages', async (req, reply) => {
      const body = messageBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'bad_request', message: body.error.issues[0]?.message });
      const { as, chat } = body.data;
      if (chat.startsWith('user:') && chat !== `user:${as}`)
        return reply.code(403).send({ error: 'forbidden', message: "a person's chat with the bot is their own" });
      if (chat.startsWith('chat:') && !deps.directory.chats.some((c) => `chat:${c.id}` === chat))
        return reply.code(404).send({ error: 'not_found', message: 'no such group chat' });
      const event = toMessageEvent(body.data, { ...deps, now: deps.clock.now(), people: deps.directory.people });
      deps.store.add(chatKeyOf(event.conversation), as, { kind: 'text', text: body.data.text }, { id: event.messageId });
      const outcome = await acceptInbound(deps.accept, { event, eventType: 'message', conversation: addressKey(event.conversation) });
      if (outcome === 'unavailable') return reply.code(503).send({ error: 'unavailable', message: 'the database is not reachable' });
      if (outcome === 'rejected') return reply.code(400).send({ error: 'rejected' });
      return { id: event.messageId, outcome };
    });

    app.post('/console/api/clicks', async (req, reply) => {
      const body = clickBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'bad_request', message: body.error.issues[0]?.message });
      const shown = deps.store.get(body.data.messageId);
      if (!shown || shown.message.kind !== 'card') return reply.code(404).send({ error: 'not_found', message: 'no such card' });
      if (!cardOffers(shown.message.card, body.data.action))
        return reply.code(400).send({ error: 'bad_request', message: 'that card has no such control' });
      const conversation: Address = {
        platform: deps.platform,
        kind: shown.chat.startsWith('user:') ? 'user' : 'chat',
        id: shown.chat.slice(shown.chat.indexOf(':') + 1),
      };
      const event = toCardActionEvent(body.data, { ...deps, conversation });
      // A person's clicks run one at a time, apart from the chat's notes (as on Feishu).
      const answer = await acceptClick(deps.accept, {
        event,
        eventType: 'card_action',
        conversation: `${deps.platform}:user:${body.data.as}`,
        budgetMs: CLICK_BUDGET_MS,
      });
      switch (answer.kind) {
        case 'answered': {
          if (answer.result.card) {
            const [first, ...rest] = adaptCard(answer.result.card, deps.capabilities);
            if (first) deps.store.replace(shown.id, { kind: 'card', card: first });
            for (const card of rest) deps.store.add(shown.chat, 'bot', { kind: 'card', card });
          }
          return { toast: answer.result.toast ?? null };
        }
        case 'pending':
          return { toast: { kind: 'info', text: '处理中，完成后卡片会自动更新 / Working on it; the card updates when done' } };
        case 'duplicate':
          return { toast: { kind: 'info', text: answer.done ? '已处理 / Already done' : '处理中 / Working on it' } };
        case 'rejected':
          return reply.code(400).send({ error: 'rejected' });
        case 'unavailable':
          return reply.code(503).send({ error: 'unavailable', message: 'the database is not reachable' });
      }
    });

    app.post('/console/api/jobs/run', async (req, reply) => {
      const body = runJobBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'bad_request', message: body.error.issues[0]?.message });
      if (!deps.hooks.jobs().some((j) => j.name === body.data.name))
        return reply.code(404).send({ error: 'not_found', message: 'no such job' });
      return deps.hooks.runJob(body.data.name, body.data.now ? new Date(body.data.now) : null);
    });

    app.post('/console/api/seed-demo', async () => ({ report: await deps.hooks.seedDemo() }));

    app.get('/console/events', (req, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      raw.write('retry: 2000\n\n');
      const unsubscribe = deps.store.subscribe((update) => raw.write(`event: ${update.type}\ndata: ${JSON.stringify(update.message)}\n\n`));
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
        raw.end();
      };
      streams.add(end);
      req.raw.on('close', end);
    });
  };
}

/** The token from `?token=`, `Authorization: Bearer …` or `X-Genjin-Console-Token`. */
function presentedToken(req: FastifyRequest): string | undefined {
  const fromQuery = new URL(req.url, 'http://console.invalid').searchParams.get('token');
  if (fromQuery) return fromQuery;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = req.headers['x-genjin-console-token'];
  return typeof header === 'string' ? header : undefined;
}

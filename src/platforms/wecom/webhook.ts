import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import { createWecomCrypto } from './crypto.js';
import { decodeWecomMessage } from './decode.js';
import { processWecomEvent, type WecomEventDeps } from './process-event.js';
import { parseWecomXml, WecomXmlError } from './xml.js';

export type WecomWebhookDeps = WecomEventDeps & { corpId: string; token: string; encodingAesKey: string; clock: Clock };

export const WECOM_BODY_LIMIT = 64 * 1024;
const MAX_SKEW_SECONDS = 300;

const verifyQuery = z.object({
  msg_signature: z.string().min(1),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1),
  echostr: z.string().min(1),
});
const messageQuery = verifyQuery.omit({ echostr: true });
const envelope = z.object({ Encrypt: z.string().min(1), ToUserName: z.string().optional(), AgentID: z.string().optional() });

/**
 * `GET /webhooks/wecom` (URL verification) and `POST /webhooks/wecom` (encrypted XML messages and
 * events) for a self-built app. https://developer.work.weixin.qq.com/document/path/90930
 */
export function wecomWebhook(deps: WecomWebhookDeps): FastifyPluginAsync {
  const crypto = createWecomCrypto({ token: deps.token, encodingAesKey: deps.encodingAesKey, receiveId: deps.corpId });
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WECOM_BODY_LIMIT }, (_req, body, done) => done(null, body));

    const reject = (req: FastifyRequest, reply: FastifyReply, status: number, reason: string, extra: Record<string, unknown> = {}) => {
      deps.metrics.webhookEvents.inc({ platform: 'wecom', outcome: 'rejected' });
      // Metadata only: a decrypted message is customer data.
      req.log.warn(
        { reason, bodyBytes: typeof req.body === 'string' ? Buffer.byteLength(req.body) : 0, ...extra },
        'wecom webhook rejected',
      );
      return reply.code(status).type('text/plain').send(reason);
    };
    const fresh = (timestamp: string) => Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp)) <= MAX_SKEW_SECONDS;

    app.get('/webhooks/wecom', async (req, reply) => {
      const q = verifyQuery.safeParse(req.query);
      if (!q.success) return reject(req, reply, 400, 'missing_parameters');
      if (!fresh(q.data.timestamp)) return reject(req, reply, 401, 'stale');
      // Rule 1: the signature covers the echostr (Fastify has already URL-decoded the query).
      if (!crypto.verifySignature(q.data.msg_signature, q.data.timestamp, q.data.nonce, q.data.echostr))
        return reject(req, reply, 401, 'bad_signature');
      try {
        const plain = crypto.decrypt(q.data.echostr);
        deps.metrics.webhookEvents.inc({ platform: 'wecom', outcome: 'challenge' });
        // The plaintext is the whole body: no quotes, no newline.
        return reply.type('text/plain').send(plain);
      } catch (err) {
        return reject(req, reply, 400, 'cannot_decrypt', { why: (err as { reason?: string }).reason });
      }
    });

    app.post('/webhooks/wecom', { logLevel: 'warn' }, async (req, reply) => {
      const q = messageQuery.safeParse(req.query);
      if (!q.success) return reject(req, reply, 400, 'missing_parameters');
      // Rule 1: refuse replays and clocks far apart.
      if (!fresh(q.data.timestamp)) return reject(req, reply, 401, 'stale');
      let outer: Record<string, unknown>;
      try {
        outer = parseWecomXml(typeof req.body === 'string' ? req.body : '');
      } catch (err) {
        return reject(req, reply, 400, err instanceof WecomXmlError ? err.reason : 'malformed_xml');
      }
      const env = envelope.safeParse(outer);
      if (!env.success) return reject(req, reply, 400, 'malformed_envelope');
      // Rule 2: the signature over the encrypted payload, in constant time.
      if (!crypto.verifySignature(q.data.msg_signature, q.data.timestamp, q.data.nonce, env.data.Encrypt))
        return reject(req, reply, 401, 'bad_signature');
      // Rule 3: decrypt, with strict padding, length and receive-id (corp id) checks.
      let inner: Record<string, unknown>;
      try {
        inner = parseWecomXml(crypto.decrypt(env.data.Encrypt));
      } catch (err) {
        const reason = (err as { reason?: string }).reason ?? 'cannot_decrypt';
        return reject(req, reply, reason === 'receive_id_mismatch' ? 401 : 400, reason);
      }
      // Rule 4: validate and normalize.
      const decoded = decodeWecomMessage(inner);
      if (decoded.kind === 'malformed') return reject(req, reply, 400, 'malformed_message', { issues: decoded.issues });
      if (decoded.kind === 'ignore') {
        deps.metrics.webhookEvents.inc({ platform: 'wecom', outcome: 'ignored' });
        req.log.debug({ reason: decoded.reason }, 'wecom event ignored');
        return reply.code(200).send('');
      }
      const outcome = await processWecomEvent(deps, decoded.event, String(inner.MsgType ?? 'unknown'));
      if (outcome === 'unavailable') return reply.code(503).send('');
      if (outcome === 'rejected') return reply.code(400).type('text/plain').send('malformed_message');
      // An empty 200 is WeCom's "received"; replies go out through the API.
      return reply.code(200).send('');
    });
  };
}

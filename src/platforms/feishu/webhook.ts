import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Clock } from '../../lib/clock.js';
import { decryptFeishuPayload } from './crypto.js';
import { decodeFeishuBody } from './decode.js';
import { processFeishuEvent, type FeishuEventDeps } from './process-event.js';
import { verifyFeishuRequest } from './verify-signature.js';

export type FeishuWebhookDeps = FeishuEventDeps & {
  verificationToken: string;
  /** Required: without it requests are unsigned and replayable (config refuses to boot). */
  encryptKey: string;
  clock: Clock;
  /** The bot's own open_id once known, to tell its mentions from others. */
  botOpenId: () => string | null;
};

/** No legitimate event or callback is larger; bigger bodies get 413 before any parsing. */
export const FEISHU_BODY_LIMIT = 64 * 1024;

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /webhooks/feishu`: events and card callbacks on one URL. Verification runs on the raw
 * bytes before anything is parsed, with a raw-body parser registered only inside this plugin.
 * https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case
 */
export function feishuWebhook(deps: FeishuWebhookDeps): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FEISHU_BODY_LIMIT }, (_req, body, done) => done(null, body));

    // Per-request access lines at info level would cost more than the handling itself at
    // thousands of events a second; this route logs its own outcomes instead.
    app.post('/webhooks/feishu', { logLevel: 'warn' }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signaturePresent = typeof req.headers['x-lark-signature'] === 'string';
      const meta = { bodyBytes: raw.length, signaturePresent };
      const reject = (res: FastifyReply, status: number, reason: string, extra: Record<string, unknown> = {}) => {
        deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'rejected' });
        // Metadata only: the body may hold a customer's note.
        req.log.warn({ ...meta, reason, ...extra }, 'feishu webhook rejected');
        return res.code(status).send({ error: reason });
      };

      let outer: unknown;
      try {
        outer = JSON.parse(raw.toString('utf8'));
      } catch {
        return reject(reply, 400, 'malformed_json');
      }
      const encrypted =
        outer && typeof outer === 'object' && 'encrypt' in outer && typeof outer.encrypt === 'string' ? outer.encrypt : null;

      // Rule 1: with an Encrypt Key, everything arrives encrypted.
      if (encrypted === null) return reject(reply, 401, 'not_encrypted');
      // Rule 2: signed requests must be fresh and carry a valid signature over the raw bytes.
      // URL verification may come unsigned; it is then trusted only for its token (Rule 4).
      const signed = signaturePresent || req.headers['x-lark-request-timestamp'] !== undefined;
      if (signed) {
        const check = verifyFeishuRequest({ encryptKey: deps.encryptKey, rawBody: raw, headers: req.headers, now: deps.clock.now() });
        if (!check.ok) return reject(reply, 401, check.reason);
      }
      // Rule 3: decrypt.
      let payload: unknown;
      try {
        payload = JSON.parse(decryptFeishuPayload(deps.encryptKey, encrypted));
      } catch {
        return reject(reply, signed ? 400 : 401, 'cannot_decrypt');
      }
      if (!signed && !(payload && typeof payload === 'object' && 'type' in payload && payload.type === 'url_verification')) {
        return reject(reply, 401, 'missing_headers');
      }

      const decoded = decodeFeishuBody(payload, { botOpenId: deps.botOpenId() });
      if (decoded.kind === 'malformed')
        return reject(reply, 400, 'malformed_payload', { eventType: decoded.eventType, issues: decoded.issues });
      // Rule 4: the verification token, checked after decryption.
      if (!sameToken(decoded.token, deps.verificationToken)) return reject(reply, 401, 'bad_token');

      if (decoded.kind === 'challenge') {
        deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'challenge' });
        return { challenge: decoded.challenge };
      }
      if (decoded.kind === 'ignore') {
        deps.metrics.webhookEvents.inc({ platform: 'feishu', outcome: 'ignored' });
        req.log.debug({ eventType: decoded.eventType, reason: decoded.reason }, 'feishu event ignored');
        return {};
      }
      const answer = await processFeishuEvent(deps, decoded.event, decoded.eventType);
      return reply.code(answer.status).send(answer.body);
    });
  };
}

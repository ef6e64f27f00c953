import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { customerDetail, listCustomers, listFollowUpsSince, type ApiScope } from '../domain/import-export/api-queries.js';
import { describeWorkspace, pickWorkspace } from '../domain/import-export/pick-workspace.js';
import type { Clock } from '../lib/clock.js';
import { bearerMatches } from './auth.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { adminApiDocument } from './openapi.js';
import { customerParams, customersQuery, followUpsQuery } from './schemas.js';

export type AdminApiDeps = {
  db: Db;
  clock: Clock;
  /** `GENJIN_ADMIN_TOKEN`. */
  token: string;
  /** `GENJIN_ADMIN_WORKSPACE` (id or `<platform>:<external id>`); unset: the only non-console workspace. */
  workspace: string | null;
};

/** How many follow-ups the customer endpoint includes. */
const DETAIL_FOLLOW_UPS = 20;

const badRequest = (reply: FastifyReply, message: string) => reply.code(400).send({ error: 'bad_request', message });

/** The first problem of a query, as one line naming the parameter. */
const firstProblem = (error: z.ZodError) => {
  const issue = error.issues[0];
  if (!issue) return 'bad query';
  if (issue.code === 'unrecognized_keys') return `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const at = issue.path.join('.');
  return at && !issue.message.startsWith(at) ? `${at}: ${issue.message}` : issue.message;
};

/**
 * The admin API under /api/v1, for ERP/OA integration: read-only, one workspace, behind
 * `Authorization: Bearer <GENJIN_ADMIN_TOKEN>` (checked before anything else, in constant time).
 * Registered only when the token is set. Answers carry customer data; nothing here logs it.
 */
export function adminApiRoutes(deps: AdminApiDeps): FastifyPluginAsync {
  const document = adminApiDocument();
  return async (app) => {
    // Rule 1: every route of this plugin needs the token, the document included.
    app.addHook('onRequest', async (req, reply) => {
      if (!bearerMatches(req.headers.authorization, deps.token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', message: 'send Authorization: Bearer <GENJIN_ADMIN_TOKEN>' });
      }
    });

    /** The one workspace served, or an answer saying why there is none. */
    async function scopeOf(reply: FastifyReply): Promise<ApiScope | null> {
      const picked = await pickWorkspace(deps.db, deps.workspace ?? undefined);
      if (picked.kind === 'picked') return { workspaceId: picked.workspace.id, platform: picked.workspace.platform };
      const message =
        picked.kind === 'not_found'
          ? `GENJIN_ADMIN_WORKSPACE names no workspace (${picked.wanted})`
          : `the API serves one workspace and there are ${picked.choices.length}: set GENJIN_ADMIN_WORKSPACE to one of ${picked.choices.map(describeWorkspace).join('; ') || '(none yet)'}`;
      await reply.code(503).send({ error: 'workspace_not_chosen', message });
      return null;
    }

    app.get('/api/v1/openapi.json', async () => document);

    app.get('/api/v1/customers', async (req, reply) => {
      const query = customersQuery.safeParse(req.query);
      if (!query.success) return badRequest(reply, firstProblem(query.error));
      const { limit, cursor, updatedSince, ...filter } = query.data;
      const after = cursor === undefined ? { id: 0 } : decodeCursor(cursor, ['id']);
      if (!after) return badRequest(reply, 'cursor must be the nextCursor of a previous page');
      const scope = await scopeOf(reply);
      if (!scope) return reply;
      const page = await listCustomers(deps.db, scope, {
        filter: { ...filter, ...(updatedSince ? { updatedSince: new Date(updatedSince) } : {}) },
        limit,
        after: after.id,
        now: deps.clock.now(),
      });
      return { data: page.customers, nextCursor: page.last === null ? null : encodeCursor({ id: page.last }) };
    });

    app.get('/api/v1/customers/:id', async (req, reply) => {
      const params = customerParams.safeParse(req.params);
      if (!params.success) return badRequest(reply, firstProblem(params.error));
      const scope = await scopeOf(reply);
      if (!scope) return reply;
      const found = await customerDetail(deps.db, scope, params.data.id, { followUps: DETAIL_FOLLOW_UPS });
      if (!found) return reply.code(404).send({ error: 'not_found', message: `no customer ${params.data.id}` });
      return found;
    });

    app.get('/api/v1/follow-ups', async (req, reply) => {
      const query = followUpsQuery.safeParse(req.query);
      if (!query.success) return badRequest(reply, firstProblem(query.error));
      const after = query.data.cursor === undefined ? null : decodeCursor(query.data.cursor, ['t', 'id']);
      if (query.data.cursor !== undefined && !after) return badRequest(reply, 'cursor must be the nextCursor of a previous page');
      const scope = await scopeOf(reply);
      if (!scope) return reply;
      const page = await listFollowUpsSince(deps.db, scope, {
        since: new Date(query.data.since),
        after: after ? { updatedAt: new Date(after.t), id: after.id } : null,
        limit: query.data.limit,
      });
      const last = page.last;
      return { data: page.followUps, nextCursor: last ? encodeCursor({ t: last.updatedAt.getTime(), id: last.id }) : null };
    });
  };
}

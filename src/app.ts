import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { healthRoutes } from './http/health.js';
import type { Metrics } from './http/metrics.js';

export type AppDeps = {
  log: Logger;
  metrics: Metrics;
  /** Database round trip for /readyz. */
  ping: () => Promise<void>;
  /** Platform webhook plugins, each encapsulated with its own raw-body parser. */
  webhooks?: FastifyPluginAsync[];
  /** The admin API (src/api), when GENJIN_ADMIN_TOKEN is set. */
  adminApi?: FastifyPluginAsync;
  /** Default 64 KiB: no legitimate webhook body is larger. */
  bodyLimit?: number;
};

/** Builds the HTTP app without listening, so tests drive it with `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; widening keeps the instance type the plain default one.
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
    return503OnClosing: true,
  });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal_error', message: 'Something went wrong on our side.', requestId: req.id });
    }
    req.log.info({ code: err.code, status }, 'request rejected');
    return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
  });

  await app.register(healthRoutes({ ping: deps.ping, metrics: deps.metrics }));
  for (const plugin of deps.webhooks ?? []) await app.register(plugin);
  if (deps.adminApi) await app.register(deps.adminApi);
  return app;
}

import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.js';

type HealthDeps = { ping: () => Promise<void>; metrics: Metrics };

/** Liveness, readiness (the database answers) and the Prometheus scrape endpoint. */
export function healthRoutes(deps: HealthDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));

    app.get('/readyz', async (req, reply) => {
      try {
        await deps.ping();
        return { status: 'ready' };
      } catch (err) {
        req.log.warn({ err: { message: (err as Error).message } }, 'readiness check failed: database unreachable');
        return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
      }
    });

    app.get('/metrics', async (_req, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}

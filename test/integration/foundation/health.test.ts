import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createDb } from '../../../src/db/client.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { outboxDepth } from '../../../src/delivery/outbox.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

describe('health, readiness and metrics', () => {
  const testDb = useTestDatabase();

  it('answers /healthz and /readyz when the database is up, and serves Prometheus metrics', async () => {
    const metrics = createMetrics({ outboxDepth: () => outboxDepth(testDb.db) });
    const app = await buildApp({ log: captureLogs().log, metrics, ping: () => testDb.handle.ping() });
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);

    const scrape = await app.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toContain('text/plain');
    expect(scrape.body).toContain('genjin_http_request_duration_seconds_bucket');
    expect(scrape.body).toMatch(/genjin_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1/);
    expect(scrape.body).toMatch(/genjin_outbox_messages\{status="pending"\} \d+/);
    expect(scrape.body).toContain('# TYPE genjin_webhook_events_total counter');
    expect(scrape.body).toContain('# TYPE genjin_job_runs_total counter');
    await app.close();
  });

  it('turns /readyz into 503 while the database is unreachable, and /healthz stays 200', async () => {
    const down = createDb('mysql://root@127.0.0.1:1/genjin', 1);
    const logs = captureLogs();
    const app = await buildApp({ log: logs.log, metrics: createMetrics(), ping: () => down.ping(1500) });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(logs.text()).toContain('readiness check failed');
    await app.close();
    await down.close();
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const app = await buildApp({ log: captureLogs().log, metrics: createMetrics(), ping: async () => undefined });
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    await app.close();
  });
});

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * One registry per app instance (not prom-client's global one), so tests can build several apps.
 * `outboxDepth` asks its source on every scrape rather than being pushed to.
 */
export function createMetrics(opts: { outboxDepth?: () => Promise<Record<string, number>>; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'genjin_' });

  const httpDuration = new Histogram({
    name: 'genjin_http_request_duration_seconds',
    help: 'HTTP request latency by route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const webhookEvents = new Counter({
    name: 'genjin_webhook_events_total',
    help: 'Webhook deliveries by platform and outcome (accepted, duplicate, rejected, challenge, ignored, unavailable)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const depthSource = opts.outboxDepth;
  const outboxDepth = new Gauge({
    name: 'genjin_outbox_messages',
    help: 'Outbox rows by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!depthSource) return;
      try {
        const byStatus = await depthSource();
        for (const [status, count] of Object.entries(byStatus)) this.set({ status }, count);
      } catch {
        // A scrape during a database outage shows the last known depth; /readyz reports the outage.
      }
    },
  });
  const jobRuns = new Counter({
    name: 'genjin_job_runs_total',
    help: 'Scheduled job runs by job and outcome (done, failed, skipped)',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const outboxDeliveries = new Counter({
    name: 'genjin_outbox_deliveries_total',
    help: 'Outbox delivery attempts by platform and outcome (sent, retry, failed, deferred)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, webhookEvents, outboxDepth, jobRuns, outboxDeliveries };
}

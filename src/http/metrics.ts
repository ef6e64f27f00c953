import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The outbox depth is a count query; several Prometheus servers, or a dashboard refreshing every
 * second, would each run it. 15 s is the usual scrape interval, so one answer serves a round.
 */
const DEPTH_MAX_AGE_MS = 15_000;

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * One registry per app instance (not prom-client's global one), so tests can build several apps.
 * `outboxDepth` is asked on a scrape rather than pushed to, at most once per `DEPTH_MAX_AGE_MS`.
 */
export function createMetrics(
  opts: { outboxDepth?: () => Promise<Record<string, number>>; defaultMetrics?: boolean; now?: () => number } = {},
) {
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
  const depth = opts.outboxDepth ? cachedFor(DEPTH_MAX_AGE_MS, opts.outboxDepth, opts.now ?? Date.now) : null;
  const outboxDepth = new Gauge({
    name: 'genjin_outbox_messages',
    help: 'Unfinished outbox rows by status (pending, sending, failed), at most 15 s old',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!depth) return;
      try {
        const byStatus = await depth();
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

/**
 * `load`, asked again only once its last answer is `maxAgeMs` old; concurrent callers share one
 * call in flight. A failed call is not kept, so the next caller asks again.
 */
function cachedFor<T>(maxAgeMs: number, load: () => Promise<T>, now: () => number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && now() - last.at < maxAgeMs) return last.value;
    const entry = { at: now(), value: load() };
    last = entry;
    entry.value.catch(() => {
      if (last === entry) last = null;
    });
    return entry.value;
  };
}

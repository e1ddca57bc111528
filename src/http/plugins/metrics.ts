// Prometheus: HTTP counts and latency by route, queue depth on scrape, process defaults.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import type { JobQueue } from '../../queue/index.ts';

client.collectDefaultMetrics();

const httpRequests = new client.Counter({
  name: 'uis_moysklad_http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'] as const,
});
const httpDuration = new client.Histogram({
  name: 'uis_moysklad_http_request_duration_seconds',
  help: 'HTTP request duration by route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
});
const queueDepth = new client.Gauge({
  name: 'uis_moysklad_queue_jobs',
  help: 'Jobs per queue and state, read from the database at scrape time',
  labelNames: ['queue', 'state'] as const,
});

export function registerMetrics(app: FastifyInstance, queue: JobQueue) {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    if (queue.isRunning()) {
      queueDepth.reset();
      for (const q of await queue.snapshot().catch(() => [])) {
        queueDepth.set({ queue: q.name, state: 'queued' }, q.queued);
        queueDepth.set({ queue: q.name, state: 'active' }, q.active);
        queueDepth.set({ queue: q.name, state: 'failed' }, q.failed);
        queueDepth.set({ queue: q.name, state: 'deferred' }, q.deferred);
      }
    }
    reply.header('content-type', client.register.contentType);
    return client.register.metrics();
  });
}

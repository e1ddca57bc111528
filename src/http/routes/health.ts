import type { FastifyInstance } from 'fastify';
import { ping } from '../../db/index.ts';
import type { AppContext } from '../../runtime/context.ts';

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  /** Liveness: the process serves HTTP. */
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  /** Readiness: the database answers and the queue is started. */
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await ping(ctx.database);
      checks.database = 'ok';
    } catch (err) {
      checks.database = `error: ${(err as Error).message}`;
    }
    checks.queue = ctx.queue.isRunning() ? 'ok' : 'stopped';
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks, database: ctx.database.kind });
  });
}

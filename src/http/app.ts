// The Fastify application: plugins in order (errors, cookies, auth, metrics, OpenAPI), then routes.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../runtime/context.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { accountRoutes } from './routes/accounts.ts';
import { authRoutes } from './routes/auth.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { dealRoutes } from './routes/deals.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { webRoutes } from './routes/web.ts';
import { telephonyRoutes } from './routes/telephony.ts';
import { telephonyRoutingRoutes } from './routes/telephony-routing.ts';
import { rulesRoutes } from './routes/rules.ts';

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void;

export async function buildHttpApp(ctx: AppContext, extraRoutes: RouteModule[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ module: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // Request log lines at the end of each request, with the hook secret scrubbed by the serializer.
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ req, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'uis-moysklad cabinet API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'usm_session' },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuth(app, ctx);
  registerMetrics(app, ctx.queue);
  for (const routes of [healthRoutes, authRoutes, accountRoutes, credentialRoutes, integrationRoutes, inboxRoutes, telephonyRoutingRoutes, hookRoutes, telephonyRoutes, dealRoutes, rulesRoutes, ...extraRoutes, webRoutes]) {
    routes(app, ctx);
  }
  return app;
}

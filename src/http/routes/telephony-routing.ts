// Synchronous telephony hooks that cannot wait for the inbox → job path:
// - UIS «Интерактивная обработка вызова» asks which phones to ring for a caller and must get the
//   answer in the same HTTP exchange; the request is still written to the inbox (after answering, in batches).
// - MoySklad counterparty webhooks of a telephony integration (stored by the intake like any hook,
//   under their own source so the routing index processor handles them).
// Static last segments win over the generic /hooks/…/:event routes in Fastify's router.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../runtime/context.ts';
import { COUNTERPARTY_WEBHOOK_SOURCE, RoutingAudit, routingService, telephonyDeps } from '../../telephony/index.ts';
import { inboundItem } from './inbound-item.ts';

const NOT_FOUND = { error: { code: 'not_found', message: 'not found' } };

/** `numa` from the query, a JSON body or a form body (UIS lets the user choose GET or POST). */
function callerNumber(req: FastifyRequest): string | null {
  const q = req.query as Record<string, unknown>;
  if (typeof q.numa === 'string') return q.numa;
  const body = typeof req.body === 'string' ? req.body.trim() : '';
  if (!body) return null;
  if (body.startsWith('{')) {
    try {
      const v = (JSON.parse(body) as Record<string, unknown>).numa;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    } catch {
      return null;
    }
  }
  return new URLSearchParams(body).get('numa');
}

export function telephonyRoutingRoutes(app: FastifyInstance, ctx: AppContext) {
  const deps = telephonyDeps(ctx);
  const audit = new RoutingAudit(ctx.database.db, ctx.log.child({ module: 'routing-audit' }));
  app.addHook('onClose', () => audit.flush());
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

    const route = async (req: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) => {
      const integration = await ctx.integrationsRepo.findByHookSecret(req.params.secret);
      if (!integration || integration.kind !== 'moysklad-telephony') return reply.status(404).send(NOT_FOUND);
      const decision = await routingService(deps).decide(integration, callerNumber(req));
      await reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(decision.answer));
      // Audit copy after answering: the answer must not wait for a write.
      const item = inboundItem(req, integration, 'uis-routing', 'routing');
      audit.add(item);
      ctx.log.debug({ integrationId: integration.id, reason: decision.reason, ms: decision.ms }, 'routing answered');
      return reply;
    };
    scope.get<{ Params: { secret: string } }>('/hooks/uis/:secret/routing', { schema: { hide: true } }, route);
    scope.post<{ Params: { secret: string } }>('/hooks/uis/:secret/routing', { schema: { hide: true } }, route);

    scope.post<{ Params: { secret: string } }>('/hooks/moysklad/:secret/counterparty', { schema: { hide: true } }, async (req, reply) => {
      const integration = await ctx.integrationsRepo.findByHookSecret(req.params.secret);
      if (!integration || integration.kind !== 'moysklad-telephony') return reply.status(404).send(NOT_FOUND);
      await ctx.intake.accept(inboundItem(req, integration, COUNTERPARTY_WEBHOOK_SOURCE, 'counterparty'));
      return reply.status(200).send({ ok: true });
    });
  });
}

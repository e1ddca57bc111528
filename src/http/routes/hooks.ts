// Inbound callbacks from UIS and MoySklad. The secret in the path identifies the integration;
// an unknown secret gets exactly the 404 of any unknown path. Bodies are kept as raw text,
// whatever their content type, and stored before we answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../runtime/context.ts';
import { inboundItem } from './inbound-item.ts';

type HookParams = { secret: string; event: string };

const NOT_FOUND = { error: { code: 'not_found', message: 'not found' } };
const MOYSKLAD_SOURCES: Record<string, string> = { phone: 'moysklad-click-to-call', webhook: 'moysklad-webhook' };
const EVENT = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

export function hookRoutes(app: FastifyInstance, ctx: AppContext) {
  app.register(async (scope) => {
    // Raw text for every content type, so nothing is lost to a parser's opinion.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    const receive = (source: (event: string) => string) => async (req: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply) => {
      const { secret, event } = req.params;
      if (!EVENT.test(event)) return reply.status(404).send(NOT_FOUND);
      const integration = await ctx.integrationsRepo.findByHookSecret(secret);
      if (!integration) return reply.status(404).send(NOT_FOUND);
      await ctx.intake.accept(inboundItem(req, integration, source(event), event));
      return reply.status(200).send({ ok: true });
    };

    const uis = receive(() => 'uis');
    scope.post<{ Params: HookParams }>('/hooks/uis/:secret/:event', { schema: { hide: true } }, uis);
    scope.get<{ Params: HookParams }>('/hooks/uis/:secret/:event', { schema: { hide: true } }, uis);
    // MoySklad calls two URLs of ours: the telephony provider URL and the JSON API webhooks.
    const moysklad = receive((event) => MOYSKLAD_SOURCES[event]!);
    scope.post<{ Params: HookParams }>('/hooks/moysklad/:secret/:event', { schema: { hide: true } }, async (req, reply) => {
      if (!MOYSKLAD_SOURCES[req.params.event]) return reply.status(404).send(NOT_FOUND);
      return moysklad(req, reply);
    });
  });
}

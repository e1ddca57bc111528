import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INTEGRATION_KINDS } from '../../db/schema/integrations.ts';
import { IntegrationValidationError, KIND_DEFINITIONS } from '../../integrations/index.ts';
import type { AppContext } from '../../runtime/context.ts';
import { requireAuth, requireOwner } from '../plugins/auth.ts';
import { badRequest, notFound } from '../plugins/errors.ts';
import { idParams, integrationSchema } from './schemas.ts';

const editable = z.object({
  name: z.string().trim().max(200).optional(),
  active: z.boolean().optional(),
  credentialIds: z.record(z.string(), z.uuid('must be a credential id')).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

const rethrow = (err: unknown): never => {
  if (err instanceof IntegrationValidationError) throw badRequest(err.message);
  throw err;
};

export function integrationRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/integration-kinds', { schema: { tags: ['integrations'], summary: 'Integration kinds, their credential roles and settings' } }, async (req) => {
    requireAuth(req);
    return INTEGRATION_KINDS.map((kind) => ({
      kind,
      title: KIND_DEFINITIONS[kind].title,
      roles: KIND_DEFINITIONS[kind].roles,
      settings: z.toJSONSchema(KIND_DEFINITIONS[kind].settings, { io: 'input' }),
    }));
  });

  r.get('/api/v1/integrations', { schema: { tags: ['integrations'], response: { 200: z.array(integrationSchema) } } }, async (req) => {
    return ctx.integrations.list(requireAuth(req).accountId);
  });

  r.post(
    '/api/v1/integrations',
    { schema: { tags: ['integrations'], summary: 'Create an integration', body: editable.extend({ kind: z.enum(INTEGRATION_KINDS) }), response: { 201: integrationSchema } } },
    async (req, reply) => {
      const auth = requireOwner(req);
      const { kind, ...input } = req.body;
      const view = await ctx.integrations.create(auth.accountId, kind, input).catch(rethrow);
      return reply.status(201).send(view);
    },
  );

  r.get('/api/v1/integrations/:id', { schema: { tags: ['integrations'], params: idParams, response: { 200: integrationSchema } } }, async (req) => {
    const view = await ctx.integrations.get(requireAuth(req).accountId, req.params.id);
    if (!view) throw notFound();
    return view;
  });

  r.patch(
    '/api/v1/integrations/:id',
    { schema: { tags: ['integrations'], summary: 'Change name, active switch, credentials or settings (settings are merged)', params: idParams, body: editable, response: { 200: integrationSchema } } },
    async (req) => {
      const view = await ctx.integrations.update(requireOwner(req).accountId, req.params.id, req.body).catch(rethrow);
      if (!view) throw notFound();
      return view;
    },
  );

  r.post(
    '/api/v1/integrations/:id/rotate-secret',
    { schema: { tags: ['integrations'], summary: 'New webhook URLs; the old ones stop working at once', params: idParams, response: { 200: integrationSchema } } },
    async (req) => {
      const view = await ctx.integrations.rotateSecret(requireOwner(req).accountId, req.params.id);
      if (!view) throw notFound();
      return view;
    },
  );

  r.delete('/api/v1/integrations/:id', { schema: { tags: ['integrations'], params: idParams } }, async (req, reply) => {
    if (!(await ctx.integrationsRepo.delete(requireOwner(req).accountId, req.params.id))) throw notFound();
    return reply.status(204).send();
  });
}

// The credentials vault over HTTP. Secrets are write-only: no response ever carries one.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CREDENTIAL_KINDS } from '../../db/schema/credentials.ts';
import type { AppContext } from '../../runtime/context.ts';
import { requireAuth, requireOwner } from '../plugins/auth.ts';
import { HttpError, notFound } from '../plugins/errors.ts';
import { credentialSchema, idParams } from './schemas.ts';

const secret = z.string().min(1, 'must not be empty').max(4000);

const createBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('moysklad-basic'), name: z.string().trim().min(1).max(200), login: z.string().trim().min(1).max(320), secret }),
  ...(['moysklad-token', 'moysklad-phone-key', 'uis-api-key'] as const).map((kind) =>
    z.object({ kind: z.literal(kind), name: z.string().trim().min(1).max(200), secret }),
  ),
]);

export function credentialRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/credentials', { schema: { tags: ['credentials'], summary: 'Credentials of the account (never the secrets)', response: { 200: z.array(credentialSchema) } } }, async (req) => {
    return ctx.credentials.list(requireAuth(req).accountId);
  });

  r.post(
    '/api/v1/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: `Add a credential. Kinds: ${CREDENTIAL_KINDS.join(', ')}; moysklad-basic also takes a login (the secret is the password)`,
        body: createBody,
        response: { 201: credentialSchema },
      },
    },
    async (req, reply) => {
      const auth = requireOwner(req);
      const b = req.body;
      const view = await ctx.credentials.create(auth.accountId, { name: b.name, kind: b.kind, secret: b.secret, login: 'login' in b ? b.login : null });
      return reply.status(201).send(view);
    },
  );

  r.get('/api/v1/credentials/:id', { schema: { tags: ['credentials'], params: idParams, response: { 200: credentialSchema } } }, async (req) => {
    const view = await ctx.credentials.get(requireAuth(req).accountId, req.params.id);
    if (!view) throw notFound();
    return view;
  });

  r.patch(
    '/api/v1/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Rename, change the login, or replace the secret',
        params: idParams,
        body: z.object({ name: z.string().trim().min(1).max(200).optional(), login: z.string().trim().min(1).max(320).optional(), secret: secret.optional() }),
        response: { 200: credentialSchema },
      },
    },
    async (req) => {
      const auth = requireOwner(req);
      const current = await ctx.credentials.get(auth.accountId, req.params.id);
      if (!current) throw notFound();
      if (req.body.login !== undefined && current.kind !== 'moysklad-basic') throw new HttpError(400, 'bad_request', `login: only moysklad-basic credentials have a login`);
      const view = await ctx.credentials.update(auth.accountId, req.params.id, req.body);
      if (!view) throw notFound();
      return view;
    },
  );

  r.delete('/api/v1/credentials/:id', { schema: { tags: ['credentials'], summary: 'Delete a credential no integration uses', params: idParams } }, async (req, reply) => {
    const auth = requireOwner(req);
    const users = await ctx.integrationsRepo.usingCredential(auth.accountId, req.params.id);
    if (users.length > 0) throw new HttpError(409, 'in_use', `used by integration(s): ${users.map((i) => i.name).join(', ')}`);
    if (!(await ctx.credentials.delete(auth.accountId, req.params.id))) throw notFound();
    return reply.status(204).send();
  });
}

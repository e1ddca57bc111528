// Accounts (tenants), users of an account, and the account's API tokens.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EmailTakenError } from '../../accounts/index.ts';
import type { AppContext } from '../../runtime/context.ts';
import { requireAuth, requireOperator, requireOwner } from '../plugins/auth.ts';
import { HttpError, notFound } from '../plugins/errors.ts';
import { accountSchema, idParams, userSchema } from './schemas.ts';

const newUser = z.object({
  email: z.email('must be an e-mail address'),
  password: z.string().min(10, 'at least 10 characters').max(1000),
  role: z.enum(['owner', 'member']).default('member'),
});

export function accountRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/account', { schema: { tags: ['accounts'], summary: 'The current account', response: { 200: accountSchema } } }, async (req) => {
    const account = await ctx.accounts.get(requireAuth(req).accountId);
    if (!account) throw notFound();
    return account;
  });

  r.get('/api/v1/accounts', { schema: { tags: ['accounts'], summary: 'All accounts (operators)', response: { 200: z.array(accountSchema) } } }, async (req) => {
    requireOperator(req);
    return ctx.accounts.list();
  });

  r.post(
    '/api/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account with its first owner (operators)',
        body: z.object({ name: z.string().trim().min(1).max(200), owner: newUser.omit({ role: true }) }),
        response: { 201: z.object({ account: accountSchema, owner: userSchema }) },
      },
    },
    async (req, reply) => {
      requireOperator(req);
      const account = await ctx.accounts.create(req.body.name);
      try {
        const owner = await ctx.users.create({ accountId: account.id, ...req.body.owner, role: 'owner' });
        return reply.status(201).send({ account, owner });
      } catch (err) {
        await ctx.accounts.delete(account.id);
        if (err instanceof EmailTakenError) throw new HttpError(409, 'conflict', `owner.email: ${err.message}`);
        throw err;
      }
    },
  );

  r.patch(
    '/api/v1/accounts/:id',
    { schema: { tags: ['accounts'], summary: 'Rename an account', params: idParams, body: z.object({ name: z.string().trim().min(1).max(200) }), response: { 200: accountSchema } } },
    async (req) => {
      const auth = requireOwner(req);
      if (!auth.isOperator && auth.accountId !== req.params.id) throw notFound();
      const account = await ctx.accounts.rename(req.params.id, req.body.name);
      if (!account) throw notFound();
      return account;
    },
  );

  r.delete('/api/v1/accounts/:id', { schema: { tags: ['accounts'], summary: 'Delete an account and all its data (operators)', params: idParams } }, async (req, reply) => {
    const auth = requireOperator(req);
    if (auth.userId && (await ctx.users.get(auth.userId))?.accountId === req.params.id) {
      throw new HttpError(409, 'conflict', 'you cannot delete the account you belong to');
    }
    if (!(await ctx.accounts.delete(req.params.id))) throw notFound();
    return reply.status(204).send();
  });

  r.get('/api/v1/users', { schema: { tags: ['users'], summary: 'Users of the account', response: { 200: z.array(userSchema) } } }, async (req) => {
    return ctx.users.listByAccount(requireAuth(req).accountId);
  });

  r.post('/api/v1/users', { schema: { tags: ['users'], summary: 'Add a user to the account', body: newUser, response: { 201: userSchema } } }, async (req, reply) => {
    const auth = requireOwner(req);
    try {
      return reply.status(201).send(await ctx.users.create({ accountId: auth.accountId, ...req.body }));
    } catch (err) {
      if (err instanceof EmailTakenError) throw new HttpError(409, 'conflict', `email: ${err.message}`);
      throw err;
    }
  });

  r.delete('/api/v1/users/:id', { schema: { tags: ['users'], summary: 'Remove a user', params: idParams } }, async (req, reply) => {
    const auth = requireOwner(req);
    if (auth.userId === req.params.id) throw new HttpError(409, 'conflict', 'you cannot remove yourself');
    if (!(await ctx.users.delete(auth.accountId, req.params.id))) throw notFound();
    return reply.status(204).send();
  });

  const tokenSchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });

  r.get('/api/v1/api-tokens', { schema: { tags: ['api tokens'], summary: 'API tokens of the account', response: { 200: z.array(tokenSchema) } } }, async (req) => {
    return ctx.apiTokens.list(requireOwner(req).accountId);
  });

  r.post(
    '/api/v1/api-tokens',
    {
      schema: {
        tags: ['api tokens'],
        summary: 'Create an API token (the token is shown only in this response)',
        body: z.object({ name: z.string().trim().min(1).max(200) }),
        response: { 201: z.object({ token: z.string(), apiToken: tokenSchema }) },
      },
    },
    async (req, reply) => {
      const auth = requireOwner(req);
      if (auth.via === 'token') throw new HttpError(403, 'forbidden', 'API tokens cannot create API tokens');
      const { token, view } = await ctx.apiTokens.create(auth.accountId, req.body.name);
      return reply.status(201).send({ token, apiToken: view });
    },
  );

  r.delete('/api/v1/api-tokens/:id', { schema: { tags: ['api tokens'], summary: 'Revoke an API token', params: idParams } }, async (req, reply) => {
    if (!(await ctx.apiTokens.revoke(requireOwner(req).accountId, req.params.id))) throw notFound();
    return reply.status(204).send();
  });
}

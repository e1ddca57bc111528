// Cabinet login: e-mail + password → an httpOnly session cookie.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../runtime/context.ts';
import { SESSION_COOKIE, requireAuth } from '../plugins/auth.ts';
import { HttpError } from '../plugins/errors.ts';
import { userSchema } from './schemas.ts';

export function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https://');

  r.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in to the cabinet (sets the session cookie)',
        body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (req, reply) => {
      const user = await ctx.users.authenticate(req.body.email, req.body.password);
      if (!user) throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
      const session = await ctx.sessions.create(user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        expires: session.expiresAt,
      });
      return { user };
    },
  );

  r.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Log out' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await ctx.sessions.destroy(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  r.get(
    '/api/v1/me',
    { schema: { tags: ['auth'], summary: 'The caller: user (for sessions) and account' } },
    async (req) => {
      const auth = requireAuth(req);
      const user = auth.userId ? await ctx.users.get(auth.userId) : null;
      const account = await ctx.accounts.get(auth.accountId);
      return { user, account, via: auth.via, role: auth.role, isOperator: auth.isOperator };
    },
  );

  r.put(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(10, 'at least 10 characters').max(1000) }),
      },
    },
    async (req, reply) => {
      const auth = requireAuth(req);
      if (!auth.userId) throw new HttpError(400, 'bad_request', 'API tokens have no password');
      const user = await ctx.users.get(auth.userId);
      if (!user || !(await ctx.users.authenticate(user.email, req.body.currentPassword))) {
        throw new HttpError(403, 'forbidden', 'current password is wrong');
      }
      await ctx.users.setPassword(user.id, req.body.newPassword);
      await ctx.sessions.destroyForUser(user.id);
      return reply.status(204).send();
    },
  );
}

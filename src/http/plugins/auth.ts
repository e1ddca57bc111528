// Who is calling: a cabinet session cookie or an account API token (`Authorization: Bearer usm_…`).
// Every account-scoped route reads the account from here, never from the request body, so a
// tenant cannot reach another's data. Operators may act for another account via `X-Account-Id`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../runtime/context.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'usm_session';

export type Auth = {
  accountId: string;
  userId: string | null;
  role: 'owner' | 'member';
  isOperator: boolean;
  via: 'session' | 'token';
};

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerAuth(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/')) return;
    req.auth = await resolveAuth(req, ctx);
  });
}

async function resolveAuth(req: FastifyRequest, ctx: AppContext): Promise<Auth | null> {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const t = await ctx.apiTokens.resolve(header.slice(7).trim());
    return t ? { accountId: t.accountId, userId: null, role: 'owner', isOperator: false, via: 'token' } : null;
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const user = await ctx.sessions.resolve(cookie);
  if (!user) return null;
  let accountId = user.accountId;
  const asAccount = req.headers['x-account-id'];
  if (typeof asAccount === 'string' && asAccount !== accountId) {
    if (!user.isOperator) throw new HttpError(403, 'forbidden', 'X-Account-Id: only operators may act for another account');
    if (!UUID.test(asAccount) || !(await ctx.accounts.get(asAccount))) throw new HttpError(404, 'not_found', 'X-Account-Id: no such account');
    accountId = asAccount;
  }
  return { accountId, userId: user.id, role: user.isOperator ? 'owner' : user.role, isOperator: user.isOperator, via: 'session' };
}

export function requireAuth(req: FastifyRequest): Auth {
  if (!req.auth) throw new HttpError(401, 'unauthorized', 'log in or send an API token');
  return req.auth;
}

export function requireOwner(req: FastifyRequest): Auth {
  const auth = requireAuth(req);
  if (auth.role !== 'owner') throw new HttpError(403, 'forbidden', 'only an account owner may do this');
  return auth;
}

export function requireOperator(req: FastifyRequest): Auth {
  const auth = requireAuth(req);
  if (!auth.isOperator) throw new HttpError(403, 'forbidden', 'only an operator may do this');
  return auth;
}

/** preHandler form, for route options. */
export const authenticated = async (req: FastifyRequest, _reply: FastifyReply) => {
  requireAuth(req);
};

// What arrived from outside, as received — including what could not be understood, with why.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INBOX_STATUSES } from '../../db/schema/inbox.ts';
import type { AppContext } from '../../runtime/context.ts';
import { requireAuth } from '../plugins/auth.ts';
import { notFound } from '../plugins/errors.ts';

export function inboxRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/inbox',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Inbound callbacks, newest first; page with `before` = the last id seen',
        querystring: z.object({
          status: z.enum(INBOX_STATUSES).optional(),
          integrationId: z.uuid().optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const items = await ctx.inbox.list(requireAuth(req).accountId, { status: q.status, integrationId: q.integrationId, beforeId: q.before, limit: q.limit });
      return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );

  r.get('/api/v1/inbox/:id', { schema: { tags: ['inbox'], params: z.object({ id: z.coerce.number().int().positive() }) } }, async (req) => {
    const item = await ctx.inbox.get(requireAuth(req).accountId, req.params.id);
    if (!item) throw notFound();
    return item;
  });
}

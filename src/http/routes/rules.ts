// Cabinet API of the rules (issue 6): the ordered rule list per integration (defaults until the user
// saves), a preview that touches nothing outside, and the activity log with links to MoySklad.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listActivity } from '../../activity/index.ts';
import type { AppContext } from '../../runtime/context.ts';
import { defaultRuleSet, previewRules, ruleSetSchema, RulesStore, sampleSchema } from '../../rules/index.ts';
import { requireAuth, requireOwner } from '../plugins/auth.ts';
import { badRequest, notFound } from '../plugins/errors.ts';
import { idParams } from './schemas.ts';

const tags = ['rules'];
const RULE_KINDS = new Set(['moysklad-telephony', 'moysklad-chats']);

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0]!;
  return `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`;
}

export function rulesRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const store = new RulesStore(ctx.database.db);

  const integration = async (accountId: string, id: string) => {
    const row = await ctx.integrationsRepo.get(accountId, id);
    if (!row || !RULE_KINDS.has(row.kind)) throw notFound();
    return row;
  };

  r.get('/api/v1/integrations/:id/rules', { schema: { tags, summary: 'The ordered rules and settings (defaults when never saved)', params: idParams } }, async (req) => {
    const row = await integration(requireAuth(req).accountId, req.params.id);
    const { ruleSet, saved, version } = await store.ruleSet(row.id);
    return { ...ruleSet, isDefault: !saved, version };
  });

  r.put(
    '/api/v1/integrations/:id/rules',
    { schema: { tags, summary: 'Replace the ordered rules and settings', params: idParams, body: z.record(z.string(), z.unknown()) } },
    async (req) => {
      const auth = requireOwner(req);
      const row = await integration(auth.accountId, req.params.id);
      const parsed = ruleSetSchema.safeParse(req.body);
      if (!parsed.success) throw badRequest(`Правила не сохранены — ${firstIssue(parsed.error)}`);
      const version = await store.saveRuleSet(auth.accountId, row.id, parsed.data);
      return { ...parsed.data, isDefault: false, version };
    },
  );

  r.delete('/api/v1/integrations/:id/rules', { schema: { tags, summary: 'Back to the default rules', params: idParams } }, async (req) => {
    const row = await integration(requireOwner(req).accountId, req.params.id);
    await store.resetRuleSet(row.id);
    return { ...defaultRuleSet(), isDefault: true, version: 0 };
  });

  r.post(
    '/api/v1/integrations/:id/rules/preview',
    {
      schema: {
        tags,
        summary: 'What the rules (saved, or given unsaved in `rules`) would do for a sample communication; touches neither MoySklad nor UIS',
        params: idParams,
        body: z.object({ communication: z.record(z.string(), z.unknown()).default({}), rules: z.record(z.string(), z.unknown()).optional() }),
      },
    },
    async (req) => {
      const auth = requireAuth(req);
      const row = await integration(auth.accountId, req.params.id);
      const sample = sampleSchema.safeParse(req.body.communication);
      if (!sample.success) throw badRequest(`Пример обращения — ${firstIssue(sample.error)}`);
      let rs = (await store.ruleSet(row.id)).ruleSet;
      if (req.body.rules) {
        const parsed = ruleSetSchema.safeParse(req.body.rules);
        if (!parsed.success) throw badRequest(`Правила — ${firstIssue(parsed.error)}`);
        rs = parsed.data;
      }
      return previewRules(store, auth.accountId, rs, sample.data);
    },
  );

  const activityQuery = z.object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce.number().int().positive().optional(),
    communication: z.string().max(200).optional(),
  });

  r.get(
    '/api/v1/integrations/:id/activity',
    { schema: { tags, summary: 'What the connector did for this integration, newest first, with links to MoySklad objects', params: idParams, querystring: activityQuery } },
    async (req) => {
      const auth = requireAuth(req);
      const row = await ctx.integrationsRepo.get(auth.accountId, req.params.id);
      if (!row) throw notFound();
      const items = await listActivity(ctx.database.db, auth.accountId, {
        integrationId: row.id,
        limit: req.query.limit,
        ...(req.query.before !== undefined ? { before: req.query.before } : {}),
        ...(req.query.communication ? { communicationRef: req.query.communication } : {}),
      });
      return { items, nextBefore: items.length === req.query.limit ? items.at(-1)!.id : null };
    },
  );

  r.get('/api/v1/activity', { schema: { tags, summary: 'The account’s activity log across integrations', querystring: activityQuery } }, async (req) => {
    const auth = requireAuth(req);
    const items = await listActivity(ctx.database.db, auth.accountId, {
      limit: req.query.limit,
      ...(req.query.before !== undefined ? { before: req.query.before } : {}),
      ...(req.query.communication ? { communicationRef: req.query.communication } : {}),
    });
    return { items, nextBefore: items.length === req.query.limit ? items.at(-1)!.id : null };
  });
}

// Cabinet API of a «МойСклад — телефония» integration: connection check, employees (matched,
// unmatched, refresh, overrides), click-to-call log, routing test, UIS notification templates.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../runtime/context.ts';
import {
  checkConnection,
  ClickToCallRepository,
  employeesView,
  overrideEmployee,
  refreshEmployees,
  routingService,
  telephonyDeps,
} from '../../telephony/index.ts';
import { hookUrlsFor } from '../../integrations/index.ts';
import { notificationTemplatesFor } from '../../uis/index.ts';
import { requireAuth, requireOwner } from '../plugins/auth.ts';
import { badRequest, notFound } from '../plugins/errors.ts';
import { idParams } from './schemas.ts';

const tags = ['telephony'];

export function telephonyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = telephonyDeps(ctx);
  const c2c = new ClickToCallRepository(ctx.database.db);

  const integration = async (accountId: string, id: string) => {
    const row = await ctx.integrationsRepo.get(accountId, id);
    if (!row || row.kind !== 'moysklad-telephony') throw notFound();
    return row;
  };

  r.get('/api/v1/integrations/:id/check', { schema: { tags, summary: 'Check each link: Phone API key, JSON API credential, UIS key', params: idParams } }, async (req) => {
    const row = await integration(requireAuth(req).accountId, req.params.id);
    return checkConnection(deps, row, hookUrlsFor(ctx.config.publicUrl, row.kind, row.hookSecret).webhookUrl);
  });

  r.get('/api/v1/integrations/:id/employees', { schema: { tags, summary: 'MoySklad ↔ UIS employees: matched and unmatched', params: idParams } }, async (req) => {
    const row = await integration(requireAuth(req).accountId, req.params.id);
    return employeesView(deps, row.id);
  });

  r.post('/api/v1/integrations/:id/employees/refresh', { schema: { tags, summary: 'Refresh both employee lists now', params: idParams } }, async (req) => {
    const row = await integration(requireOwner(req).accountId, req.params.id);
    await refreshEmployees(deps, row);
    return employeesView(deps, row.id);
  });

  r.put(
    '/api/v1/integrations/:id/employees/:employeeId',
    {
      schema: {
        tags,
        summary: 'Manual link of a MoySklad employee: a UIS employee id, null = never link, "auto" = back to automatic matching',
        params: idParams.extend({ employeeId: z.string().regex(/^[0-9a-zA-Z-]{1,64}$/) }),
        body: z.object({ uisEmployeeId: z.union([z.number().int().positive(), z.null(), z.literal('auto')]) }),
      },
    },
    async (req) => {
      const row = await integration(requireOwner(req).accountId, req.params.id);
      const view = await employeesView(deps, row.id);
      const knownMs = [...view.matched.map((m) => m.moysklad.employeeId), ...view.unmatchedMoysklad.map((m) => m.employeeId)];
      if (!knownMs.includes(req.params.employeeId)) throw badRequest('Нет такого сотрудника МойСклад с добавочным номером — обновите список сотрудников');
      const uisId = req.body.uisEmployeeId;
      if (typeof uisId === 'number' && ![...view.matched.map((m) => m.uis.employeeId), ...view.unmatchedUis.map((u) => u.employeeId)].includes(uisId)) {
        throw badRequest('Нет такого сотрудника UIS — обновите список сотрудников');
      }
      await overrideEmployee(deps, row.id, req.params.employeeId, uisId);
      return employeesView(deps, row.id);
    },
  );

  r.get(
    '/api/v1/integrations/:id/click-to-call',
    { schema: { tags, summary: 'Recent click-to-call requests with outcome and reason', params: idParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) } },
    async (req) => {
      const auth = requireAuth(req);
      const row = await integration(auth.accountId, req.params.id);
      return c2c.recent(auth.accountId, row.id, req.query.limit);
    },
  );

  r.get(
    '/api/v1/integrations/:id/routing/test',
    { schema: { tags, summary: 'What the routing endpoint would answer for a caller number, and why', params: idParams, querystring: z.object({ phone: z.string().min(1).max(64) }) } },
    async (req) => {
      const row = await integration(requireAuth(req).accountId, req.params.id);
      return routingService(deps).decide(row, req.query.phone, { waitForCold: true });
    },
  );

  r.post('/api/v1/integrations/:id/routing/refresh', { schema: { tags, summary: 'Rebuild the routing index from MoySklad now (and register the webhooks)', params: idParams } }, async (req) => {
    const row = await integration(requireOwner(req).accountId, req.params.id);
    return routingService(deps).refreshAll(row);
  });

  r.get('/api/v1/integrations/:id/uis-notifications', { schema: { tags, summary: 'UIS notifications the user must create (event, URL, body template)', params: idParams } }, async (req) => {
    const row = await integration(requireAuth(req).accountId, req.params.id);
    const urls = hookUrlsFor(ctx.config.publicUrl, row.kind, row.hookSecret);
    return { routingUrl: urls.uisRouting, notifications: notificationTemplatesFor(urls.uisNotificationsBase!) };
  });
}

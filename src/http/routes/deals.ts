// "Сырые данные → Сделки": deals listing (filters, sorting, cursor paging), CSV export, one deal
// with its stage history and touches, the funnel, the sync status of deals integrations, the
// attribution report, and the analytics feed (deals / stages / contacts changed since).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  attributionReport,
  BadCursorError,
  dealsModule,
  dealTouches,
  syncStatus,
  type DealFilters,
  type DealView,
} from '../../deals/index.ts';
import type { AppContext } from '../../runtime/context.ts';
import { requireAuth } from '../plugins/auth.ts';
import { badRequest, notFound } from '../plugins/errors.ts';

const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v.map(String) : undefined);

const filters = z.object({
  integrationId: z.uuid().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** Stage ids, comma-separated. */
  stage: z.preprocess(list, z.array(z.string().min(1)).max(100)).optional(),
  outcome: z.enum(['open', 'won', 'lost']).optional(),
  store: z.string().min(1).optional(),
  salesChannel: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  manager: z.string().min(1).optional(),
  contact: z.string().min(1).optional(),
  includeDeleted: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

const toFilters = (q: z.infer<typeof filters>): DealFilters => ({
  integrationId: q.integrationId,
  from: q.from,
  to: q.to,
  stageIds: q.stage,
  outcome: q.outcome,
  storeId: q.store,
  salesChannelId: q.salesChannel,
  projectId: q.project,
  managerId: q.manager,
  contactId: q.contact,
  includeDeleted: q.includeDeleted,
});

const cursorError = (err: unknown): never => {
  if (err instanceof BadCursorError) throw badRequest('cursor: not a cursor from this API');
  throw err;
};

const CSV_COLUMNS: Array<[string, (d: DealView) => string]> = [
  ['ID', (d) => d.id],
  ['Номер', (d) => d.name],
  ['Дата', (d) => d.moment],
  ['Сумма, ₽', (d) => (d.sum / 100).toFixed(2)],
  ['Оплачено, ₽', (d) => (d.payedSum / 100).toFixed(2)],
  ['Этап', (d) => d.stage?.name ?? ''],
  ['Итог', (d) => ({ open: 'в работе', won: 'успешно', lost: 'неуспешно' })[d.stage?.outcome ?? ''] ?? ''],
  ['Склад', (d) => d.store?.name ?? ''],
  ['Канал продаж', (d) => d.salesChannel?.name ?? ''],
  ['Проект', (d) => d.project?.name ?? ''],
  ['Организация', (d) => d.organization?.name ?? ''],
  ['Менеджер', (d) => d.manager?.name ?? ''],
  ['Контрагент', (d) => d.contact?.name ?? ''],
  ['Телефоны', (d) => d.contact?.phones.join(', ') ?? ''],
  ['E-mail', (d) => d.contact?.emails.join(', ') ?? ''],
  ['Создана', (d) => d.created],
  ['Изменена', (d) => d.updated],
  ['Удалена', (d) => d.deletedAt ?? ''],
];

/** RFC 4180 field; a leading =,+,-,@ is neutralised so spreadsheets do not run it as a formula. */
function csvField(v: string): string {
  const safe = /^[=+\-@]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function dealRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deals = () => dealsModule(ctx);

  r.get(
    '/api/v1/deals',
    {
      schema: {
        tags: ['deals'],
        summary: 'Deals (MoySklad customer orders), newest first by default; page with `cursor` = the last nextCursor',
        querystring: filters.extend({
          sort: z.enum(['moment', 'sum', 'updated', 'created']).default('moment'),
          dir: z.enum(['asc', 'desc']).default('desc'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(500).optional(),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      return deals().queries.list(requireAuth(req).accountId, toFilters(q), { sort: q.sort, dir: q.dir, limit: q.limit, cursor: q.cursor }).catch(cursorError);
    },
  );

  r.get(
    '/api/v1/deals/export.csv',
    { schema: { tags: ['deals'], summary: 'The filtered deals as CSV (UTF-8 with BOM, «;»-separated), streamed', querystring: filters } },
    async (req, reply) => {
      const accountId = requireAuth(req).accountId;
      const rows = deals().queries.iterate(accountId, toFilters(req.query));
      async function* csv() {
        yield '\ufeff' + CSV_COLUMNS.map(([h]) => csvField(h)).join(';') + '\r\n';
        let chunk = '';
        for await (const d of rows) {
          chunk += CSV_COLUMNS.map(([, f]) => csvField(f(d))).join(';') + '\r\n';
          if (chunk.length > 64 * 1024) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="deals.csv"');
      return reply.send(Readable.from(csv()));
    },
  );

  r.get('/api/v1/deals/stages', { schema: { tags: ['deals'], summary: 'The sales funnel: stages in order with open / won / lost', querystring: z.object({ integrationId: z.uuid().optional() }) } }, async (req) => {
    return deals().queries.stages(requireAuth(req).accountId, req.query.integrationId);
  });

  r.get('/api/v1/deals/sync', { schema: { tags: ['deals'], summary: 'Deals integrations: backfill progress (done/total, rate, ETA), last webhook, newest deal' } }, async (req) => {
    const accountId = requireAuth(req).accountId;
    const all = (await ctx.integrationsRepo.list(accountId)).filter((i) => i.kind === 'moysklad-deals');
    return Promise.all(all.map((i) => syncStatus(deals().deps, deals().queries, i)));
  });

  r.get(
    '/api/v1/deals/report/attribution',
    {
      schema: {
        tags: ['deals'],
        summary: 'Revenue by campaign / UTM / channel of the first or last call or chat before each deal',
        querystring: z.object({
          by: z.enum(['campaign', 'utm_source', 'utm_medium', 'utm_campaign', 'channel', 'site']).default('utm_source'),
          touch: z.enum(['first', 'last']).default('first'),
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
          integrationId: z.uuid().optional(),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await attributionReport(deals().deps.db, requireAuth(req).accountId, { by: q.by, touch: q.touch, from: q.from, to: q.to, integrationId: q.integrationId });
      return { by: q.by, touch: q.touch, rows };
    },
  );

  r.get('/api/v1/deals/:id', { schema: { tags: ['deals'], summary: 'One deal with its stage history and first/last touch', params: z.object({ id: z.string().min(1).max(64) }) } }, async (req) => {
    const accountId = requireAuth(req).accountId;
    const m = deals();
    const deal = await m.queries.get(accountId, req.params.id);
    if (!deal) throw notFound();
    const [stageHistory, touches] = await Promise.all([
      m.queries.stageHistory(accountId, deal.integrationId, deal.id),
      dealTouches(m.deps.db, m.communications, accountId, { integrationId: deal.integrationId, agentId: deal.contact?.id ?? null, createdAt: new Date(deal.created) }),
    ]);
    return { ...deal, stageHistory, attribution: touches };
  });

  // ---- analytics feed -------------------------------------------------------------------------
  const feedQuery = z.object({
    updatedSince: z.coerce.date().optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  });

  r.get('/api/v1/analytics/deals', { schema: { tags: ['analytics'], summary: 'Deals changed since a moment (deleted included, with deletedAt), in change order', querystring: feedQuery } }, async (req) => {
    const q = req.query;
    return deals().queries.changedDeals(requireAuth(req).accountId, q.updatedSince, q.cursor, q.limit).catch(cursorError);
  });

  r.get('/api/v1/analytics/contacts', { schema: { tags: ['analytics'], summary: 'Contacts (counterparties) changed since a moment, with normalised phones', querystring: feedQuery } }, async (req) => {
    const q = req.query;
    return deals().queries.changedContacts(requireAuth(req).accountId, q.updatedSince, q.cursor, q.limit).catch(cursorError);
  });

  r.get('/api/v1/analytics/stages', { schema: { tags: ['analytics'], summary: 'Funnel stages of every deals integration' } }, async (req) => {
    return deals().queries.stages(requireAuth(req).accountId);
  });
}

// Reads for the cabinet and the analytics API. Listing uses keyset pagination over the
// (account, sort column, id) indexes, so page 1 000 costs what page 1 costs at 100 000+ rows.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { run } from './sql-rows.ts';

export type DealSort = 'moment' | 'sum' | 'updated' | 'created';
export type DealFilters = {
  integrationId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  stageIds?: string[] | undefined;
  outcome?: 'open' | 'won' | 'lost' | undefined;
  storeId?: string | undefined;
  salesChannelId?: string | undefined;
  projectId?: string | undefined;
  managerId?: string | undefined;
  contactId?: string | undefined;
  includeDeleted?: boolean | undefined;
};

export type DealView = {
  id: string;
  integrationId: string;
  name: string;
  moment: string;
  created: string;
  updated: string;
  /** Kopecks. */
  sum: number;
  payedSum: number;
  stage: { id: string; name: string | null; outcome: string | null } | null;
  store: { id: string; name: string | null } | null;
  salesChannel: { id: string; name: string | null } | null;
  project: { id: string; name: string | null } | null;
  organization: { id: string; name: string | null } | null;
  manager: { id: string; name: string | null } | null;
  contact: { id: string; name: string | null; phones: string[]; emails: string[] } | null;
  description: string | null;
  attributes: Array<{ id: string; name: string; type: string; value: unknown }>;
  deletedAt: string | null;
};

const SORT_COLUMN: Record<DealSort, string> = { moment: 'moment', sum: 'sum', updated: 'ms_updated', created: 'ms_created' };

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export class BadCursorError extends Error {}

const SELECT = sql`
  select d.id, d.integration_id, d.name, d.moment, d.ms_created, d.ms_updated, d.sum::float8 as sum, d.payed_sum::float8 as payed_sum,
    d.state_id, st.name as stage_name, st.outcome as stage_outcome,
    d.store_id, rs.name as store_name, d.sales_channel_id, rc.name as channel_name,
    d.project_id, rp.name as project_name, d.organization_id, ro.name as org_name,
    d.owner_id, re.name as owner_name, d.agent_id, ct.name as contact_name, ct.phones as contact_phones, ct.emails as contact_emails,
    d.description, d.attributes, d.deleted_at, d.changed_at
  from deals d
  left join deal_stages st on st.integration_id = d.integration_id and st.id = d.state_id
  left join deal_refs rs on rs.integration_id = d.integration_id and rs.type = 'store' and rs.id = d.store_id
  left join deal_refs rc on rc.integration_id = d.integration_id and rc.type = 'saleschannel' and rc.id = d.sales_channel_id
  left join deal_refs rp on rp.integration_id = d.integration_id and rp.type = 'project' and rp.id = d.project_id
  left join deal_refs ro on ro.integration_id = d.integration_id and ro.type = 'organization' and ro.id = d.organization_id
  left join deal_refs re on re.integration_id = d.integration_id and re.type = 'employee' and re.id = d.owner_id
  left join deal_contacts ct on ct.integration_id = d.integration_id and ct.id = d.agent_id`;

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const ref = (id: unknown, name: unknown) => (id ? { id: String(id), name: name === null || name === undefined ? null : String(name) } : null);

export function dealView(r: Record<string, unknown>): DealView {
  return {
    id: String(r['id']),
    integrationId: String(r['integration_id']),
    name: String(r['name']),
    moment: iso(r['moment']),
    created: iso(r['ms_created']),
    updated: iso(r['ms_updated']),
    sum: Number(r['sum']),
    payedSum: Number(r['payed_sum']),
    stage: r['state_id'] ? { id: String(r['state_id']), name: (r['stage_name'] as string | null) ?? null, outcome: (r['stage_outcome'] as string | null) ?? null } : null,
    store: ref(r['store_id'], r['store_name']),
    salesChannel: ref(r['sales_channel_id'], r['channel_name']),
    project: ref(r['project_id'], r['project_name']),
    organization: ref(r['organization_id'], r['org_name']),
    manager: ref(r['owner_id'], r['owner_name']),
    contact: r['agent_id']
      ? { id: String(r['agent_id']), name: (r['contact_name'] as string | null) ?? null, phones: json<string[] | null>(r['contact_phones']) ?? [], emails: json<string[] | null>(r['contact_emails']) ?? [] }
      : null,
    description: (r['description'] as string | null) ?? null,
    attributes: json(r['attributes']) ?? [],
    deletedAt: r['deleted_at'] ? iso(r['deleted_at']) : null,
  };
}

function where(accountId: string, f: DealFilters): SQL {
  const parts: SQL[] = [sql`d.account_id = ${accountId}`];
  if (f.integrationId) parts.push(sql`d.integration_id = ${f.integrationId}`);
  if (!f.includeDeleted) parts.push(sql`d.deleted_at is null`);
  if (f.from) parts.push(sql`d.moment >= ${f.from}`);
  if (f.to) parts.push(sql`d.moment < ${f.to}`);
  if (f.stageIds?.length) parts.push(sql`d.state_id in (${sql.join(f.stageIds.map((s) => sql`${s}`), sql`, `)})`);
  if (f.outcome) parts.push(sql`st.outcome = ${f.outcome}`);
  if (f.storeId) parts.push(sql`d.store_id = ${f.storeId}`);
  if (f.salesChannelId) parts.push(sql`d.sales_channel_id = ${f.salesChannelId}`);
  if (f.projectId) parts.push(sql`d.project_id = ${f.projectId}`);
  if (f.managerId) parts.push(sql`d.owner_id = ${f.managerId}`);
  if (f.contactId) parts.push(sql`d.agent_id = ${f.contactId}`);
  return sql.join(parts, sql` and `);
}

export class DealsQueries {
  constructor(private readonly db: Db) {}

  async list(
    accountId: string,
    f: DealFilters,
    page: { sort?: DealSort | undefined; dir?: 'asc' | 'desc' | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ items: DealView[]; nextCursor: string | null }> {
    const sort = page.sort ?? 'moment';
    const dir = page.dir ?? 'desc';
    const col = sql.raw(`d.${SORT_COLUMN[sort]}`);
    const conds = [where(accountId, f)];
    const c = decodeCursor(page.cursor);
    if (page.cursor && (!c || c.length !== 2)) throw new BadCursorError('bad cursor');
    if (c) {
      const value = sort === 'sum' ? Number(c[0]) : new Date(String(c[0]));
      const id = String(c[1]);
      conds.push(dir === 'desc' ? sql`(${col}, d.id) < (${value}, ${id})` : sql`(${col}, d.id) > (${value}, ${id})`);
    }
    const order = sql.raw(dir === 'desc' ? 'desc' : 'asc');
    const res = await run(this.db, sql`${SELECT} where ${sql.join(conds, sql` and `)} order by ${col} ${order}, d.id ${order} limit ${page.limit + 1}`);
    const rows = res.rows as Record<string, unknown>[];
    const items = rows.slice(0, page.limit).map(dealView);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > page.limit && last
        ? encodeCursor([sort === 'sum' ? last.sum : sort === 'moment' ? last.moment : sort === 'updated' ? last.updated : last.created, last.id])
        : null;
    return { items, nextCursor };
  }

  /** Every matching deal, in keyset chunks (for CSV export without loading everything). */
  async *iterate(accountId: string, f: DealFilters, chunk = 1000): AsyncGenerator<DealView> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(accountId, f, { sort: 'moment', dir: 'desc', limit: chunk, cursor });
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async get(accountId: string, id: string): Promise<DealView | undefined> {
    const res = await run(this.db, sql`${SELECT} where d.account_id = ${accountId} and d.id = ${id} limit 1`);
    const row = (res.rows as Record<string, unknown>[])[0];
    return row && dealView(row);
  }

  async stageHistory(accountId: string, integrationId: string, dealId: string) {
    const res = await run(this.db, sql`
      select h.state_id, st.name, st.outcome, h.entered_at, h.left_at, h.source
      from deal_stage_history h left join deal_stages st on st.integration_id = h.integration_id and st.id = h.state_id
      where h.account_id = ${accountId} and h.integration_id = ${integrationId} and h.deal_id = ${dealId}
      order by h.entered_at, h.id`);
    return (res.rows as Record<string, unknown>[]).map((r) => {
      const entered = new Date(String(r['entered_at'] instanceof Date ? (r['entered_at'] as Date).toISOString() : r['entered_at']));
      const left = r['left_at'] ? new Date(r['left_at'] instanceof Date ? (r['left_at'] as Date).toISOString() : String(r['left_at'])) : null;
      return {
        stageId: (r['state_id'] as string | null) ?? null,
        stageName: (r['name'] as string | null) ?? null,
        outcome: (r['outcome'] as string | null) ?? null,
        enteredAt: entered.toISOString(),
        leftAt: left?.toISOString() ?? null,
        /** Seconds spent in the stage (so far, when it is the current one). */
        secondsInStage: Math.max(0, Math.round(((left ?? new Date()).getTime() - entered.getTime()) / 1000)),
        source: String(r['source']),
      };
    });
  }

  async stages(accountId: string, integrationId?: string) {
    const res = await run(this.db, sql`
      select integration_id, id, name, color, state_type, outcome, position, deleted from deal_stages
      where account_id = ${accountId} ${integrationId ? sql`and integration_id = ${integrationId}` : sql``}
      order by integration_id, position`);
    return (res.rows as Record<string, unknown>[]).map((r) => ({
      integrationId: String(r['integration_id']),
      id: String(r['id']),
      name: String(r['name']),
      color: r['color'] === null ? null : Number(r['color']),
      stateType: String(r['state_type']),
      outcome: String(r['outcome']),
      position: Number(r['position']),
      deleted: Boolean(r['deleted']),
    }));
  }

  /** Changed deals in our change order (deleted included), for analytics consumers. */
  async changedDeals(accountId: string, since: Date | undefined, cursor: string | undefined, limit: number) {
    const c = decodeCursor(cursor);
    if (cursor && (!c || c.length !== 2)) throw new BadCursorError('bad cursor');
    const conds = [sql`d.account_id = ${accountId}`];
    if (since) conds.push(sql`d.changed_at >= ${since}`);
    // The cursor keeps the database's own text of the time (microseconds, which a JS Date would
    // drop: a row written with now() would then sort after its own cursor and come back forever).
    if (c) conds.push(sql`(d.changed_at, d.id) > (${String(c[0])}::timestamptz, ${String(c[1])})`);
    const res = await run(this.db, sql`
      select page.*, page.changed_at::text as cursor_at
      from (${SELECT} where ${sql.join(conds, sql` and `)} order by d.changed_at, d.id limit ${limit + 1}) page
      order by page.changed_at, page.id`);
    const rows = res.rows as Record<string, unknown>[];
    const items = rows.slice(0, limit).map((r) => ({ ...dealView(r), changedAt: iso(r['changed_at']) }));
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([String(last['cursor_at']), String(last['id'])]) : null };
  }

  async changedContacts(accountId: string, since: Date | undefined, cursor: string | undefined, limit: number) {
    const c = decodeCursor(cursor);
    if (cursor && (!c || c.length !== 2)) throw new BadCursorError('bad cursor');
    const conds = [sql`account_id = ${accountId}`];
    if (since) conds.push(sql`changed_at >= ${since}`);
    if (c) conds.push(sql`(changed_at, id) > (${String(c[0])}::timestamptz, ${String(c[1])})`);
    const res = await run(this.db, sql`
      select integration_id, id, name, company_type, phones, emails, persons, deleted_at, changed_at, changed_at::text as cursor_at from deal_contacts
      where ${sql.join(conds, sql` and `)} order by changed_at, id limit ${limit + 1}`);
    const rows = res.rows as Record<string, unknown>[];
    const items = rows.slice(0, limit).map((r) => ({
      integrationId: String(r['integration_id']),
      id: String(r['id']),
      name: String(r['name']),
      companyType: (r['company_type'] as string | null) ?? null,
      phones: json<string[]>(r['phones']) ?? [],
      emails: json<string[]>(r['emails']) ?? [],
      persons: json<unknown[]>(r['persons']) ?? [],
      deletedAt: r['deleted_at'] ? iso(r['deleted_at']) : null,
      changedAt: iso(r['changed_at']),
    }));
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([String(last['cursor_at']), String(last['id'])]) : null };
  }

  /** The deal that arrived last (for "create a test deal to check"). */
  async newestDeal(accountId: string, integrationId: string) {
    const res = await run(this.db, sql`${SELECT} where d.account_id = ${accountId} and d.integration_id = ${integrationId} order by d.changed_at desc, d.id desc limit 1`);
    const row = (res.rows as Record<string, unknown>[])[0];
    return row ? { ...dealView(row), receivedAt: iso(row['changed_at']) } : null;
  }
}

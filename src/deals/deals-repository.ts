// Writes of the deals mirror. Each method takes the integration scope; batch methods take a
// transaction so a page of rows and the cursor that points past it commit together.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../db/index.ts';
import { phoneKeysOf, type ContactRow, type DealRow, type StageRow } from './mapping.ts';
import { recordset, run } from './sql-rows.ts';

export type Scope = { integrationId: string; accountId: string };
export type SyncRow = typeof tables.dealSyncs.$inferSelect;
export type HistorySource = 'backfill' | 'webhook' | 'reconcile';

const CHUNK = 500;
function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
const excluded = (col: string) => sql.raw(`excluded.${col}`);

/** Columns of `deals` written from a DealRow, with their SQL types (order = insert order). */
const DEAL_COLUMNS = [
  ['id', 'text'],
  ['name', 'text'],
  ['moment', 'timestamptz'],
  ['ms_created', 'timestamptz'],
  ['ms_updated', 'timestamptz'],
  ['sum', 'bigint'],
  ['payed_sum', 'bigint'],
  ['state_id', 'text'],
  ['store_id', 'text'],
  ['sales_channel_id', 'text'],
  ['project_id', 'text'],
  ['organization_id', 'text'],
  ['owner_id', 'text'],
  ['agent_id', 'text'],
  ['description', 'text'],
  ['attributes', 'jsonb'],
] as const;

const CONTACT_COLUMNS = [
  ['id', 'text'],
  ['name', 'text'],
  ['company_type', 'text'],
  ['phones', 'jsonb'],
  ['emails', 'jsonb'],
  ['persons', 'jsonb'],
  ['needs_persons', 'boolean'],
  ['ms_updated', 'timestamptz'],
] as const;

/**
 * One row per id (the most recently updated; the later one on a tie). A batch can name a row twice
 * when MoySklad's offsets shift between two pages, and one upsert may not touch a row twice.
 */
function latestById<T extends { id: string }>(rows: T[], updated: (r: T) => Date): T[] {
  const byId = new Map<string, T>();
  for (const r of rows) {
    const prev = byId.get(r.id);
    if (!prev || updated(prev).getTime() <= updated(r).getTime()) byId.set(r.id, r);
  }
  return byId.size === rows.length ? rows : [...byId.values()];
}

export class DealsRepository {
  constructor(readonly db: Db) {}

  // ---- sync state -----------------------------------------------------------------------------

  async getSync(integrationId: string, db: DbOrTx = this.db): Promise<SyncRow | undefined> {
    const [row] = await db.select().from(tables.dealSyncs).where(eq(tables.dealSyncs.integrationId, integrationId));
    return row;
  }

  /** Starts (or restarts) a backfill from the first page. */
  async startBackfill(s: Scope): Promise<SyncRow> {
    const now = new Date();
    const values = { ...s, phase: 'refs', cursor: 0, progress: {}, requests: 0, startedAt: now, finishedAt: null, error: null, updatedAt: now };
    const [row] = await this.db
      .insert(tables.dealSyncs)
      .values(values)
      .onConflictDoUpdate({ target: tables.dealSyncs.integrationId, set: { phase: 'refs', cursor: 0, progress: {}, requests: 0, startedAt: now, finishedAt: null, error: null, updatedAt: now } })
      .returning();
    return row!;
  }

  async updateSync(integrationId: string, patch: Partial<Omit<SyncRow, 'integrationId' | 'accountId'>>, db: DbOrTx = this.db): Promise<void> {
    await db.update(tables.dealSyncs).set({ ...patch, updatedAt: new Date() }).where(eq(tables.dealSyncs.integrationId, integrationId));
  }

  async addRequests(integrationId: string, n: number, db: DbOrTx = this.db): Promise<void> {
    if (n === 0) return;
    await db
      .update(tables.dealSyncs)
      .set({ requests: sql`${tables.dealSyncs.requests} + ${n}`, updatedAt: new Date() })
      .where(eq(tables.dealSyncs.integrationId, integrationId));
  }

  /**
   * One backfill stream's step: merges its own key of `progress` (the contacts and the orders
   * streams run side by side, each owning its keys), counts its requests, and moves `cursor` when
   * the sync is in `cursorPhase` (the phase whose cursor the UI and a restart read).
   */
  async advanceBackfill(
    integrationId: string,
    step: { key: string; value: { total: number; done: number }; requests: number; cursor?: { phase: string; at: number } },
    db: DbOrTx,
  ): Promise<void> {
    const cursor = step.cursor ? sql`case when phase = ${step.cursor.phase}::text then ${step.cursor.at}::int else cursor end` : sql`cursor`;
    await db.execute(sql`
      update deal_syncs set
        progress = progress || jsonb_build_object(${step.key}::text, ${JSON.stringify(step.value)}::jsonb),
        requests = requests + ${step.requests}::int,
        cursor = ${cursor},
        updated_at = now()
      where integration_id = ${integrationId}::uuid`);
  }

  /**
   * Ends one stream of the backfill: contacts (counterparties and persons) or orders. Whichever
   * ends second makes the sync live; the row lock orders the two, so neither misses the other.
   * Returns the phase after the update.
   */
  async finishBackfillStream(integrationId: string, stream: 'contacts' | 'orders', db: DbOrTx): Promise<string | undefined> {
    const ordersDone = sql`coalesce((progress -> 'customerorder' ->> 'done')::int >= (progress -> 'customerorder' ->> 'total')::int, false)`;
    const next = stream === 'contacts' ? sql`case when ${ordersDone} then 'live' else 'orders' end` : sql`case when phase = 'orders' then 'live' else phase end`;
    const { rows } = await run(
      db,
      sql`
      update deal_syncs set
        phase = ${next},
        -- In the orders phase the cursor is the orders' (what a restart and the cabinet read).
        cursor = case when ${next} = 'orders' then coalesce((progress -> 'customerorder' ->> 'done')::int, 0) else cursor end,
        finished_at = case when ${next} = 'live' then now() else finished_at end,
        error = case when ${next} = 'live' then null else error end,
        updated_at = now()
      where integration_id = ${integrationId}::uuid
      returning phase`,
    );
    return rows[0]?.['phase'] as string | undefined;
  }

  /** Moves the watermark forward only. */
  async raiseWatermark(integrationId: string, to: Date, db: DbOrTx = this.db): Promise<void> {
    await db
      .update(tables.dealSyncs)
      .set({ watermark: sql`greatest(coalesce(${tables.dealSyncs.watermark}, ${to}), ${to})` })
      .where(eq(tables.dealSyncs.integrationId, integrationId));
  }

  async liveSyncs(): Promise<SyncRow[]> {
    return this.db.select().from(tables.dealSyncs).where(eq(tables.dealSyncs.phase, 'live'));
  }

  // ---- references and stages ------------------------------------------------------------------

  async upsertRefs(s: Scope, type: string, rows: Array<{ id: string; name: string; extra?: Record<string, unknown> }>, db: DbOrTx = this.db): Promise<void> {
    for (const part of chunks(rows)) {
      await db
        .insert(tables.dealRefs)
        .values(part.map((r) => ({ ...s, type, id: r.id, name: r.name, extra: r.extra ?? {} })))
        .onConflictDoUpdate({ target: [tables.dealRefs.integrationId, tables.dealRefs.type, tables.dealRefs.id], set: { name: excluded('name'), extra: excluded('extra') } });
    }
  }

  async refIds(integrationId: string, type: string, db: DbOrTx = this.db): Promise<Set<string>> {
    const rows = await db.select({ id: tables.dealRefs.id }).from(tables.dealRefs).where(and(eq(tables.dealRefs.integrationId, integrationId), eq(tables.dealRefs.type, type)));
    return new Set(rows.map((r) => r.id));
  }

  /** Replaces the funnel: stages MoySklad no longer lists are kept (history points at them) but marked deleted. */
  async replaceStages(s: Scope, stages: StageRow[], db: DbOrTx = this.db): Promise<void> {
    await db.update(tables.dealStages).set({ deleted: true }).where(eq(tables.dealStages.integrationId, s.integrationId));
    if (stages.length === 0) return;
    await db
      .insert(tables.dealStages)
      .values(stages.map((st) => ({ ...s, ...st, deleted: false })))
      .onConflictDoUpdate({
        target: [tables.dealStages.integrationId, tables.dealStages.id],
        set: { name: excluded('name'), color: excluded('color'), stateType: excluded('state_type'), outcome: excluded('outcome'), position: excluded('position'), deleted: false },
      });
  }

  async stageIds(integrationId: string, db: DbOrTx = this.db): Promise<Set<string>> {
    const rows = await db.select({ id: tables.dealStages.id }).from(tables.dealStages).where(and(eq(tables.dealStages.integrationId, integrationId), eq(tables.dealStages.deleted, false)));
    return new Set(rows.map((r) => r.id));
  }

  // ---- contacts -------------------------------------------------------------------------------

  /**
   * Upserts counterparties; keeps known contact persons when the row came without them. One
   * statement for the rows and one for their phone keys, however many rows.
   */
  async upsertContacts(s: Scope, rows: ContactRow[], db: DbOrTx): Promise<void> {
    if (rows.length === 0) return;
    const input = latestById(rows, (r) => r.msUpdated).map((r) => ({
      id: r.id,
      name: r.name,
      company_type: r.companyType,
      phones: r.phones,
      emails: r.emails,
      persons: r.persons,
      needs_persons: r.needsPersons,
      ms_updated: r.msUpdated,
      keys: phoneKeysOf(r.phones),
    }));
    await db.execute(sql`
      insert into deal_contacts as c (integration_id, account_id, id, name, company_type, phones, emails, persons, needs_persons, ms_updated, deleted_at, changed_at)
      select ${s.integrationId}::uuid, ${s.accountId}::uuid, x.id, x.name, x.company_type, x.phones, x.emails, x.persons, x.needs_persons, x.ms_updated, null, ${new Date()}::timestamptz
      from ${recordset(input, CONTACT_COLUMNS)}
      on conflict (integration_id, id) do update set
        name = excluded.name, company_type = excluded.company_type, phones = excluded.phones, emails = excluded.emails,
        persons = case when excluded.needs_persons then c.persons else excluded.persons end,
        needs_persons = excluded.needs_persons, ms_updated = excluded.ms_updated, deleted_at = null, changed_at = excluded.changed_at`);
    // Phone keys: exactly this batch's keys (persons' phones are added once they are read). Stale
    // keys go, new ones come; keys that stay are not rewritten. The two touch disjoint rows.
    await db.execute(sql`
      with input as (select x.id, k.key from ${recordset(input, [['id', 'text'], ['keys', 'jsonb']])}, jsonb_array_elements_text(x.keys) as k(key)),
      stale as (
        delete from deal_contact_phones p
        where p.integration_id = ${s.integrationId}::uuid
          and p.contact_id = any(array(select x.id from ${recordset(input, [['id', 'text']])}))
          and not exists (select 1 from input i where i.id = p.contact_id and i.key = p.phone_key)
      )
      insert into deal_contact_phones (integration_id, account_id, contact_id, phone_key)
      select ${s.integrationId}::uuid, ${s.accountId}::uuid, i.id, i.key from input i
      on conflict do nothing`);
  }

  async contactsNeedingPersons(integrationId: string, limit: number, db: DbOrTx = this.db): Promise<string[]> {
    const rows = await db
      .select({ id: tables.dealContacts.id })
      .from(tables.dealContacts)
      .where(and(eq(tables.dealContacts.integrationId, integrationId), eq(tables.dealContacts.needsPersons, true), isNull(tables.dealContacts.deletedAt)))
      .orderBy(tables.dealContacts.id)
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async countContactsNeedingPersons(integrationId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(tables.dealContacts)
      .where(and(eq(tables.dealContacts.integrationId, integrationId), eq(tables.dealContacts.needsPersons, true), isNull(tables.dealContacts.deletedAt)));
    return row?.n ?? 0;
  }

  async markContactsDeleted(s: Scope, ids: string[], db: DbOrTx): Promise<void> {
    if (!ids.length) return;
    await db
      .update(tables.dealContacts)
      .set({ deletedAt: new Date(), changedAt: new Date(), needsPersons: false })
      .where(and(eq(tables.dealContacts.integrationId, s.integrationId), inArray(tables.dealContacts.id, ids), isNull(tables.dealContacts.deletedAt)));
  }

  // ---- deals ----------------------------------------------------------------------------------

  /**
   * Upserts orders and records stage changes. A row older than what we hold (an out-of-order read)
   * changes nothing. `stageTimes` gives the time of the change per deal when a webhook told us;
   * otherwise MoySklad's `updated` of the order is used. One statement per call: the previous
   * state, the upsert, closing the stages left and opening the stages entered all read the same
   * snapshot (the state before this statement).
   */
  async upsertDeals(s: Scope, rows: DealRow[], source: HistorySource, db: DbOrTx, stageTimes: Map<string, Date> = new Map()): Promise<{ inserted: number; stageChanges: number }> {
    if (rows.length === 0) return { inserted: 0, stageChanges: 0 };
    const input = latestById(rows, (r) => r.msUpdated).map((r, ord) => ({
      ord,
      id: r.id,
      name: r.name,
      moment: r.moment,
      ms_created: r.msCreated,
      ms_updated: r.msUpdated,
      sum: r.sum,
      payed_sum: r.payedSum,
      state_id: r.stateId,
      store_id: r.storeId,
      sales_channel_id: r.salesChannelId,
      project_id: r.projectId,
      organization_id: r.organizationId,
      owner_id: r.ownerId,
      agent_id: r.agentId,
      description: r.description,
      attributes: r.attributes,
      // A first sighting: the stage was entered at the latest when the order was created (or when
      // the webhook says); a change of stage happened at the latest at the order's `updated`.
      new_at: source === 'webhook' ? stageTimes.get(r.id) ?? r.msCreated : r.msCreated,
      change_at: stageTimes.get(r.id) ?? r.msUpdated,
    }));
    const iid = sql`${s.integrationId}::uuid`;
    const aid = sql`${s.accountId}::uuid`;
    const cols = sql.raw(DEAL_COLUMNS.map(([c]) => c).join(', '));
    const xcols = sql.raw(DEAL_COLUMNS.map(([c]) => `x.${c}`).join(', '));
    const sets = sql.raw(DEAL_COLUMNS.filter(([c]) => c !== 'id').map(([c]) => `${c} = excluded.${c}`).join(', '));
    const { rows: out } = await run(
      db,
      sql`
      with input as (select * from ${recordset(input, [...DEAL_COLUMNS, ['ord', 'int'], ['new_at', 'timestamptz'], ['change_at', 'timestamptz']])}),
      -- "= any(array(…))" makes every lookup an index probe; a join or "in (select …)" is planned as
      -- a scan of all the integration's rows, which grows with every page written.
      prev as (select d.id, d.state_id, d.ms_updated from deals d where d.integration_id = ${iid} and d.id = any(array(select id from input))),
      upserted as (
        insert into deals as d (integration_id, account_id, ${cols}, deleted_at, changed_at)
        select ${iid}, ${aid}, ${xcols}, null, ${new Date()}::timestamptz from input x
        on conflict (integration_id, id) do update set ${sets}, deleted_at = excluded.deleted_at, changed_at = excluded.changed_at
        -- Older reads change nothing; an equal read rewrites only if it differs (no feed churn).
        where d.ms_updated < excluded.ms_updated
           or (d.ms_updated = excluded.ms_updated and row(d.state_id, d.sum, d.name, d.deleted_at, d.owner_id)
               is distinct from row(excluded.state_id, excluded.sum, excluded.name, excluded.deleted_at, excluded.owner_id))
      ),
      changes as (
        select x.ord, x.id as deal_id, x.state_id, p.id is not null as had_previous, case when p.id is null then x.new_at else x.change_at end as at
        from input x left join prev p on p.id = x.id
        where p.id is null or (p.ms_updated <= x.ms_updated and p.state_id is distinct from x.state_id)
      ),
      closed as (
        update deal_stage_history h set left_at = c.at from changes c
        where c.had_previous and h.integration_id = ${iid} and h.deal_id = c.deal_id and h.left_at is null
          and h.deal_id = any(array(select deal_id from changes where had_previous))
      ),
      opened as (
        insert into deal_stage_history (integration_id, account_id, deal_id, state_id, entered_at, source)
        select ${iid}, ${aid}, c.deal_id, c.state_id, c.at, ${source}::text from changes c order by c.ord
      )
      select count(*) filter (where not had_previous)::int as inserted, count(*) filter (where had_previous)::int as stage_changes from changes`,
    );
    return { inserted: Number(out[0]?.['inserted'] ?? 0), stageChanges: Number(out[0]?.['stage_changes'] ?? 0) };
  }

  /** Marks deals deleted (never erases them). Returns how many were live. */
  async markDealsDeleted(s: Scope, ids: string[], at: Date, db: DbOrTx): Promise<number> {
    if (!ids.length) return 0;
    const rows = await db
      .update(tables.deals)
      .set({ deletedAt: at, changedAt: new Date() })
      .where(and(eq(tables.deals.integrationId, s.integrationId), inArray(tables.deals.id, ids), isNull(tables.deals.deletedAt)))
      .returning({ id: tables.deals.id });
    return rows.length;
  }

  async countLiveDeals(integrationId: string, db: DbOrTx = this.db): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(tables.deals)
      .where(and(eq(tables.deals.integrationId, integrationId), isNull(tables.deals.deletedAt)));
    return row?.n ?? 0;
  }

  async countLiveDealsUpdatedBefore(integrationId: string, before: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(tables.deals)
      .where(and(eq(tables.deals.integrationId, integrationId), isNull(tables.deals.deletedAt), sql`${tables.deals.msUpdated} < ${before}`));
    return row?.n ?? 0;
  }

  /** Live deals not seen by a full sweep that started at `sweepStart`: deleted in MoySklad. */
  async markUnseenDeleted(s: Scope, seen: Set<string>, sweepStart: Date): Promise<number> {
    const live = await this.db
      .select({ id: tables.deals.id })
      .from(tables.deals)
      .where(and(eq(tables.deals.integrationId, s.integrationId), isNull(tables.deals.deletedAt), sql`${tables.deals.changedAt} < ${sweepStart}`));
    const gone = live.map((r) => r.id).filter((id) => !seen.has(id));
    return this.markDealsDeleted(s, gone, new Date(), this.db);
  }

  // ---- webhook receipts and pending follow-up reads --------------------------------------------

  /** True when this requestId is new (and now recorded). */
  async takeReceipt(integrationId: string, requestId: string, db: DbOrTx): Promise<boolean> {
    const rows = await db.insert(tables.dealWebhookReceipts).values({ integrationId, requestId }).onConflictDoNothing().returning({ r: tables.dealWebhookReceipts.requestId });
    return rows.length > 0;
  }

  async addPending(s: Scope, items: Array<{ entityType: string; entityId: string; eventAt: Date }>, db: DbOrTx): Promise<void> {
    if (!items.length) return;
    const p = tables.dealPendingFetches;
    await db
      .insert(p)
      .values(items.map((i) => ({ ...s, ...i })))
      .onConflictDoUpdate({ target: [p.integrationId, p.entityType, p.entityId], set: { eventAt: sql`greatest(${p.eventAt}, excluded.event_at)` } });
  }

  async removePending(integrationId: string, entityType: string, ids: string[], db: DbOrTx): Promise<void> {
    if (!ids.length) return;
    const p = tables.dealPendingFetches;
    await db.delete(p).where(and(eq(p.integrationId, integrationId), eq(p.entityType, entityType), inArray(p.entityId, ids)));
  }

  /** Removes the taken pending rows unless a newer webhook re-queued them meanwhile. */
  async removePendingUpTo(integrationId: string, entityType: string, taken: Array<{ entityId: string; eventAt: Date }>, db: DbOrTx): Promise<void> {
    if (!taken.length) return;
    const p = tables.dealPendingFetches;
    const latest = new Date(Math.max(...taken.map((t) => t.eventAt.getTime())));
    await db.delete(p).where(and(eq(p.integrationId, integrationId), eq(p.entityType, entityType), inArray(p.entityId, taken.map((t) => t.entityId)), sql`${p.eventAt} <= ${latest}`));
  }

  async takePendingBatch(integrationId: string, entityType: string, limit: number): Promise<Array<{ entityId: string; eventAt: Date }>> {
    const p = tables.dealPendingFetches;
    return this.db
      .select({ entityId: p.entityId, eventAt: p.eventAt })
      .from(p)
      .where(and(eq(p.integrationId, integrationId), eq(p.entityType, entityType)))
      .orderBy(p.eventAt)
      .limit(limit);
  }

  async purgeReceipts(olderThanDays: number): Promise<void> {
    await this.db.delete(tables.dealWebhookReceipts).where(sql`${tables.dealWebhookReceipts.receivedAt} < now() - make_interval(days => ${olderThanDays})`);
  }
}

// Writes of the deals mirror. Each method takes the integration scope; batch methods take a
// transaction so a page of rows and the cursor that points past it commit together.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordsetLimit, tables, type Db, type DbOrTx } from '../db/index.ts';
import { phoneKeysOf, type ContactRow, type DealRow, type StageRow } from './mapping.ts';

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

  /** Upserts counterparties; keeps known contact persons when the row came without them. */
  async upsertContacts(s: Scope, rows: ContactRow[], db: DbOrTx): Promise<void> {
    for (const part of chunks(rows)) {
      // One JSON parameter per chunk (not ~11 drizzle parameters a row; see upsertDeals). A contact
      // whose persons were not in the response keeps the persons already stored.
      const changedAt = new Date().toISOString();
      const payload = JSON.stringify(part.map((r) => ({ ...r, msUpdated: r.msUpdated.toISOString() })));
      await db.execute(sql`
        insert into deal_contacts (integration_id, account_id, id, name, company_type, phones, emails, persons, needs_persons, ms_updated, deleted_at, changed_at)
        select ${s.integrationId}::uuid, ${s.accountId}::uuid, "id", "name", "companyType", "phones", "emails", "persons", "needsPersons", "msUpdated", null, ${changedAt}::timestamptz
        from jsonb_to_recordset(${payload}::jsonb) as x(
          "id" text, "name" text, "companyType" text, "phones" jsonb, "emails" jsonb, "persons" jsonb, "needsPersons" boolean, "msUpdated" timestamptz)
        on conflict (integration_id, id) do update set
          name = excluded.name, company_type = excluded.company_type, phones = excluded.phones, emails = excluded.emails,
          persons = case when excluded.needs_persons then deal_contacts.persons else excluded.persons end,
          needs_persons = excluded.needs_persons, ms_updated = excluded.ms_updated, deleted_at = null, changed_at = excluded.changed_at`);
      // Phone keys: replace this batch's keys (persons' phones are added once they are read).
      const ids = JSON.stringify(part.map((r) => r.id));
      await db.execute(sql`
        delete from deal_contact_phones
        where integration_id = ${s.integrationId}::uuid and contact_id in (select jsonb_array_elements_text(${ids}::jsonb))`);
      const keys = part.flatMap((r) => phoneKeysOf(r.phones).map((k) => ({ c: r.id, k })));
      if (keys.length) {
        await db.execute(sql`
          insert into deal_contact_phones (integration_id, account_id, contact_id, phone_key)
          select ${s.integrationId}::uuid, ${s.accountId}::uuid, c, k from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(c text, k text)
          on conflict do nothing`);
      }
    }
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
   * otherwise MoySklad's `updated` of the order is used.
   */
  async upsertDeals(s: Scope, rows: DealRow[], source: HistorySource, db: DbOrTx, stageTimes: Map<string, Date> = new Map()): Promise<{ inserted: number; stageChanges: number }> {
    const d = tables.deals;
    let inserted = 0;
    let stageChanges = 0;
    for (const part of chunks(rows)) {
      // One statement per chunk: the rows travel as one jsonb parameter (not ~20 parameters a row),
      // and the previous state comes from the same snapshot the upsert starts from.
      // Millisecond precision, like every timestamp our API pages by (now() would carry microseconds).
      const changedAt = new Date().toISOString();
      const payload = JSON.stringify(
        part.map((r) => ({
          ...r,
          moment: r.moment.toISOString(),
          msCreated: r.msCreated.toISOString(),
          msUpdated: r.msUpdated.toISOString(),
        })),
      );
      const res = (await db.execute(sql`
        with input as (
          select * from jsonb_to_recordset(${payload}::jsonb) as x(
            "id" text, "name" text, "moment" timestamptz, "msCreated" timestamptz, "msUpdated" timestamptz,
            "sum" bigint, "payedSum" bigint, "stateId" text, "storeId" text, "salesChannelId" text,
            "projectId" text, "organizationId" text, "ownerId" text, "agentId" text, "description" text,
            "attributes" jsonb)
          ${recordsetLimit(part.length)}
        ), before as (
          select d.id, d.state_id, (extract(epoch from d.ms_updated) * 1000)::float8 as ms_updated_ms from deals d
          where d.integration_id = ${s.integrationId}::uuid and d.id in (select "id" from input)
        ), upsert as (
          insert into deals (integration_id, account_id, id, name, moment, ms_created, ms_updated, sum, payed_sum,
            state_id, store_id, sales_channel_id, project_id, organization_id, owner_id, agent_id, description,
            attributes, deleted_at, changed_at)
          select ${s.integrationId}::uuid, ${s.accountId}::uuid, "id", "name", "moment", "msCreated", "msUpdated", "sum",
            coalesce("payedSum", 0), "stateId", "storeId", "salesChannelId", "projectId", "organizationId", "ownerId",
            "agentId", "description", coalesce("attributes", '[]'::jsonb), null, ${changedAt}::timestamptz
          from input
          on conflict (integration_id, id) do update set
            name = excluded.name, moment = excluded.moment, ms_created = excluded.ms_created,
            ms_updated = excluded.ms_updated, sum = excluded.sum, payed_sum = excluded.payed_sum,
            state_id = excluded.state_id, store_id = excluded.store_id, sales_channel_id = excluded.sales_channel_id,
            project_id = excluded.project_id, organization_id = excluded.organization_id, owner_id = excluded.owner_id,
            agent_id = excluded.agent_id, description = excluded.description, attributes = excluded.attributes,
            deleted_at = excluded.deleted_at, changed_at = excluded.changed_at
          -- Older reads change nothing; an equal read rewrites only if it differs (no feed churn).
          where deals.ms_updated < excluded.ms_updated
            or (deals.ms_updated = excluded.ms_updated
              and row(deals.state_id, deals.sum, deals.name, deals.deleted_at, deals.owner_id)
                is distinct from row(excluded.state_id, excluded.sum, excluded.name, excluded.deleted_at, excluded.owner_id))
        )
        select id, state_id as "stateId", ms_updated_ms as "msUpdatedMs" from before`)) as unknown as {
        rows: Array<{ id: string; stateId: string | null; msUpdatedMs: number | string }>;
      };
      const known = new Map(res.rows.map((b) => [b.id, { stateId: b.stateId, msUpdated: new Date(Number(b.msUpdatedMs)) }]));
      const changes: Array<{ dealId: string; stateId: string | null; at: Date; hadPrevious: boolean }> = [];
      for (const r of part) {
        const b = known.get(r.id);
        if (!b) {
          inserted++;
          // A first sighting: the stage was entered at the latest when the order was last updated.
          changes.push({ dealId: r.id, stateId: r.stateId, at: source === 'webhook' ? stageTimes.get(r.id) ?? r.msCreated : r.msCreated, hadPrevious: false });
        } else if (b.msUpdated.getTime() <= r.msUpdated.getTime() && b.stateId !== r.stateId) {
          changes.push({ dealId: r.id, stateId: r.stateId, at: stageTimes.get(r.id) ?? r.msUpdated, hadPrevious: true });
        }
      }
      if (changes.length) {
        stageChanges += changes.filter((c) => c.hadPrevious).length;
        const closing = changes.filter((c) => c.hadPrevious);
        for (const c of closing) {
          await db
            .update(tables.dealStageHistory)
            .set({ leftAt: c.at })
            .where(and(eq(tables.dealStageHistory.integrationId, s.integrationId), eq(tables.dealStageHistory.dealId, c.dealId), isNull(tables.dealStageHistory.leftAt)));
        }
        // One JSON parameter, like the deals above: a thousand rows of drizzle parameters cost more
        // to build than the insert takes to run.
        const history = JSON.stringify(changes.map((c) => ({ d: c.dealId, st: c.stateId, at: c.at.toISOString() })));
        await db.execute(sql`
          insert into deal_stage_history (integration_id, account_id, deal_id, state_id, entered_at, source)
          select ${s.integrationId}::uuid, ${s.accountId}::uuid, d, st, at, ${source}
          from jsonb_to_recordset(${history}::jsonb) as x(d text, st text, at timestamptz)`);
      }
    }
    return { inserted, stageChanges };
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

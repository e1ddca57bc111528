import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../db/index.ts';
import type { InboxStatus } from '../db/schema/inbox.ts';

export type InboxRow = typeof tables.inbox.$inferSelect;
export type NewInboxItem = Omit<typeof tables.inbox.$inferInsert, 'id' | 'status' | 'receivedAt' | 'processedAt'>;
type NewInboxRows = Array<NewInboxItem & { status?: InboxStatus; processedAt?: Date | null }>;

export type InboxView = {
  id: number;
  integrationId: string | null;
  source: string;
  event: string | null;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  contentType: string | null;
  body: string;
  status: InboxStatus;
  reason: string | null;
  receivedAt: string;
  processedAt: string | null;
};

export const inboxView = (r: InboxRow): InboxView => ({
  id: r.id,
  integrationId: r.integrationId,
  source: r.source,
  event: r.event,
  method: r.method,
  path: r.path,
  query: r.query,
  headers: r.headers,
  contentType: r.contentType,
  body: r.body,
  status: r.status,
  reason: r.reason,
  receivedAt: r.receivedAt.toISOString(),
  processedAt: r.processedAt?.toISOString() ?? null,
});

export class InboxRepository {
  constructor(private readonly db: Db) {}

  async insert(tx: DbOrTx, item: NewInboxItem, status: InboxStatus = 'received', reason?: string): Promise<number> {
    const [row] = await tx
      .insert(tables.inbox)
      .values({ ...item, status, reason: reason ?? null, ...(status !== 'received' && { processedAt: new Date() }) })
      .returning({ id: tables.inbox.id });
    return row!.id;
  }

  /**
   * Inserts several items in one statement, each `received` unless it says otherwise (intake
   * inserts the items it processes in the same transaction already settled). Returns the stored
   * rows in the order of `items`, built from what was inserted plus the generated id and receive time.
   *
   * The rows travel as one JSON parameter rather than a VALUES list of 12 parameters per row: the
   * statement text is the same for every batch size and, on the embedded database, the cost of
   * building, sending and type-checking hundreds of parameters per batch goes away.
   */
  async insertMany(tx: DbOrTx, items: NewInboxRows): Promise<InboxRow[]> {
    const { rows, stored } = this.insertManyPipelined(tx, items);
    await stored;
    return rows;
  }

  /**
   * insertMany without waiting: the statement is sent and the rows come back at once, so the
   * caller can send the transaction's next statements behind it (one round trip to the database
   * saved). Their `id` and `receivedAt` are valid only once `stored` has resolved.
   */
  insertManyPipelined(tx: DbOrTx, items: NewInboxRows): { rows: InboxRow[]; stored: Promise<void> } {
    const json = JSON.stringify(
      items.map((i) => ({
        a: i.accountId ?? null,
        i: i.integrationId ?? null,
        s: i.source,
        e: i.event ?? null,
        m: i.method,
        p: i.path,
        q: i.query ?? null,
        h: i.headers,
        c: i.contentType ?? null,
        b: i.body,
        st: i.status ?? 'received',
        pa: i.processedAt ?? null,
      })),
    );
    const rows: InboxRow[] = items.map((item) => ({
      accountId: item.accountId ?? null,
      integrationId: item.integrationId ?? null,
      source: item.source,
      event: item.event ?? null,
      method: item.method,
      path: item.path,
      query: item.query ?? null,
      headers: item.headers,
      contentType: item.contentType ?? null,
      body: item.body,
      status: item.status ?? 'received',
      reason: null,
      processedAt: item.processedAt ?? null,
      id: 0,
      receivedAt: new Date(0),
    }));
    const stored = (async () => {
      const res = (await tx.execute(sql`
        insert into inbox (account_id, integration_id, source, event, method, path, query, headers, content_type, body, status, processed_at)
        select a, i, s, e, m, p, q, h, c, b, st, pa
        from json_to_recordset(${json}::json) as x(a uuid, i uuid, s text, e text, m text, p text, q text, h jsonb, c text, b text, st text, pa timestamptz)
        returning id, received_at`)) as unknown as { rows: Array<{ id: number | string; received_at: string | Date }> };
      // bigserial values are drawn in the order the rows are read, which is the array's.
      const keys = res.rows.map((r) => ({ id: Number(r.id), receivedAt: new Date(r.received_at) })).sort((x, y) => x.id - y.id);
      rows.forEach((row, n) => {
        row.id = keys[n]!.id;
        row.receivedAt = keys[n]!.receivedAt;
      });
    })();
    return { rows, stored };
  }

  /** Locks the row for its processor; undefined when another attempt already settled it. */
  async claim(tx: DbOrTx, id: number): Promise<InboxRow | undefined> {
    const [row] = await tx.select().from(tables.inbox).where(eq(tables.inbox.id, id)).for('update');
    return row && row.status === 'received' ? row : undefined;
  }

  /** Locks the still-unsettled rows among `ids` (one statement for a batch), in id order. */
  async claimMany(tx: DbOrTx, ids: number[]): Promise<InboxRow[]> {
    const rows = await tx
      .select()
      .from(tables.inbox)
      .where(and(inArray(tables.inbox.id, ids), eq(tables.inbox.status, 'received')))
      .orderBy(tables.inbox.id)
      .for('update');
    return rows;
  }

  async settleMany(tx: DbOrTx, ids: number[], status: Exclude<InboxStatus, 'received'>): Promise<void> {
    if (ids.length === 0) return;
    await tx.update(tables.inbox).set({ status, reason: null, processedAt: new Date() }).where(inArray(tables.inbox.id, ids));
  }

  async settle(tx: DbOrTx, id: number, status: Exclude<InboxStatus, 'received'>, reason?: string): Promise<void> {
    await tx
      .update(tables.inbox)
      .set({ status, reason: reason ?? null, processedAt: new Date() })
      .where(eq(tables.inbox.id, id));
  }

  async list(
    accountId: string,
    f: { status?: InboxStatus | undefined; integrationId?: string | undefined; beforeId?: number | undefined; limit: number },
  ): Promise<InboxView[]> {
    const rows = await this.db
      .select()
      .from(tables.inbox)
      .where(
        and(
          eq(tables.inbox.accountId, accountId),
          f.status ? eq(tables.inbox.status, f.status) : undefined,
          f.integrationId ? eq(tables.inbox.integrationId, f.integrationId) : undefined,
          f.beforeId !== undefined ? lt(tables.inbox.id, f.beforeId) : undefined,
        ),
      )
      .orderBy(desc(tables.inbox.id))
      .limit(f.limit);
    return rows.map(inboxView);
  }

  async get(accountId: string, id: number): Promise<InboxView | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.inbox)
      .where(and(eq(tables.inbox.accountId, accountId), eq(tables.inbox.id, id)));
    return row && inboxView(row);
  }

  /** Retention: settled items older than the cut-off go; unprocessed ones stay until handled. */
  async purgeOlderThan(days: number): Promise<number> {
    const rows = await this.db
      .delete(tables.inbox)
      .where(
        and(
          lt(tables.inbox.receivedAt, sql`now() - make_interval(days => ${days})`),
          inArray(tables.inbox.status, ['processed', 'unparseable', 'failed']),
        ),
      )
      .returning({ id: tables.inbox.id });
    return rows.length;
  }
}

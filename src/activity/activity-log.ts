// The account's activity log: what the connector did on the user's behalf, in Russian, with links
// to the MoySklad objects. Generic on purpose: rules, chats, deals may all write here.
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { tables, type DbOrTx } from '../db/index.ts';

export interface ActivityLink {
  title: string;
  url: string;
  /** MoySklad entity type (counterparty, customerorder, task …) when the link is to one. */
  type?: string;
  id?: string;
}

export interface ActivityEntry {
  accountId: string;
  integrationId?: string | null;
  kind: string;
  /** Russian, for the user. */
  message: string;
  links?: ActivityLink[];
  communicationRef?: string | null;
  at?: Date;
}

export interface ActivityRow {
  id: number;
  integrationId: string | null;
  at: string;
  kind: string;
  message: string;
  links: ActivityLink[];
  communicationRef: string | null;
}

/** The row an entry becomes (shared by the one-entry insert and batched writers). */
export function activityValues(e: ActivityEntry): typeof tables.activityLog.$inferInsert {
  return {
    accountId: e.accountId,
    integrationId: e.integrationId ?? null,
    kind: e.kind,
    message: e.message.slice(0, 4000),
    links: e.links ?? [],
    communicationRef: e.communicationRef ?? null,
    ...(e.at ? { at: e.at } : {}),
  };
}

/**
 * The insert of several entries as one statement, in the given order (ids ascend with it). Returned
 * unexecuted so a caller can run it inside a larger statement; `undefined` when there is nothing.
 * The entries travel as one JSON parameter: drizzle's multi-row insert builds a parameter per
 * value, which made the rules' per-call writes a few per cent of the main thread under call load.
 */
export function activityInsert(entries: ActivityEntry[]): SQL | undefined {
  if (!entries.length) return undefined;
  const rows = entries.map((e, n) => {
    const v = activityValues(e);
    return { n, a: v.accountId, i: v.integrationId ?? null, k: v.kind, m: v.message, l: v.links ?? [], c: v.communicationRef ?? null, t: v.at?.toISOString() ?? null };
  });
  return sql`insert into activity_log (account_id, integration_id, kind, message, links, communication_ref, at)
    select x.a, x.i, x.k, x.m, x.l, x.c, coalesce(x.t, now())
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(n integer, a uuid, i uuid, k text, m text, l jsonb, c text, t timestamptz)
    order by x.n`;
}

export async function recordActivity(db: DbOrTx, e: ActivityEntry): Promise<void> {
  await db.insert(tables.activityLog).values(activityValues(e));
}

/** Newest first; page with `before` = the smallest id seen. */
export async function listActivity(
  db: DbOrTx,
  accountId: string,
  opts: { integrationId?: string; communicationRef?: string; before?: number; limit?: number } = {},
): Promise<ActivityRow[]> {
  const t = tables.activityLog;
  const where: SQL[] = [eq(t.accountId, accountId)];
  if (opts.integrationId) where.push(eq(t.integrationId, opts.integrationId));
  if (opts.communicationRef) where.push(eq(t.communicationRef, opts.communicationRef));
  if (opts.before !== undefined) where.push(lt(t.id, opts.before));
  const rows = await db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.id))
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
  return rows.map((r) => ({
    id: r.id,
    integrationId: r.integrationId,
    at: r.at.toISOString(),
    kind: r.kind,
    message: r.message,
    links: (r.links ?? []) as ActivityLink[],
    communicationRef: r.communicationRef,
  }));
}

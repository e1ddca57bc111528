// Storage of the rules module: rule sets, "already applied" marks per communication and action,
// the per-(account, phone) counterparty lock, and the auto-created tasks.
// An evaluation talks to the database through two statements of its own: `snapshot` reads everything
// it starts from at once, and `write` stores what it decided (ledger marks, activity entries, task
// rows, the attribution record, the lock release) in one statement, reading what it needs next.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { activityInsert, type ActivityEntry } from '../activity/index.ts';
import { tables, type Db } from '../db/index.ts';
import { defaultRuleSet, ruleSetSchema, type RuleSet } from './schema.ts';

const LEASE_MS = 30_000;

export type Applied = { status: 'done' | 'skipped' | 'failed'; result: Record<string, unknown> };

/** Credential roles the rules use (integration `credentialIds` keys). */
export type CredentialRole = 'moysklad' | 'uis';

/** What one evaluation starts from, read in one statement. */
export interface Snapshot {
  active: boolean;
  credentialIds: Record<string, string>;
  /** Per role: the credential's version stamp (null: no credential chosen, or it was deleted). */
  credentialStamps: Record<CredentialRole, string | null>;
  /** null stamp: the user never saved rules. body null: the stamp is the one the caller already has. */
  ruleSet: { stamp: string | null; body: unknown };
  /** The loader's raw value (null: no such communication). */
  communication: unknown;
  /** The ledger of this communication. */
  applied: Map<string, Applied>;
}

export type OpenTask = { id: number; msTaskId: string };

/** Writes of one evaluation that go to the database together, and what to read in the same statement. */
export interface WriteBatch {
  accountId: string;
  integrationId: string;
  commKey: string;
  marks: Array<[action: string, applied: Applied]>;
  activities: ActivityEntry[];
  /** The attribution index record (src/deals reads it); kept as the first evaluation saw it. */
  communication?: typeof tables.communications.$inferInsert;
  addTasks: Array<typeof tables.ruleTasks.$inferInsert>;
  /** rule_tasks ids closed by this communication. */
  closeTasks: number[];
  unlock?: { phoneKey: string; token: string; set?: { msCounterpartyId: string | null; createdByUs?: boolean } };
  /** Read: an earlier communication with this number, and the counterparty already linked to it. */
  history?: { phoneKey: string; before: Date; exceptRef: string };
  /** Read: open auto-close tasks of this number from before `before`. */
  openTasksOf?: { phoneKey: string; before: Date };
}

export type BatchReads = { contactedBefore?: boolean; knownCounterparty?: string | null; openTasks?: OpenTask[] };

/** Changes whenever a row is saved again (version), and after a delete and a new insert (updated_at). */
const stampOf = (alias: string) => sql.raw(`(${alias}.version::text || ':' || (extract(epoch from ${alias}.updated_at) * 1000000)::bigint::text)`);

async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export class RulesStore {
  constructor(private readonly db: Db) {}

  /** The saved rule set, or the defaults when the user never saved one. */
  async ruleSet(integrationId: string): Promise<{ ruleSet: RuleSet; saved: boolean; version: number }> {
    const [row] = await this.db.select().from(tables.ruleSets).where(eq(tables.ruleSets.integrationId, integrationId));
    if (!row) return { ruleSet: defaultRuleSet(), saved: false, version: 0 };
    const parsed = ruleSetSchema.safeParse(row.body);
    // A body saved by an older version that no longer parses falls back to defaults rather than acting wrongly.
    return parsed.success ? { ruleSet: parsed.data, saved: true, version: row.version } : { ruleSet: defaultRuleSet(), saved: false, version: row.version };
  }

  async saveRuleSet(accountId: string, integrationId: string, rs: RuleSet): Promise<number> {
    const t = tables.ruleSets;
    const [row] = await this.db
      .insert(t)
      .values({ accountId, integrationId, body: rs })
      .onConflictDoUpdate({ target: t.integrationId, set: { body: rs, version: sql`${t.version} + 1`, updatedAt: new Date() } })
      .returning({ version: t.version });
    return row!.version;
  }

  async resetRuleSet(integrationId: string): Promise<void> {
    await this.db.delete(tables.ruleSets).where(eq(tables.ruleSets.integrationId, integrationId));
  }

  // ---- one evaluation ------------------------------------------------------------------------

  /**
   * The integration, the rule set's version (its body only when `knownRuleSetStamp` is not current),
   * the credentials' versions, the communication (the loader's subquery) and its ledger, in one
   * statement. undefined: no such integration in this account.
   */
  async snapshot(q: { accountId: string; integrationId: string; commKey: string; communication?: SQL; knownRuleSetStamp?: string }): Promise<Snapshot | undefined> {
    const credentialStamp = (role: CredentialRole) =>
      sql`(select ${stampOf('c')} from credentials c where c.account_id = i.account_id and c.id::text = i.credential_ids->>${role})`;
    const [row] = await rowsOf<{
      active: boolean;
      credential_ids: Record<string, string> | string;
      rule_set_stamp: string | null;
      rule_set_body: unknown;
      moysklad_stamp: string | null;
      uis_stamp: string | null;
      communication: unknown;
      applied: Array<{ action: string; status: Applied['status']; result: Record<string, unknown> | null }> | string | null;
    }>(
      this.db,
      sql`select i.active, i.credential_ids,
        rs.stamp as rule_set_stamp,
        case when rs.stamp = ${q.knownRuleSetStamp ?? ''} then null else rs.body end as rule_set_body,
        ${credentialStamp('moysklad')} as moysklad_stamp,
        ${credentialStamp('uis')} as uis_stamp,
        (${q.communication ?? sql`select null`}) as communication,
        (select json_agg(json_build_object('action', a.action, 'status', a.status, 'result', a.result))
           from rule_applications a where a.integration_id = i.id and a.comm_key = ${q.commKey}) as applied
      from integrations i
      left join lateral (select r.body, ${stampOf('r')} as stamp from rule_sets r where r.integration_id = i.id) rs on true
      where i.account_id = ${q.accountId} and i.id = ${q.integrationId}`,
    );
    if (!row) return undefined;
    const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
    const applied = json(row.applied ?? []) ?? [];
    return {
      active: row.active,
      credentialIds: json(row.credential_ids) ?? {},
      credentialStamps: { moysklad: row.moysklad_stamp, uis: row.uis_stamp },
      ruleSet: { stamp: row.rule_set_stamp, body: row.rule_set_body ?? null },
      communication: row.communication ?? null,
      applied: new Map(applied.map((a) => [a.action, { status: a.status, result: a.result ?? {} }])),
    };
  }

  /**
   * Everything in the batch as one statement (data-modifying CTEs). Reads see the database as it
   * was before the statement, which is what they are for: the history excludes this communication.
   */
  async write(b: WriteBatch): Promise<BatchReads> {
    const parts: SQL[] = [];
    if (b.marks.length) {
      // One JSON parameter for all marks (drizzle's multi-row insert builds one per value).
      const marks = JSON.stringify(b.marks.map(([action, a]) => ({ action, status: a.status, result: a.result })));
      parts.push(sql`insert into rule_applications (integration_id, comm_key, action, account_id, status, result)
        select ${b.integrationId}::uuid, ${b.commKey}, x.action, ${b.accountId}::uuid, x.status, x.result
        from jsonb_to_recordset(${marks}::jsonb) as x(action text, status text, result jsonb)
        on conflict (integration_id, comm_key, action) do update set status = excluded.status, result = excluded.result, at = now()`);
    }
    const activity = activityInsert(b.activities);
    if (activity) parts.push(activity);
    if (b.communication) parts.push(this.db.insert(tables.communications).values(b.communication).onConflictDoNothing().getSQL());
    if (b.addTasks.length) parts.push(this.db.insert(tables.ruleTasks).values(b.addTasks).onConflictDoNothing().getSQL());
    if (b.closeTasks.length) {
      const t = tables.ruleTasks;
      parts.push(this.db.update(t).set({ closedAt: new Date(), closedBy: b.commKey }).where(and(inArray(t.id, b.closeTasks), isNull(t.closedAt))).getSQL());
    }
    if (b.unlock) parts.push(this.unlockQuery(b.accountId, b.unlock.phoneKey, b.unlock.token, b.unlock.set).getSQL());

    const reads: SQL[] = [];
    if (b.history) {
      const h = b.history;
      reads.push(
        sql`exists (select 1 from communications c where c.account_id = ${b.accountId} and c.phone_key = ${h.phoneKey}
              and c.occurred_at < ${h.before.toISOString()}::timestamptz and c.external_ref <> ${h.exceptRef}) as contacted_before`,
        sql`(select rc.ms_counterparty_id from rule_counterparties rc where rc.account_id = ${b.accountId} and rc.phone_key = ${h.phoneKey}) as known_counterparty`,
      );
    }
    if (b.openTasksOf) {
      const o = b.openTasksOf;
      reads.push(
        sql`(select json_agg(json_build_object('id', t.id, 'msTaskId', t.ms_task_id) order by t.id) from rule_tasks t
              where t.account_id = ${b.accountId} and t.phone_key = ${o.phoneKey} and t.closed_at is null and t.auto_close
              and t.occurred_at < ${o.before.toISOString()}::timestamptz) as open_tasks`,
      );
    }
    if (!reads.length) {
      if (parts.length === 1) await this.db.execute(parts[0]!);
      else if (parts.length) await this.db.execute(sql`with ${sql.join(parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`), sql`, `)} select 1`);
      return {};
    }
    const withs = parts.length ? sql`with ${sql.join(parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`), sql`, `)} ` : sql``;
    const [row] = await rowsOf<{ contacted_before?: boolean; known_counterparty?: string | null; open_tasks?: OpenTask[] | string | null }>(
      this.db,
      sql`${withs}select ${sql.join(reads, sql`, `)}`,
    );
    const out: BatchReads = {};
    if (b.history) {
      out.contactedBefore = row?.contacted_before === true;
      out.knownCounterparty = row?.known_counterparty ?? null;
    }
    if (b.openTasksOf) {
      const v = row?.open_tasks ?? null;
      out.openTasks = (typeof v === 'string' ? (JSON.parse(v) as OpenTask[]) : v) ?? [];
      for (const t of out.openTasks) t.id = Number(t.id);
    }
    return out;
  }

  // ---- counterparty lock ---------------------------------------------------------------------

  /**
   * Takes the (account, phone) lock. `undefined` = someone else holds it (evaluate again shortly);
   * otherwise the id already found or created for this number, if any.
   */
  async lockPhone(accountId: string, phoneKey: string): Promise<{ token: string; msCounterpartyId: string | null } | undefined> {
    const token = randomUUID();
    const until = new Date(Date.now() + LEASE_MS);
    const t = tables.ruleCounterparties;
    const rows = await this.db
      .insert(t)
      .values({ accountId, phoneKey, leaseToken: token, leaseUntil: until })
      .onConflictDoUpdate({
        target: [t.accountId, t.phoneKey],
        set: { leaseToken: token, leaseUntil: until, updatedAt: new Date() },
        setWhere: sql`${t.leaseToken} is null or ${t.leaseUntil} < now()`,
      })
      .returning({ id: t.msCounterpartyId });
    const row = rows[0];
    return row ? { token, msCounterpartyId: row.id } : undefined;
  }

  async unlockPhone(accountId: string, phoneKey: string, token: string, set?: { msCounterpartyId: string | null; createdByUs?: boolean }): Promise<void> {
    await this.unlockQuery(accountId, phoneKey, token, set);
  }

  private unlockQuery(accountId: string, phoneKey: string, token: string, set?: { msCounterpartyId: string | null; createdByUs?: boolean }) {
    const t = tables.ruleCounterparties;
    return this.db
      .update(t)
      .set({
        leaseToken: null,
        leaseUntil: null,
        updatedAt: new Date(),
        ...(set ? { msCounterpartyId: set.msCounterpartyId, ...(set.createdByUs !== undefined ? { createdByUs: set.createdByUs } : {}) } : {}),
      })
      .where(and(eq(t.accountId, accountId), eq(t.phoneKey, phoneKey), eq(t.leaseToken, token)));
  }

  async knownCounterparty(accountId: string, phoneKey: string): Promise<string | null> {
    const t = tables.ruleCounterparties;
    const [row] = await this.db.select({ id: t.msCounterpartyId }).from(t).where(and(eq(t.accountId, accountId), eq(t.phoneKey, phoneKey)));
    return row?.id ?? null;
  }

  // ---- history -------------------------------------------------------------------------------

  /** Whether the account had a communication with this number before `before` (the attribution index). */
  async contactedBefore(accountId: string, phoneKey: string, before: Date, exceptRef: string): Promise<boolean> {
    const c = tables.communications;
    const [row] = await this.db
      .select({ id: c.id })
      .from(c)
      .where(and(eq(c.accountId, accountId), eq(c.phoneKey, phoneKey), lt(c.occurredAt, before), sql`${c.externalRef} <> ${exceptRef}`))
      .limit(1);
    return row !== undefined;
  }

  // ---- auto-tasks ----------------------------------------------------------------------------

  /** Open auto-close tasks for this number from communications that happened before `before`. */
  async openTasks(accountId: string, phoneKey: string, before: Date) {
    const t = tables.ruleTasks;
    return this.db
      .select()
      .from(t)
      .where(and(eq(t.accountId, accountId), eq(t.phoneKey, phoneKey), isNull(t.closedAt), eq(t.autoClose, true), lt(t.occurredAt, before)));
  }
}

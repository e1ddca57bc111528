// Storage of the rules module: rule sets, "already applied" marks per communication and action,
// the per-(account, phone) counterparty lock, and the auto-created tasks.
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../db/index.ts';
import { defaultRuleSet, ruleSetSchema, type RuleSet } from './schema.ts';

const LEASE_MS = 30_000;

export type Applied = { status: 'done' | 'skipped' | 'failed'; result: Record<string, unknown> };

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

  // ---- applied actions ----------------------------------------------------------------------

  async applied(integrationId: string, commKey: string): Promise<Map<string, Applied>> {
    const t = tables.ruleApplications;
    const rows = await this.db.select().from(t).where(and(eq(t.integrationId, integrationId), eq(t.commKey, commKey)));
    return new Map(rows.map((r) => [r.action, { status: r.status as Applied['status'], result: (r.result ?? {}) as Record<string, unknown> }]));
  }

  /** Records an action's outcome (one evaluation per communication runs at a time: the job's singleton key). */
  async markApplied(accountId: string, integrationId: string, commKey: string, action: string, a: Applied): Promise<void> {
    const t = tables.ruleApplications;
    await this.db
      .insert(t)
      .values({ accountId, integrationId, commKey, action, status: a.status, result: a.result })
      .onConflictDoUpdate({ target: [t.integrationId, t.commKey, t.action], set: { status: a.status, result: a.result, at: new Date() } });
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
    const t = tables.ruleCounterparties;
    await this.db
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

  async addTask(db: DbOrTx, t: { accountId: string; integrationId: string; phoneKey: string; msTaskId: string; commKey: string; occurredAt: Date; autoClose: boolean }): Promise<void> {
    await db.insert(tables.ruleTasks).values(t).onConflictDoNothing();
  }

  /** Open auto-close tasks for this number from communications that happened before `before`. */
  async openTasks(accountId: string, phoneKey: string, before: Date) {
    const t = tables.ruleTasks;
    return this.db
      .select()
      .from(t)
      .where(and(eq(t.accountId, accountId), eq(t.phoneKey, phoneKey), isNull(t.closedAt), eq(t.autoClose, true), lt(t.occurredAt, before)));
  }

  async closeTask(id: number, by: string): Promise<void> {
    const t = tables.ruleTasks;
    await this.db.update(t).set({ closedAt: new Date(), closedBy: by }).where(and(eq(t.id, id), isNull(t.closedAt)));
  }
}

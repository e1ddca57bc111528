// Integrations of an account. Every method takes the account id: a tenant never reaches another's rows.
import { and, asc, eq } from 'drizzle-orm';
import { randomToken } from '../accounts/index.ts';
import { tables, type Db, type DbOrTx } from '../db/index.ts';
import type { IntegrationKind } from '../db/schema/integrations.ts';
import { RefreshingCache } from './refreshing-cache.ts';

export type IntegrationRow = typeof tables.integrations.$inferSelect;

/** 32 random bytes (256 bits), URL-safe. */
export const newHookSecret = () => randomToken(32);

/**
 * Hook secret → integration, kept briefly in memory: every inbound callback needs it, and on the
 * embedded database a lookup per request would serialise the requests and defeat group commit.
 * This process forgets a cached row at once when the integration changes; other processes' changes
 * apply within SECRET_CACHE_MS plus one lookup (see RefreshingCache: no callback waits for the
 * database on a hot secret; it used to be one callback per secret every few seconds, waiting behind
 * whatever the database was doing).
 */
const SECRET_CACHE_MS = 5_000;
const UNKNOWN_SECRET_CACHE_MS = 1_000;

export class IntegrationsRepository {
  private readonly bySecret: RefreshingCache<string, IntegrationRow | undefined>;
  private readonly changeListeners: Array<(integrationId: string) => void> = [];

  constructor(
    private readonly db: Db,
    opts: { secretCacheMs?: number } = {},
  ) {
    this.bySecret = new RefreshingCache((row) => (row ? (opts.secretCacheMs ?? SECRET_CACHE_MS) : UNKNOWN_SECRET_CACHE_MS));
  }

  /**
   * Called when this process changes or deletes an integration through this repository, or says it
   * changed one directly (`changed`): in-process caches of integration rows forget it.
   */
  onChange(listener: (integrationId: string) => void): void {
    this.changeListeners.push(listener);
  }

  changed(id: string): void {
    this.forgetSecretOf(id);
    for (const l of this.changeListeners) l(id);
  }

  async create(
    accountId: string,
    input: { kind: IntegrationKind; name: string; active: boolean; credentialIds: Record<string, string>; settings: Record<string, unknown> },
  ): Promise<IntegrationRow> {
    const [row] = await this.db
      .insert(tables.integrations)
      .values({ accountId, ...input, hookSecret: newHookSecret() })
      .returning();
    return row!;
  }

  async list(accountId: string): Promise<IntegrationRow[]> {
    return this.db
      .select()
      .from(tables.integrations)
      .where(eq(tables.integrations.accountId, accountId))
      .orderBy(asc(tables.integrations.createdAt));
  }

  async get(accountId: string, id: string, db: DbOrTx = this.db): Promise<IntegrationRow | undefined> {
    const [row] = await db
      .select()
      .from(tables.integrations)
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)));
    return row;
  }

  async update(
    accountId: string,
    id: string,
    patch: Partial<Pick<IntegrationRow, 'name' | 'active' | 'credentialIds' | 'settings' | 'status' | 'statusReason'>>,
  ): Promise<IntegrationRow | undefined> {
    this.forgetSecretOf(id);
    const [row] = await this.db
      .update(tables.integrations)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)))
      .returning();
    this.changed(id);
    return row;
  }

  async rotateSecret(accountId: string, id: string): Promise<IntegrationRow | undefined> {
    this.forgetSecretOf(id);
    const row = await this.updateRaw(accountId, id, { hookSecret: newHookSecret() });
    this.changed(id);
    return row;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    this.forgetSecretOf(id);
    const rows = await this.db
      .delete(tables.integrations)
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)))
      .returning({ id: tables.integrations.id });
    this.changed(id);
    return rows.length > 0;
  }

  /** Intake: the integration a secret URL belongs to (any account — the secret is the proof). */
  findByHookSecret(secret: string): Promise<IntegrationRow | undefined> {
    return this.bySecret.get(secret, async () => {
      const [row] = await this.db.select().from(tables.integrations).where(eq(tables.integrations.hookSecret, secret));
      return row;
    });
  }

  private forgetSecretOf(id: string): void {
    this.bySecret.forgetWhere((row) => row?.id === id);
  }

  /** Integrations that use a credential, to refuse deleting it from under them. */
  async usingCredential(accountId: string, credentialId: string): Promise<IntegrationRow[]> {
    return (await this.list(accountId)).filter((i) => Object.values(i.credentialIds).includes(credentialId));
  }

  private async updateRaw(accountId: string, id: string, set: Partial<IntegrationRow>) {
    const [row] = await this.db
      .update(tables.integrations)
      .set({ ...set, updatedAt: new Date() })
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)))
      .returning();
    return row;
  }
}

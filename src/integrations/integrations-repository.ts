// Integrations of an account. Every method takes the account id: a tenant never reaches another's rows.
import { and, asc, eq } from 'drizzle-orm';
import { randomToken } from '../accounts/index.ts';
import { tables, type Db, type DbOrTx } from '../db/index.ts';
import type { IntegrationKind } from '../db/schema/integrations.ts';

export type IntegrationRow = typeof tables.integrations.$inferSelect;

/** 32 random bytes (256 bits), URL-safe. */
export const newHookSecret = () => randomToken(32);

export class IntegrationsRepository {
  constructor(private readonly db: Db) {}

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
    const [row] = await this.db
      .update(tables.integrations)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)))
      .returning();
    return row;
  }

  async rotateSecret(accountId: string, id: string): Promise<IntegrationRow | undefined> {
    return this.updateRaw(accountId, id, { hookSecret: newHookSecret() });
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(tables.integrations)
      .where(and(eq(tables.integrations.accountId, accountId), eq(tables.integrations.id, id)))
      .returning({ id: tables.integrations.id });
    return rows.length > 0;
  }

  /** Intake: the integration a secret URL belongs to (any account — the secret is the proof). */
  async findByHookSecret(secret: string): Promise<IntegrationRow | undefined> {
    const [row] = await this.db.select().from(tables.integrations).where(eq(tables.integrations.hookSecret, secret));
    return row;
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

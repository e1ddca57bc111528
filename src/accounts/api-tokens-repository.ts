// Per-account API tokens for automation (`Authorization: Bearer usm_…`). Shown once, stored as a digest.
import { and, asc, eq } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import { digest, randomToken } from './tokens.ts';

export const API_TOKEN_PREFIX = 'usm_';

export type ApiTokenView = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null };

const view = (r: typeof tables.apiTokens.$inferSelect): ApiTokenView => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

export class ApiTokensRepository {
  constructor(private readonly db: Db) {}

  async create(accountId: string, name: string): Promise<{ token: string; view: ApiTokenView }> {
    const token = API_TOKEN_PREFIX + randomToken();
    const [row] = await this.db
      .insert(tables.apiTokens)
      .values({ accountId, name, tokenHash: digest(token), prefix: token.slice(0, 10) })
      .returning();
    return { token, view: view(row!) };
  }

  async list(accountId: string): Promise<ApiTokenView[]> {
    const rows = await this.db
      .select()
      .from(tables.apiTokens)
      .where(eq(tables.apiTokens.accountId, accountId))
      .orderBy(asc(tables.apiTokens.createdAt));
    return rows.map(view);
  }

  async revoke(accountId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(tables.apiTokens)
      .where(and(eq(tables.apiTokens.accountId, accountId), eq(tables.apiTokens.id, id)))
      .returning({ id: tables.apiTokens.id });
    return rows.length > 0;
  }

  async resolve(token: string): Promise<{ accountId: string; tokenId: string } | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const [row] = await this.db
      .update(tables.apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(eq(tables.apiTokens.tokenHash, digest(token)))
      .returning({ accountId: tables.apiTokens.accountId, tokenId: tables.apiTokens.id });
    return row;
  }
}

import { asc, eq } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';

export type AccountView = { id: string; name: string; createdAt: string };

const view = (r: typeof tables.accounts.$inferSelect): AccountView => ({
  id: r.id,
  name: r.name,
  createdAt: r.createdAt.toISOString(),
});

export class AccountsRepository {
  constructor(private readonly db: Db) {}

  async create(name: string): Promise<AccountView> {
    const [row] = await this.db.insert(tables.accounts).values({ name }).returning();
    return view(row!);
  }

  async list(): Promise<AccountView[]> {
    return (await this.db.select().from(tables.accounts).orderBy(asc(tables.accounts.createdAt))).map(view);
  }

  async get(id: string): Promise<AccountView | undefined> {
    const [row] = await this.db.select().from(tables.accounts).where(eq(tables.accounts.id, id));
    return row && view(row);
  }

  async rename(id: string, name: string): Promise<AccountView | undefined> {
    const [row] = await this.db.update(tables.accounts).set({ name }).where(eq(tables.accounts.id, id)).returning();
    return row && view(row);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(tables.accounts).where(eq(tables.accounts.id, id)).returning()).length > 0;
  }
}

import { and, asc, count, eq, sql } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export type Role = 'owner' | 'member';
export type UserView = {
  id: string;
  accountId: string;
  email: string;
  role: Role;
  isOperator: boolean;
  createdAt: string;
};

const view = (r: typeof tables.users.$inferSelect): UserView => ({
  id: r.id,
  accountId: r.accountId,
  email: r.email,
  role: r.role,
  isOperator: r.isOperator,
  createdAt: r.createdAt.toISOString(),
});

export class EmailTakenError extends Error {
  constructor() {
    super('a user with this e-mail already exists');
  }
}

export class UsersRepository {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(tables.users);
    return row?.n ?? 0;
  }

  async create(input: {
    accountId: string;
    email: string;
    password: string;
    role: Role;
    isOperator?: boolean;
  }): Promise<UserView> {
    const passwordHash = await hashPassword(input.password);
    const rows = await this.db
      .insert(tables.users)
      .values({
        accountId: input.accountId,
        email: input.email.trim(),
        passwordHash,
        role: input.role,
        isOperator: input.isOperator ?? false,
      })
      .onConflictDoNothing()
      .returning();
    if (!rows[0]) throw new EmailTakenError();
    return view(rows[0]);
  }

  /** Checks a login; the same work is done for unknown e-mails so timing does not reveal them. */
  async authenticate(email: string, password: string): Promise<UserView | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.users)
      .where(sql`lower(${tables.users.email}) = lower(${email.trim()})`);
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    return row && ok ? view(row) : undefined;
  }

  async get(id: string): Promise<UserView | undefined> {
    const [row] = await this.db.select().from(tables.users).where(eq(tables.users.id, id));
    return row && view(row);
  }

  async listByAccount(accountId: string): Promise<UserView[]> {
    const rows = await this.db
      .select()
      .from(tables.users)
      .where(eq(tables.users.accountId, accountId))
      .orderBy(asc(tables.users.createdAt));
    return rows.map(view);
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.db.update(tables.users).set({ passwordHash: await hashPassword(password) }).where(eq(tables.users.id, id));
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(tables.users)
      .where(and(eq(tables.users.accountId, accountId), eq(tables.users.id, id)))
      .returning({ id: tables.users.id });
    return rows.length > 0;
  }
}

// A valid hash of a random value, used to spend equal time on unknown e-mails.
const DUMMY_HASH =
  'scrypt$32768$8$1$VIlz2uItcaIpidfXN+Qrtg==$1CMQonr6ZHhFFQrM0BA8dnajy8d/q5xmPHxKZIfeL0Y=';

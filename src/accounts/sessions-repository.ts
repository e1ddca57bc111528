// Cookie sessions for the cabinet. The cookie holds a random token; the table holds its digest.
import { and, eq, gt, lt } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import { digest, randomToken } from './tokens.ts';
import type { UserView } from './users-repository.ts';

export class SessionsRepository {
  constructor(
    private readonly db: Db,
    private readonly ttlHours: number,
  ) {}

  async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.ttlHours * 3600_000);
    await this.db.insert(tables.sessions).values({ tokenHash: digest(token), userId, expiresAt });
    return { token, expiresAt };
  }

  async resolve(token: string): Promise<UserView | undefined> {
    const [row] = await this.db
      .select({ user: tables.users })
      .from(tables.sessions)
      .innerJoin(tables.users, eq(tables.users.id, tables.sessions.userId))
      .where(and(eq(tables.sessions.tokenHash, digest(token)), gt(tables.sessions.expiresAt, new Date())));
    if (!row) return undefined;
    const u = row.user;
    return {
      id: u.id,
      accountId: u.accountId,
      email: u.email,
      role: u.role,
      isOperator: u.isOperator,
      createdAt: u.createdAt.toISOString(),
    };
  }

  async destroy(token: string): Promise<void> {
    await this.db.delete(tables.sessions).where(eq(tables.sessions.tokenHash, digest(token)));
  }

  async destroyForUser(userId: string): Promise<void> {
    await this.db.delete(tables.sessions).where(eq(tables.sessions.userId, userId));
  }

  async purgeExpired(): Promise<number> {
    return (await this.db.delete(tables.sessions).where(lt(tables.sessions.expiresAt, new Date())).returning()).length;
  }
}

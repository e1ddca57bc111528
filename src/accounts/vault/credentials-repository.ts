// Named credentials of an account. Secrets go in encrypted and come out only through `reveal`,
// which the workers use to talk to MoySklad and UIS; nothing here returns a secret to the API.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../../db/index.ts';
import type { CredentialKind } from '../../db/schema/credentials.ts';
import { decryptSecret, encryptSecret } from './cipher.ts';
import type { MasterKey } from './master-key.ts';

export type CredentialView = {
  id: string;
  name: string;
  kind: CredentialKind;
  login: string | null;
  hasSecret: true;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type RevealedCredential = { id: string; kind: CredentialKind; login: string | null; secret: string; version: number };

const aad = (id: string, kind: string) => `credential:${id}:${kind}`;

function view(row: typeof tables.credentials.$inferSelect): CredentialView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    login: row.login,
    hasSecret: true,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export class CredentialsRepository {
  private readonly changeListeners: Array<(credentialId: string) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly mk: MasterKey,
  ) {}

  /** Called after this process changed or deleted a credential (caches of decrypted keys forget it). */
  onChange(listener: (credentialId: string) => void): void {
    this.changeListeners.push(listener);
  }

  private changed(id: string): void {
    for (const l of this.changeListeners) l(id);
  }

  async create(
    accountId: string,
    input: { name: string; kind: CredentialKind; login?: string | null; secret: string },
  ): Promise<CredentialView> {
    const id = randomUUID();
    const [row] = await this.db
      .insert(tables.credentials)
      .values({
        id,
        accountId,
        name: input.name,
        kind: input.kind,
        login: input.login ?? null,
        secretCiphertext: encryptSecret(this.mk.key, input.secret, aad(id, input.kind)),
        keyId: this.mk.keyId,
      })
      .returning();
    return view(row!);
  }

  async list(accountId: string): Promise<CredentialView[]> {
    const rows = await this.db
      .select()
      .from(tables.credentials)
      .where(eq(tables.credentials.accountId, accountId))
      .orderBy(asc(tables.credentials.createdAt));
    return rows.map(view);
  }

  async get(accountId: string, id: string, db: DbOrTx = this.db): Promise<CredentialView | undefined> {
    const [row] = await db
      .select()
      .from(tables.credentials)
      .where(and(eq(tables.credentials.accountId, accountId), eq(tables.credentials.id, id)));
    return row && view(row);
  }

  /** Changes the name, the login or the secret; a new secret bumps `version` (for "key was fixed"). */
  async update(
    accountId: string,
    id: string,
    patch: { name?: string | undefined; login?: string | null | undefined; secret?: string | undefined },
  ): Promise<CredentialView | undefined> {
    const [current] = await this.db
      .select()
      .from(tables.credentials)
      .where(and(eq(tables.credentials.accountId, accountId), eq(tables.credentials.id, id)));
    if (!current) return undefined;
    const [row] = await this.db
      .update(tables.credentials)
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.login !== undefined && { login: patch.login }),
        ...(patch.secret !== undefined && {
          secretCiphertext: encryptSecret(this.mk.key, patch.secret, aad(id, current.kind)),
          keyId: this.mk.keyId,
          version: sql`${tables.credentials.version} + 1`,
        }),
        updatedAt: new Date(),
      })
      .where(and(eq(tables.credentials.accountId, accountId), eq(tables.credentials.id, id)))
      .returning();
    this.changed(id);
    return row && view(row);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(tables.credentials)
      .where(and(eq(tables.credentials.accountId, accountId), eq(tables.credentials.id, id)))
      .returning({ id: tables.credentials.id });
    this.changed(id);
    return rows.length > 0;
  }

  /** For workers only: the decrypted secret. Never pass the result to a response or a log line. */
  async reveal(accountId: string, id: string): Promise<RevealedCredential | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.credentials)
      .where(and(eq(tables.credentials.accountId, accountId), eq(tables.credentials.id, id)));
    if (!row) return undefined;
    return {
      id: row.id,
      kind: row.kind,
      login: row.login,
      secret: decryptSecret(this.mk.key, row.secretCiphertext, aad(row.id, row.kind)),
      version: row.version,
    };
  }
}

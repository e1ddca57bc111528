// The credentials vault: named secrets per account, encrypted at rest (see src/accounts/vault).
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

export const CREDENTIAL_KINDS = ['moysklad-basic', 'moysklad-token', 'moysklad-phone-key', 'uis-api-key'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: CREDENTIAL_KINDS }).notNull(),
    /** Non-secret part shown back to the user (the MoySklad login for `moysklad-basic`). */
    login: text('login'),
    /** AES-256-GCM: base64(iv ‖ tag ‖ ciphertext), bound to the row id and kind as AAD. */
    secretCiphertext: text('secret_ciphertext').notNull(),
    keyId: text('key_id').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('credentials_account_idx').on(t.accountId)],
);

/** One row: proves which master key encrypted the vault, so a wrong SECRET_KEY fails at start. */
export const vaultKeys = pgTable('vault_keys', {
  keyId: text('key_id').primaryKey(),
  checkValue: text('check_value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// Integrations: a configured link between an account's UIS and MoySklad for one purpose.
import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

export const INTEGRATION_KINDS = ['moysklad-deals', 'moysklad-telephony', 'moysklad-chats'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: INTEGRATION_KINDS }).notNull(),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(false),
    /** Role → credential id, e.g. { moysklad: "…", phoneKey: "…", uis: "…" }; roles depend on kind. */
    credentialIds: jsonb('credential_ids').$type<Record<string, string>>().notNull().default({}),
    /** Kind-specific settings, validated by the kind's zod schema (src/integrations/kinds.ts). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** ≥128-bit random value that forms the inbound webhook URLs; rotatable. */
    hookSecret: text('hook_secret').notNull().unique(),
    /** What the user should know: ok | credentials_rejected | error; reason in statusReason. */
    status: text('status').notNull().default('ok'),
    statusReason: text('status_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integrations_account_idx').on(t.accountId)],
);

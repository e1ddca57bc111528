// The inbox: every inbound callback, stored raw before we acknowledge it (DESIGN.md principle 1).
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { integrations } from './integrations.ts';

export const INBOX_STATUSES = ['received', 'processed', 'unparseable', 'failed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const inbox = pgTable(
  'inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id').references(() => integrations.id, { onDelete: 'set null' }),
    /** Who sent it: uis | moysklad-webhook | moysklad-click-to-call | moysklad-vendor | … */
    source: text('source').notNull(),
    /** The event named by the URL (e.g. a UIS notification type), when there is one. */
    event: text('event'),
    method: text('method').notNull(),
    /** Request path with the integration secret replaced by ":secret". */
    path: text('path').notNull(),
    query: text('query'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    contentType: text('content_type'),
    body: text('body').notNull(),
    status: text('status', { enum: INBOX_STATUSES }).notNull().default('received'),
    /** Why it could not be parsed or processed, in words a user can act on. */
    reason: text('reason'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('inbox_account_received_idx').on(t.accountId, t.receivedAt),
    index('inbox_received_idx').on(t.receivedAt),
    index('inbox_status_idx').on(t.status),
  ],
);

// Rules (issue 6): what happens in MoySklad after a call or chat without a human — counterparties,
// orders, tasks, extra fields — and the account's activity log where every such action is told.
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { integrations } from './integrations.ts';

const accountRef = () => uuid('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' });
const integrationRef = () => uuid('integration_id').notNull().references(() => integrations.id, { onDelete: 'cascade' });
const tz = (name: string) => timestamp(name, { withTimezone: true });

/** The ordered rule list and the integration-wide settings (own numbers, working hours, fields). */
export const ruleSets = pgTable('rule_sets', {
  integrationId: uuid('integration_id')
    .primaryKey()
    .references(() => integrations.id, { onDelete: 'cascade' }),
  accountId: accountRef(),
  /** RuleSet (src/rules/schema.ts), validated on write. */
  body: jsonb('body').notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

/**
 * One row per (communication, action): what was already done for it, so a retry or a duplicate
 * job never applies an action twice. `status` = done | skipped | failed; `result` keeps MoySklad ids.
 */
export const ruleApplications = pgTable(
  'rule_applications',
  {
    integrationId: integrationRef(),
    commKey: text('comm_key').notNull(),
    action: text('action').notNull(),
    accountId: accountRef(),
    status: text('status').notNull(),
    result: jsonb('result').notNull().default({}),
    at: tz('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.commKey, t.action] })],
);

/**
 * One row per (account, phone): the lock that makes "find or create the counterparty" happen once
 * even when two calls from a new number are evaluated at the same moment, and the id found/created.
 */
export const ruleCounterparties = pgTable(
  'rule_counterparties',
  {
    accountId: accountRef(),
    phoneKey: text('phone_key').notNull(),
    msCounterpartyId: text('ms_counterparty_id'),
    /** true when we created it (the activity log says so; the rest treat it like any other). */
    createdByUs: boolean('created_by_us').notNull().default(false),
    leaseToken: text('lease_token'),
    leaseUntil: tz('lease_until'),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.phoneKey] })],
);

/** Tasks we created for missed communications; closed when the client is reached later. */
export const ruleTasks = pgTable(
  'rule_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: accountRef(),
    integrationId: integrationRef(),
    phoneKey: text('phone_key').notNull(),
    msTaskId: text('ms_task_id').notNull(),
    commKey: text('comm_key').notNull(),
    /** When the missed communication happened; only later contacts close the task. */
    occurredAt: tz('occurred_at').notNull(),
    autoClose: boolean('auto_close').notNull().default(true),
    closedAt: tz('closed_at'),
    closedBy: text('closed_by'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('rule_tasks_task_uq').on(t.accountId, t.msTaskId),
    index('rule_tasks_open_idx')
      .on(t.accountId, t.phoneKey)
      .where(sql`closed_at is null`),
  ],
);

/** What the connector did on the account's behalf, in Russian, with links to MoySklad objects. */
export const activityLog = pgTable(
  'activity_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: accountRef(),
    integrationId: uuid('integration_id').references(() => integrations.id, { onDelete: 'set null' }),
    at: tz('at').notNull().defaultNow(),
    /** Machine-readable kind, e.g. counterparty.created, task.closed, rules.skipped. */
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    /** [{ title, url, type, id }] */
    links: jsonb('links').notNull().default([]),
    /** The communication it is about, e.g. "call:123456". */
    communicationRef: text('communication_ref'),
  },
  (t) => [index('activity_log_account_at_idx').on(t.accountId, t.id), index('activity_log_integration_idx').on(t.integrationId, t.id)],
);

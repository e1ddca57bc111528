// Telephony (issue 5): employee sync snapshots and links, click-to-call log, routing index.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { integrations } from './integrations.ts';

const integrationRef = () =>
  uuid('integration_id')
    .notNull()
    .references(() => integrations.id, { onDelete: 'cascade' });

/** Per-integration bookkeeping: last refreshes, their errors, and generations that tell caches to reload. */
export const telephonyState = pgTable('telephony_state', {
  integrationId: integrationRef().primaryKey(),
  employeesRefreshedAt: timestamp('employees_refreshed_at', { withTimezone: true }),
  employeesError: text('employees_error'),
  employeesGeneration: bigint('employees_generation', { mode: 'number' }).notNull().default(0),
  routingRefreshedAt: timestamp('routing_refreshed_at', { withTimezone: true }),
  routingError: text('routing_error'),
  routingGeneration: bigint('routing_generation', { mode: 'number' }).notNull().default(0),
  /** MoySklad webhook ids we registered for counterparty changes. */
  webhookIds: jsonb('webhook_ids').$type<string[]>().notNull().default([]),
  webhooksError: text('webhooks_error'),
});

/** MoySklad employees that have an extension (Phone API), with names etc. from the JSON API when available. */
export const telephonyMsEmployees = pgTable(
  'telephony_ms_employees',
  {
    integrationId: integrationRef(),
    employeeId: text('employee_id').notNull(),
    extension: text('extension'),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    uid: text('uid'),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.employeeId] })],
);

/** UIS employees (Data API get.employees). `phones` are active numbers, E.164 digits as UIS stores them. */
export const telephonyUisEmployees = pgTable(
  'telephony_uis_employees',
  {
    integrationId: integrationRef(),
    employeeId: integer('employee_id').notNull(),
    name: text('name'),
    email: text('email'),
    extension: text('extension'),
    phones: jsonb('phones').$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.employeeId] })],
);

/** Manual choices of the user; survive every refresh. uisEmployeeId null = "do not link". */
export const telephonyEmployeeOverrides = pgTable(
  'telephony_employee_overrides',
  {
    integrationId: integrationRef(),
    msEmployeeId: text('ms_employee_id').notNull(),
    uisEmployeeId: integer('uis_employee_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.msEmployeeId] })],
);

/** The computed mapping (recomputed after every refresh or override). */
export const telephonyEmployeeLinks = pgTable(
  'telephony_employee_links',
  {
    integrationId: integrationRef(),
    msEmployeeId: text('ms_employee_id').notNull(),
    uisEmployeeId: integer('uis_employee_id').notNull(),
    /** extension | email | phone | manual */
    matchedBy: text('matched_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.msEmployeeId] }), index('telephony_links_uis_idx').on(t.integrationId, t.uisEmployeeId)],
);

export const CLICK_TO_CALL_STATUSES = ['queued', 'dialing', 'started', 'failed', 'rejected'] as const;
export type ClickToCallStatus = (typeof CLICK_TO_CALL_STATUSES)[number];

/** Every click-to-call request MoySklad sent us, with what we did about it. */
export const telephonyClickToCall = pgTable(
  'telephony_click_to_call',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    integrationId: integrationRef(),
    inboxId: bigint('inbox_id', { mode: 'number' }),
    srcNumber: text('src_number'),
    destNumber: text('dest_number'),
    uid: text('uid'),
    /** Raw `Lognex-Content-MD5` and body, kept for the signature check in the job. */
    signatureHeader: text('signature_header'),
    rawBody: text('raw_body').notNull(),
    /** missing | matched | mismatch (null until checked) */
    signature: text('signature'),
    signatureVariant: text('signature_variant'),
    status: text('status', { enum: CLICK_TO_CALL_STATUSES }).notNull().default('queued'),
    /** Why it failed or was rejected, in Russian for the user. */
    reason: text('reason'),
    uisEmployeeId: integer('uis_employee_id'),
    uisCallSessionId: bigint('uis_call_session_id', { mode: 'number' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('telephony_c2c_integration_idx').on(t.integrationId, t.id)],
);

/** Routing index: normalised phone key → counterparty and its owner (MoySklad employee id). */
export const telephonyRoutingIndex = pgTable(
  'telephony_routing_index',
  {
    integrationId: integrationRef(),
    phoneKey: text('phone_key').notNull(),
    counterpartyId: text('counterparty_id').notNull(),
    counterpartyName: text('counterparty_name'),
    ownerEmployeeId: text('owner_employee_id'),
    /** counterparty | contactperson */
    via: text('via').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.phoneKey, t.counterpartyId] }),
    index('telephony_routing_cp_idx').on(t.integrationId, t.counterpartyId),
  ],
);

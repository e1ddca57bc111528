// Deals (MoySklad customer orders) mirrored into the cabinet, with the funnel, contacts, the sync
// state that makes the backfill resumable, and the communications index used for attribution.
// Every table is keyed by the integration (one MoySklad account) and carries the cabinet account
// for tenant-scoped queries.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { integrations } from './integrations.ts';

const accountRef = () => uuid('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' });
const integrationRef = () => uuid('integration_id').notNull().references(() => integrations.id, { onDelete: 'cascade' });
const tz = (name: string) => timestamp(name, { withTimezone: true });

/** One row per deals integration: where the backfill stands and what the live sync has seen. */
export const dealSyncs = pgTable('deal_syncs', {
  integrationId: integrationRef().primaryKey(),
  accountId: accountRef(),
  /** refs → counterparties → persons → orders → live (or failed). */
  phase: text('phase').notNull().default('refs'),
  /** Offset of the next page of the current phase (pages of 1000 ordered by created,id). */
  cursor: integer('cursor').notNull().default(0),
  /** Per phase: { total, done } as last reported by MoySklad's meta.size. */
  progress: jsonb('progress').$type<Record<string, { total: number; done: number }>>().notNull().default({}),
  requests: integer('requests').notNull().default(0),
  startedAt: tz('started_at'),
  finishedAt: tz('finished_at'),
  /** Latest MoySklad `updated` seen (UTC); reconciliation asks for updated >= this minus an overlap. */
  watermark: tz('watermark'),
  lastReconciledAt: tz('last_reconciled_at'),
  /** MoySklad webhook ids we registered, by "entity:ACTION". */
  webhooks: jsonb('webhooks').$type<Record<string, string>>().notNull().default({}),
  lastWebhookAt: tz('last_webhook_at'),
  error: text('error'),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

/** Reference entities read once per backfill and joined locally: store, saleschannel, project, organization, employee. */
export const dealRefs = pgTable(
  'deal_refs',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    type: text('type').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.type, t.id] }), index('deal_refs_account_idx').on(t.accountId, t.type)],
);

/** Funnel stages (customerorder states) with their order and outcome. */
export const dealStages = pgTable(
  'deal_stages',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    color: integer('color'),
    /** Regular | Successful | Unsuccessful as MoySklad says. */
    stateType: text('state_type').notNull(),
    /** open | won | lost. */
    outcome: text('outcome').notNull(),
    position: integer('position').notNull(),
    deleted: boolean('deleted').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.id] }), index('deal_stages_account_idx').on(t.accountId)],
);

/** Counterparties: the deal's contact with normalised phones and e-mails. */
export const dealContacts = pgTable(
  'deal_contacts',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    companyType: text('company_type'),
    /** E.164 numbers from the counterparty and its contact persons. */
    phones: jsonb('phones').$type<string[]>().notNull().default([]),
    emails: jsonb('emails').$type<string[]>().notNull().default([]),
    persons: jsonb('persons').$type<Array<{ id: string; name: string; phones: string[]; email?: string }>>().notNull().default([]),
    /** MoySklad says it has contact persons we have not read yet. */
    needsPersons: boolean('needs_persons').notNull().default(false),
    msUpdated: tz('ms_updated'),
    deletedAt: tz('deleted_at'),
    changedAt: tz('changed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.id] }),
    index('deal_contacts_account_changed_idx').on(t.accountId, t.changedAt, t.id),
    index('deal_contacts_needs_persons_idx').on(t.integrationId).where(sql`${t.needsPersons}`),
  ],
);

/** Phone keys of contacts, for joining calls and chats to counterparties. */
export const dealContactPhones = pgTable(
  'deal_contact_phones',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    contactId: text('contact_id').notNull(),
    phoneKey: text('phone_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.contactId, t.phoneKey] }), index('deal_contact_phones_key_idx').on(t.accountId, t.phoneKey)],
);

/** Customer orders. Deleted orders are marked, never erased. Money in kopecks. */
export const deals = pgTable(
  'deals',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    moment: tz('moment').notNull(),
    msCreated: tz('ms_created').notNull(),
    msUpdated: tz('ms_updated').notNull(),
    sum: bigint('sum', { mode: 'number' }).notNull(),
    payedSum: bigint('payed_sum', { mode: 'number' }).notNull().default(0),
    stateId: text('state_id'),
    storeId: text('store_id'),
    salesChannelId: text('sales_channel_id'),
    projectId: text('project_id'),
    organizationId: text('organization_id'),
    ownerId: text('owner_id'),
    agentId: text('agent_id'),
    description: text('description'),
    attributes: jsonb('attributes').$type<Array<{ id: string; name: string; type: string; value: unknown }>>().notNull().default([]),
    deletedAt: tz('deleted_at'),
    /** Our clock: when this row last changed (the analytics feed pages by it). */
    changedAt: tz('changed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.id] }),
    index('deals_account_moment_idx').on(t.accountId, t.moment, t.id),
    index('deals_account_sum_idx').on(t.accountId, t.sum, t.id),
    index('deals_account_updated_idx').on(t.accountId, t.msUpdated, t.id),
    index('deals_account_changed_idx').on(t.accountId, t.changedAt, t.id),
    index('deals_account_state_idx').on(t.accountId, t.stateId, t.moment),
    index('deals_account_owner_idx').on(t.accountId, t.ownerId, t.moment),
    index('deals_account_store_idx').on(t.accountId, t.storeId, t.moment),
    index('deals_account_channel_idx').on(t.accountId, t.salesChannelId, t.moment),
    index('deals_agent_idx').on(t.integrationId, t.agentId),
  ],
);

/** Every observed stage of every deal: entered when we saw it, left when we saw the next one. */
export const dealStageHistory = pgTable(
  'deal_stage_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    integrationId: integrationRef(),
    accountId: accountRef(),
    dealId: text('deal_id').notNull(),
    stateId: text('state_id'),
    /** MoySklad's time of the change when known (its `updated`), else when we observed it. */
    enteredAt: tz('entered_at').notNull(),
    leftAt: tz('left_at'),
    /** backfill | webhook | reconcile: how we learned about it (backfill entries are upper bounds). */
    source: text('source').notNull(),
  },
  (t) => [index('deal_stage_history_deal_idx').on(t.integrationId, t.dealId, t.enteredAt), index('deal_stage_history_state_idx').on(t.accountId, t.stateId)],
);

/** Webhook deliveries already taken (MoySklad retries with the same requestId). */
export const dealWebhookReceipts = pgTable(
  'deal_webhook_receipts',
  {
    integrationId: integrationRef(),
    requestId: text('request_id').notNull(),
    receivedAt: tz('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.requestId] }), index('deal_webhook_receipts_received_idx').on(t.receivedAt)],
);

/** Objects a webhook named that still have to be read (batched: many ids per request). */
export const dealPendingFetches = pgTable(
  'deal_pending_fetches',
  {
    integrationId: integrationRef(),
    accountId: accountRef(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    /** Webhook time (MoySklad's audit moment, else receipt time): the stage-change time when unknown. */
    eventAt: tz('event_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.entityType, t.entityId] })],
);

/**
 * Calls, chats and offline touches by phone, written by telephony/chats; deals read it for
 * attribution (first and last touch before an order).
 */
export const communications = pgTable(
  'communications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: accountRef(),
    /** call | chat | offline */
    channel: text('channel').notNull(),
    phoneKey: text('phone_key').notNull(),
    occurredAt: tz('occurred_at').notNull(),
    campaign: text('campaign'),
    utmSource: text('utm_source'),
    utmMedium: text('utm_medium'),
    utmCampaign: text('utm_campaign'),
    site: text('site'),
    externalRef: text('external_ref').notNull(),
  },
  (t) => [
    index('communications_phone_idx').on(t.accountId, t.phoneKey, t.occurredAt),
    uniqueIndex('communications_ref_key').on(t.accountId, t.channel, t.externalRef),
  ],
);

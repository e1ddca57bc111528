// Periodic reconciliation: MoySklad drops a webhook for good after four failed tries, so every few
// minutes each live integration asks for objects with updated >= (watermark − overlap) in full
// pages, and compares the order count with ours; a mismatch (a delete whose webhook was lost)
// triggers a full sweep that marks the orders MoySklad no longer has.
import { defineJob, RARE_POLLING_INTERVAL_S } from '../queue/index.ts';
import { clientFor, reportAuthFailure, type DealsDeps } from './deps.ts';
import { contactRow, dealRow } from './mapping.ts';
import { readByIds } from './read-by-ids.ts';
import { ALL_ARCHIVED, PAGE, PAGE_ORDER } from './backfill.ts';
import type { JsonApiClient } from '../moysklad/index.ts';
import type { Scope } from './deals-repository.ts';

export const DEALS_RECONCILE_JOB = 'deals.reconcile';
export const DEALS_RECONCILE_ALL_JOB = 'deals.reconcile-all';
/** Clock skew and commit lag between MoySklad's `updated` and the moment a row becomes visible. */
const OVERLAP_MS = 5 * 60_000;

export function reconcileAllJob(deps: DealsDeps) {
  return defineJob<object>({
    name: DEALS_RECONCILE_ALL_JOB,
    queue: { retryLimit: 1 },
    work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
    handler: async () => {
      for (const sync of await deps.repo.liveSyncs()) {
        await deps.queue().send(DEALS_RECONCILE_JOB, { integrationId: sync.integrationId }, { singletonKey: sync.integrationId });
      }
    },
  });
}

export function reconcileJob(deps: DealsDeps) {
  return defineJob<{ integrationId: string; sweep?: boolean }>({
    name: DEALS_RECONCILE_JOB,
    queue: { policy: 'stately', retryLimit: 5, retryDelay: 10, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 900 },
    work: { localConcurrency: 2 },
    handler: async ({ integrationId, sweep }) => {
      const sync = await deps.repo.getSync(integrationId);
      if (!sync || sync.phase !== 'live') return;
      const integration = await deps.integrations.get(sync.accountId, integrationId);
      if (!integration?.active) return;
      try {
        await reconcile(deps, integration, { sweep: sweep === true });
      } catch (err) {
        if (await reportAuthFailure(deps, integration, err)) return;
        throw err;
      }
    },
  });
}

export type ReconcileResult = { orders: number; counterparties: number; requests: number; swept: boolean; markedDeleted: number };

export async function reconcile(
  deps: DealsDeps,
  integration: { id: string; accountId: string } & Parameters<typeof clientFor>[1],
  opts: { sweep?: boolean } = {},
): Promise<ReconcileResult> {
  const s: Scope = { integrationId: integration.id, accountId: integration.accountId };
  const sync = await deps.repo.getSync(s.integrationId);
  if (!sync) throw new Error('no deals sync state');
  const { client } = await clientFor(deps, integration);
  const started = new Date();
  // Whole seconds: MoySklad filters compare at second precision.
  const since = new Date(Math.floor(((sync.watermark ?? sync.startedAt ?? started).getTime() - OVERLAP_MS) / 1000) * 1000);
  let requests = 0;
  let counterparties = 0;
  const personsNeeded: string[] = [];
  for await (const page of client.pages('counterparty', { limit: PAGE, order: PAGE_ORDER, filter: [['updated', '>=', since], ...ALL_ARCHIVED], lane: 'backfill' })) {
    requests++;
    const rows = page.rows.map((c) => contactRow(c));
    personsNeeded.push(...rows.filter((r) => r.needsPersons).map((r) => r.id));
    counterparties += rows.length;
    await deps.db.transaction((tx) => deps.repo.upsertContacts(s, rows, tx));
  }
  for (let i = 0; i < personsNeeded.length; i += 100) {
    const { rows: found } = await readByIds(client, 'counterparty', personsNeeded.slice(i, i + 100), { expand: 'contactpersons', lane: 'backfill' });
    requests++;
    await deps.db.transaction((tx) => deps.repo.upsertContacts(s, found.map((c) => ({ ...contactRow(c), needsPersons: false })), tx));
  }
  let orders = 0;
  for await (const page of client.pages('customerorder', { limit: PAGE, order: PAGE_ORDER, filter: [['updated', '>=', since]], lane: 'backfill' })) {
    requests++;
    orders += await applyOrders(deps, s, page.rows);
  }
  // Orders untouched since `since`: MoySklad's count must equal ours. Everything updated later was
  // just re-read, so a difference can only be a deletion whose webhook was lost.
  const head = await client.list('customerorder', { limit: 1, filter: [['updated', '<', since]], lane: 'backfill' });
  requests++;
  const total = head.meta.size;
  const live = await deps.repo.countLiveDealsUpdatedBefore(s.integrationId, since);
  let swept = false;
  let markedDeleted = 0;
  if (opts.sweep || (total !== undefined && total !== live)) {
    const r = await fullSweep(deps, client, s);
    requests += r.requests;
    markedDeleted = r.markedDeleted;
    swept = true;
  }
  await deps.repo.addRequests(s.integrationId, requests);
  await deps.repo.updateSync(s.integrationId, { lastReconciledAt: started });
  deps.log.info({ integrationId: s.integrationId, orders, counterparties, requests, swept, markedDeleted }, 'deals reconciled');
  return { orders, counterparties, requests, swept, markedDeleted };
}

async function applyOrders(deps: DealsDeps, s: Scope, raw: unknown[]): Promise<number> {
  const rows = raw.map((o) => dealRow(o as never));
  if (!rows.length) return 0;
  await deps.db.transaction(async (tx) => {
    await deps.repo.upsertDeals(s, rows, 'reconcile', tx);
    const newest = rows.reduce((m, r) => (r.msUpdated > m ? r.msUpdated : m), rows[0]!.msUpdated);
    await deps.repo.raiseWatermark(s.integrationId, newest, tx);
  });
  return rows.length;
}

/** Reads every order once more; live deals it did not see were deleted in MoySklad. */
async function fullSweep(deps: DealsDeps, client: JsonApiClient, s: Scope): Promise<{ requests: number; markedDeleted: number }> {
  const sweepStart = new Date();
  const seen = new Set<string>();
  let requests = 0;
  for await (const page of client.pages('customerorder', { limit: PAGE, order: PAGE_ORDER, lane: 'backfill' })) {
    requests++;
    for (const r of page.rows) seen.add(r.id);
    await applyOrders(deps, s, page.rows);
  }
  const markedDeleted = await deps.repo.markUnseenDeleted(s, seen, sweepStart);
  return { requests, markedDeleted };
}

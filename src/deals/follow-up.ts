// Follow-up reads for webhooks: the objects they named are read 100 ids per request
// (`filter=id=…;id=…`), counterparties with their contact persons. Objects MoySklad no longer
// returns were deleted (their DELETE webhook may have been dropped) and are marked so.
import { defineJob, RARE_POLLING_INTERVAL_S } from '../queue/index.ts';
import { clientFor, reportAuthFailure, type DealsDeps } from './deps.ts';
import { contactRow, dealRow } from './mapping.ts';
import { readByIds } from './read-by-ids.ts';

export const DEALS_FETCH_JOB = 'deals.fetch';
const IDS_PER_REQUEST = 100;
const MAX_ROUNDS = 20;

export function followUpJob(deps: DealsDeps) {
  return defineJob<{ integrationId: string }>({
    name: DEALS_FETCH_JOB,
    // One waiting + one running per integration: a burst of webhooks becomes a few batched reads.
    queue: { policy: 'stately', retryLimit: 10, retryDelay: 2, retryBackoff: true, retryDelayMax: 120 },
    notify: true,
    work: { localConcurrency: 2, pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
    handler: async ({ integrationId }) => {
      const sync = await deps.repo.getSync(integrationId);
      if (!sync) return;
      const integration = await deps.integrations.get(sync.accountId, integrationId);
      if (!integration) return;
      const s = { integrationId, accountId: sync.accountId };
      try {
        const { client } = await clientFor(deps, integration);
        for (let round = 0; round < MAX_ROUNDS; round++) {
          let work = 0;
          // Counterparties first, so an order's contact is there when the order lands.
          for (const type of ['counterparty', 'customerorder'] as const) {
            const batch = await deps.repo.takePendingBatch(integrationId, type, IDS_PER_REQUEST);
            if (!batch.length) continue;
            work += batch.length;
            const ids = batch.map((b) => b.entityId);
            const { rows } = await readByIds(client, type, ids, { lane: 'log', ...(type === 'counterparty' && { expand: 'contactpersons' }) });
            const seen = new Set(rows.map((r) => r.id));
            const missing = ids.filter((id) => !seen.has(id));
            const times = new Map(batch.map((b) => [b.entityId, b.eventAt]));
            await deps.db.transaction(async (tx) => {
              if (type === 'counterparty') {
                await deps.repo.upsertContacts(s, rows.map((c) => ({ ...contactRow(c as never), needsPersons: false })), tx);
                await deps.repo.markContactsDeleted(s, missing, tx);
              } else {
                await deps.repo.upsertDeals(s, rows.map((o) => dealRow(o as never)), 'webhook', tx, times);
                await deps.repo.markDealsDeleted(s, missing, new Date(), tx);
              }
              await deps.repo.removePendingUpTo(integrationId, type, batch, tx);
              await deps.repo.addRequests(integrationId, 1, tx);
            });
          }
          if (work === 0) return;
        }
        // More left than one job should chew: continue in the next one.
        await deps.queue().send(DEALS_FETCH_JOB, { integrationId }, { singletonKey: integrationId });
      } catch (err) {
        if (await reportAuthFailure(deps, integration, err)) return;
        throw err;
      }
    },
  });
}

// What "saved active" means for a deals integration: our webhooks exist in MoySklad (orders and
// counterparties × create/update/delete, at the integration's secret URL), and the backfill runs
// (or resumes; once finished, a reconciliation catches up instead).
import { defineJob, RARE_POLLING_INTERVAL_S } from '../queue/index.ts';
import type { IntegrationRow } from '../integrations/index.ts';
import { hookUrlsFor } from '../integrations/index.ts';
import { MoyskladHttpError, findGateBusy, type JsonApiClient } from '../moysklad/index.ts';
import { enqueueBackfill } from './backfill.ts';
import { clientFor, reportAuthFailure, type DealsDeps } from './deps.ts';
import { DEALS_RECONCILE_JOB } from './reconcile.ts';
import { WATCHED_ENTITIES } from './webhook-processor.ts';

export const DEALS_ACTIVATE_JOB = 'deals.activate';
const ACTIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;

/** The IntegrationsService activation listener: hands the work to a job (the HTTP request stays fast). */
export function onDealsIntegrationActivated(deps: DealsDeps) {
  return async (integration: IntegrationRow): Promise<void> => {
    if (integration.kind !== 'moysklad-deals') return;
    await deps.queue().send(DEALS_ACTIVATE_JOB, { integrationId: integration.id, accountId: integration.accountId });
  };
}

export function activationJob(deps: DealsDeps) {
  return defineJob<{ integrationId: string; accountId: string }>({
    name: DEALS_ACTIVATE_JOB,
    queue: { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 300 },
    notify: true,
    work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
    handler: async ({ integrationId, accountId }) => {
      const integration = await deps.integrations.get(accountId, integrationId);
      if (!integration?.active || integration.kind !== 'moysklad-deals') return;
      await activate(deps, integration);
    },
  });
}

export async function activate(deps: DealsDeps, integration: IntegrationRow): Promise<void> {
  let sync = await deps.repo.getSync(integration.id);
  if (!sync || sync.phase === 'failed') sync = await deps.repo.startBackfill({ integrationId: integration.id, accountId: integration.accountId });
  try {
    const { client } = await clientFor(deps, integration);
    const webhooks = await ensureWebhooks(deps, client, integration);
    await deps.repo.updateSync(integration.id, { webhooks, error: null });
  } catch (err) {
    // A busy gate is not a failure: the job runs again when a token is free.
    if (findGateBusy(err)) throw err;
    if (await reportAuthFailure(deps, integration, err)) return;
    // No webhooks (tariff without them, user not an admin …): the reconciliation still keeps deals fresh.
    const reason = err instanceof MoyskladHttpError ? `МойСклад не дал создать вебхуки: ${err.message}` : String(err);
    deps.log.warn({ integrationId: integration.id, err }, 'deals: webhooks not registered');
    await deps.repo.updateSync(integration.id, { error: reason.slice(0, 500) });
    if (!(err instanceof MoyskladHttpError)) throw err;
  }
  if (sync.phase === 'live') await deps.queue().send(DEALS_RECONCILE_JOB, { integrationId: integration.id }, { singletonKey: integration.id });
  else await enqueueBackfill(deps, integration.id);
}

/**
 * Creates the missing webhooks at our current URL and removes ours left at an old (rotated) URL.
 * Setup work, on the backfill lane: nobody waits for it in real time, and a live or log request
 * would keep the principal's lane reserves (rate-gate/limits.ts) for a minute of the backfill.
 */
async function ensureWebhooks(deps: DealsDeps, client: JsonApiClient, integration: IntegrationRow): Promise<Record<string, string>> {
  const url = hookUrlsFor(deps.publicUrl, 'moysklad-deals', integration.hookSecret)['moyskladWebhook']!;
  const ours = `${deps.publicUrl}/hooks/moysklad/`;
  const existing = await client.listWebhooks({ lane: 'backfill' });
  const ids: Record<string, string> = {};
  for (const w of existing) {
    const watched = (WATCHED_ENTITIES as readonly string[]).includes(w.entityType);
    if (watched && w.url === url) {
      ids[`${w.entityType}:${w.action}`] = w.id;
      if (w.enabled === false) await client.updateWebhook(w.id, { enabled: true }, { lane: 'backfill' });
    } else if (watched && w.url.startsWith(ours) && w.url.endsWith('/webhook') && !(await otherIntegrationOwns(deps, w.url, integration))) {
      await client.deleteWebhook(w.id, { lane: 'backfill' });
    }
  }
  for (const entityType of WATCHED_ENTITIES) {
    for (const action of ACTIONS) {
      if (ids[`${entityType}:${action}`]) continue;
      const w = await client.createWebhook({ url, action, entityType }, { lane: 'backfill' });
      ids[`${entityType}:${action}`] = w.id;
    }
  }
  return ids;
}

/** Another integration (e.g. chats) may use the same MoySklad account with its own secret URL. */
async function otherIntegrationOwns(deps: DealsDeps, url: string, self: IntegrationRow): Promise<boolean> {
  const m = /\/hooks\/moysklad\/([^/]+)\/webhook$/.exec(url);
  if (!m) return false;
  const owner = await deps.integrations.findByHookSecret(m[1]!);
  return owner !== undefined && owner.id !== self.id;
}

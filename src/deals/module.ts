// Composition of the deals module over the program's context: one instance per AppContext, shared
// by the job registry, the inbox processor registry and the HTTP routes.
import type { AppContext } from '../runtime/context.ts';
import { patientGate } from '../moysklad/index.ts';
import { onDealsIntegrationActivated } from './activation.ts';
import { SqlCommunicationsIndex, type CommunicationsIndex } from './attribution.ts';
import { DealsQueries } from './deals-queries.ts';
import { DealsRepository } from './deals-repository.ts';
import type { DealsDeps } from './deps.ts';
import { dealsJobs, DEALS_RECONCILE_CRON } from './jobs.ts';
import { DEALS_RECONCILE_ALL_JOB } from './reconcile.ts';
import { dealsWebhookProcessor } from './webhook-processor.ts';

export type DealsModule = { deps: DealsDeps; queries: DealsQueries; communications: CommunicationsIndex };

const modules = new WeakMap<AppContext, DealsModule>();

export function dealsModule(ctx: AppContext): DealsModule {
  let m = modules.get(ctx);
  if (!m) {
    const db = ctx.database.db;
    const deps: DealsDeps = {
      db,
      repo: new DealsRepository(db),
      credentials: ctx.credentials,
      integrations: ctx.integrationsRepo,
      queue: () => ctx.queue,
      // The backfill keeps its page cursor, but a busy backfill lane is cheaper to wait out in-process
      // than to reschedule page by page; webhook follow-ups ('log' lane) reschedule through the queue.
      gate: patientGate(ctx.gate),
      log: ctx.log.child({ module: 'deals' }),
      jsonApiUrl: ctx.config.apis.moyskladJson,
      publicUrl: ctx.config.publicUrl,
    };
    m = { deps, queries: new DealsQueries(db), communications: new SqlCommunicationsIndex(db) };
    modules.set(ctx, m);
  }
  return m;
}

/** Inbox processor for MoySklad webhooks + the activation listener. */
export function registerDeals(ctx: AppContext): void {
  const { deps } = dealsModule(ctx);
  ctx.processors.register(dealsWebhookProcessor(deps));
  ctx.integrations.onActivated(onDealsIntegrationActivated(deps));
}

export function dealsJobDefinitions(ctx: AppContext) {
  return dealsJobs(dealsModule(ctx).deps);
}

export async function scheduleDeals(ctx: AppContext): Promise<void> {
  await ctx.queue.schedule(DEALS_RECONCILE_ALL_JOB, DEALS_RECONCILE_CRON);
}

// Deals: MoySklad customer orders, the funnel and contacts mirrored into the cabinet for
// end-to-end analytics. Other modules import only this file.
export { dealsModule, registerDeals, dealsJobDefinitions, scheduleDeals, type DealsModule } from './module.ts';
export { DealsRepository, type Scope, type SyncRow } from './deals-repository.ts';
export { DealsQueries, BadCursorError, type DealFilters, type DealSort, type DealView } from './deals-queries.ts';
export { syncStatus } from './sync-status.ts';
export { runBackfill, enqueueBackfill, DEALS_BACKFILL_JOB, PAGE, PAGE_ORDER } from './backfill.ts';
export { reconcile, DEALS_RECONCILE_JOB, DEALS_RECONCILE_ALL_JOB, type ReconcileResult } from './reconcile.ts';
export { activate, DEALS_ACTIVATE_JOB } from './activation.ts';
export { DEALS_FETCH_JOB } from './follow-up.ts';
export { dealsWebhookProcessor, MOYSKLAD_WEBHOOK_SOURCE } from './webhook-processor.ts';
export { outcomeOf, dealRow, contactRow, stageRows, type Outcome } from './mapping.ts';
export {
  SqlCommunicationsIndex,
  attributionReport,
  dealTouches,
  type CommunicationsIndex,
  type Touch,
  type AttributionDimension,
  type AttributionRow,
  type TouchModel,
} from './attribution.ts';
export { clientFor, type DealsDeps } from './deps.ts';

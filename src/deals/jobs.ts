// Job definitions of the deals module, in one list for the runtime registry.
import type { JobDefinition } from '../queue/index.ts';
import { activationJob } from './activation.ts';
import { backfillJob } from './backfill.ts';
import type { DealsDeps } from './deps.ts';
import { followUpJob } from './follow-up.ts';
import { reconcileAllJob, reconcileJob } from './reconcile.ts';

export const DEALS_RECONCILE_CRON = '*/5 * * * *';

export function dealsJobs(deps: DealsDeps): JobDefinition[] {
  return [activationJob(deps), backfillJob(deps), followUpJob(deps), reconcileJob(deps), reconcileAllJob(deps)];
}

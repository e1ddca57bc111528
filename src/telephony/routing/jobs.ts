// Telephony background work: the click-to-call job, employee and routing-index refreshes, webhook
// updates of the index, and the per-minute tick that schedules refreshes per active integration.
import { and, eq } from 'drizzle-orm';
import { tables } from '../../db/index.ts';
import { defineJob, RARE_POLLING_INTERVAL_S, type JobDefinition, type JobQueue } from '../../queue/index.ts';
import { ClickToCallRepository, CLICK_TO_CALL_JOB, startClickToCall } from '../click-to-call/index.ts';
import type { TelephonyDeps } from '../connection-check/index.ts';
import { getTelephonyState, refreshEmployees } from '../employees/index.ts';
import { ROUTING_UPDATE_JOB } from './counterparty-webhook-processor.ts';
import { routingService } from './routing-service.ts';

export const EMPLOYEES_REFRESH_JOB = 'telephony.employees-refresh';
export const ROUTING_REFRESH_JOB = 'telephony.routing-refresh';
export const TELEPHONY_TICK_JOB = 'telephony.refresh-tick';

const EMPLOYEES_EVERY_MS = 15 * 60_000;
const ROUTING_EVERY_MS = 6 * 60 * 60_000;

type IntegrationRef = { integrationId: string; accountId: string };

export function telephonyJobDefinitions(deps: TelephonyDeps, queue: () => JobQueue): JobDefinition[] {
  const load = async ({ integrationId, accountId }: IntegrationRef) => {
    const row = await deps.integrationsRepo.get(accountId, integrationId);
    return row && row.kind === 'moysklad-telephony' && row.active ? row : undefined;
  };
  return [
    defineJob<{ requestId: number }>({
      name: CLICK_TO_CALL_JOB,
      notify: true,
      queue: { retryLimit: 0, expireInSeconds: 60 },
      handler: ({ requestId }) => startClickToCall(deps, new ClickToCallRepository(deps.db), requestId),
    }),
    defineJob<IntegrationRef>({
      name: EMPLOYEES_REFRESH_JOB,
      queue: { retryLimit: 2, expireInSeconds: 600 },
      notify: true,
      work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
      handler: async (ref) => {
        const row = await load(ref);
        if (row) await refreshEmployees(deps, row);
      },
    }),
    defineJob<IntegrationRef>({
      name: ROUTING_REFRESH_JOB,
      queue: { retryLimit: 2, expireInSeconds: 3600 },
      notify: true,
      work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
      handler: async (ref) => {
        const row = await load(ref);
        if (row) await routingService(deps).refreshAll(row);
      },
    }),
    defineJob<IntegrationRef & { changed: string[]; deleted: string[] }>({
      name: ROUTING_UPDATE_JOB,
      notify: true,
      handler: async (data) => {
        const row = await load(data);
        if (row) await routingService(deps).applyChanges(row, data.changed, data.deleted);
      },
    }),
    defineJob<object>({
      name: TELEPHONY_TICK_JOB,
      queue: { retryLimit: 0 },
      work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
      handler: async () => {
        const rows = await deps.db
          .select({ id: tables.integrations.id, accountId: tables.integrations.accountId, credentialIds: tables.integrations.credentialIds })
          .from(tables.integrations)
          .where(and(eq(tables.integrations.kind, 'moysklad-telephony'), eq(tables.integrations.active, true)));
        const now = Date.now();
        for (const r of rows) {
          const state = await getTelephonyState(deps.db, r.id);
          const ref = { integrationId: r.id, accountId: r.accountId };
          if (!state?.employeesRefreshedAt || now - state.employeesRefreshedAt.getTime() > EMPLOYEES_EVERY_MS) await queue().send(EMPLOYEES_REFRESH_JOB, ref);
          if (r.credentialIds.moysklad && (!state?.routingRefreshedAt || now - state.routingRefreshedAt.getTime() > ROUTING_EVERY_MS)) {
            await queue().send(ROUTING_REFRESH_JOB, ref);
          }
        }
      },
    }),
  ];
}

export async function scheduleTelephony(queue: JobQueue): Promise<void> {
  await queue.schedule(TELEPHONY_TICK_JOB, '* * * * *');
}

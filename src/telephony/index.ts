// Telephony in MoySklad (issue 5): connection check, employee sync, click-to-call, routing to the
// personal manager. The call pipeline (pop-ups, call log) lives in ./calls.
import type { AppContext } from '../runtime/context.ts';
import type { JobDefinition } from '../queue/index.ts';
import { patientGate } from '../moysklad/index.ts';
import { ClickToCallRepository, clickToCallProcessor } from './click-to-call/index.ts';
import type { TelephonyDeps } from './connection-check/index.ts';
import { counterpartyWebhookProcessor, scheduleTelephony, telephonyJobDefinitions } from './routing/index.ts';

export * from './connection-check/index.ts';
export * from './employees/index.ts';
export * from './click-to-call/index.ts';
export * from './routing/index.ts';

/** The telephony services' view of the program. */
export function telephonyDeps(ctx: AppContext): TelephonyDeps {
  return {
    db: ctx.database.db,
    config: ctx.config,
    credentials: ctx.credentials,
    integrationsRepo: ctx.integrationsRepo,
    log: ctx.log.child({ module: 'telephony' }),
    // Index and employee refreshes iterate pages without a cursor: they wait out a busy gate.
    gate: patientGate(ctx.gate),
  };
}

export function telephonyJobs(ctx: AppContext): JobDefinition[] {
  return telephonyJobDefinitions(telephonyDeps(ctx), () => ctx.queue);
}

export function registerTelephonyProcessors(ctx: AppContext): void {
  ctx.processors.register(clickToCallProcessor(new ClickToCallRepository(ctx.database.db)));
  ctx.processors.register(counterpartyWebhookProcessor());
}

export const scheduleTelephonyJobs = (ctx: AppContext) => scheduleTelephony(ctx.queue);

// Jobs of the call pipeline: reconcile one call (coalesced per call) and resume an integration's
// parked calls once it can push again.
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../../accounts/index.ts';
import { tables, type Db } from '../../db/index.ts';
import type { IntegrationsRepository } from '../../integrations/index.ts';
import { findGateBusy, rescheduleAfterGateWait, type GateWaits } from '../../moysklad/index.ts';
import { defineJob, RARE_POLLING_INTERVAL_S, RescheduleError, type JobQueue } from '../../queue/index.ts';
import type { CallStore } from './call-store.ts';
import { CREDENTIALS_REJECTED } from './integration-access.ts';
import type { CallReconciler } from './reconciler.ts';
import type { RulesOutbox } from './rules-outbox.ts';

export const RECONCILE_CALL_JOB = 'telephony.reconcile-call';
export const RESUME_CALLS_JOB = 'telephony.resume-calls';
export const SWEEP_CALLS_JOB = 'telephony.sweep-calls';

export type ReconcileCallData = { integrationId: string; callSessionId: string } & GateWaits;

export type ResumeCallsData = { accountId: string; integrationId: string; credentialVersion?: number; since: number; attempt: number };

/** One waiting job per call: a newer event while one waits adds nothing (queue policy 'stately'). */
export const reconcileKey = (integrationId: string, callSessionId: string) => `${integrationId}:${callSessionId}`;

export function reconcileCallJob(deps: { reconciler: CallReconciler }) {
  return defineJob<ReconcileCallData>({
    name: RECONCILE_CALL_JOB,
    notify: true,
    // MoySklad outages can be long; back off up to 5 min and keep trying for days, never drop.
    queue: { policy: 'stately', retryLimit: 2000, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 120 },
    handler: async (d) => {
      // Fresh: a queued job may run long after the event, in any process.
      const out = await deps.reconciler.reconcile(d.integrationId, d.callSessionId, { fresh: true });
      if (out.kind === 'busy') throw new RescheduleError(new Date(Date.now() + 2000));
      const busy = out.kind === 'retry' ? findGateBusy(out.error) : undefined;
      if (busy) throw rescheduleAfterGateWait(busy, d);
      if (out.kind === 'retry') throw new RescheduleError(out.at, { cause: out.error });
      return out;
    },
  });
}

/**
 * The durable fallback of the in-process fast paths: every minute, calls whose MoySklad side is
 * behind and that nobody is working on get a reconcile job (one per call, coalesced), and rules
 * evaluations that are due get queued.
 */
export function sweepCallsJob(deps: { store: CallStore; queue: () => JobQueue; rulesOutbox: Pick<RulesOutbox, 'dispatch'> }) {
  return defineJob<object>({
    name: SWEEP_CALLS_JOB,
    queue: { retryLimit: 1 },
    work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
    handler: async () => {
      const behind = await deps.store.behind(10_000);
      for (const { integrationId, callSessionId } of behind) {
        await deps.queue().send(RECONCILE_CALL_JOB, { integrationId, callSessionId }, { singletonKey: reconcileKey(integrationId, callSessionId) });
      }
      const rules = await deps.rulesOutbox.dispatch();
      return { queued: behind.length, rules };
    },
  });
}

export interface ResumeDeps {
  db: Db;
  store: CallStore;
  integrations: IntegrationsRepository;
  credentials: CredentialsRepository;
  queue: () => JobQueue;
  log: Logger;
  /** Drop cached integration state (the reconciler must see the fix at once). */
  forget?: (integrationId: string) => void;
}

/** Hands every parked call of the integration back to the reconciler. */
export async function replayParked(deps: Pick<ResumeDeps, 'store' | 'queue'>, integrationId: string): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await deps.store.takeParked(integrationId);
    for (const callSessionId of ids) {
      // Own key: a fallback job parked in the call's slot for later must not delay the replay.
      await deps.queue().send(RECONCILE_CALL_JOB, { integrationId, callSessionId }, { singletonKey: `${reconcileKey(integrationId, callSessionId)}:replay` });
    }
    total += ids.length;
    if (ids.length === 0) return total;
  }
}

/** Polls (with back-off) until the integration is active and its key was fixed, then replays. */
export function resumeCallsJob(deps: ResumeDeps) {
  return defineJob<ResumeCallsData>({
    name: RESUME_CALLS_JOB,
    queue: { policy: 'stately', retryLimit: 50, retryDelay: 5, retryBackoff: true, retryDelayMax: 300 },
    handler: async (d) => {
      const row = await deps.integrations.get(d.accountId, d.integrationId);
      if (!row) return { gone: true };
      let ready = row.active;
      if (ready && row.status === CREDENTIALS_REJECTED) {
        const credId = row.credentialIds.phoneKey;
        const cred = credId ? await deps.credentials.get(d.accountId, credId) : undefined;
        const newKey = cred !== undefined && d.credentialVersion !== undefined && cred.version > d.credentialVersion;
        const edited = row.updatedAt.getTime() > d.since;
        ready = newKey || edited;
        if (ready) {
          const t = tables.integrations;
          await deps.db
            .update(t)
            .set({ status: 'ok', statusReason: null })
            .where(and(eq(t.id, row.id), eq(t.status, CREDENTIALS_REJECTED)));
        }
      }
      if (!ready) {
        // Linear back-off: a fixed key is picked up within seconds, a forgotten one costs a query per 30 s.
        const delayS = Math.min(30, 1 + d.attempt);
        await deps.queue().send(RESUME_CALLS_JOB, { ...d, attempt: d.attempt + 1 }, { singletonKey: `${d.integrationId}:next`, startAfter: new Date(Date.now() + delayS * 1000) });
        return { waiting: true };
      }
      deps.forget?.(d.integrationId);
      const n = await replayParked(deps, d.integrationId);
      if (n > 0) deps.log.info({ integrationId: d.integrationId, calls: n }, 'replaying parked calls');
      return { replayed: n };
    },
  });
}

/** Starts watching an integration whose calls parked (idempotent per integration while one waits). */
export async function watchParked(
  queue: JobQueue,
  p: { accountId: string; integrationId: string; credentialVersion?: number | undefined },
): Promise<void> {
  const data: ResumeCallsData = {
    accountId: p.accountId,
    integrationId: p.integrationId,
    ...(p.credentialVersion !== undefined ? { credentialVersion: p.credentialVersion } : {}),
    since: Date.now(),
    attempt: 0,
  };
  await queue.send(RESUME_CALLS_JOB, data, { singletonKey: p.integrationId, startAfter: new Date(Date.now() + 1000) });
}

// Composition of the call pipeline for one running program: one store, one reconciler, one
// in-process kicker, shared by the inbox processor and the jobs.
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../../accounts/index.ts';
import type { Db } from '../../db/index.ts';
import type { InboxProcessor } from '../../inbox/index.ts';
import type { IntegrationRow, IntegrationsRepository } from '../../integrations/index.ts';
import type { FetchLike, RequestGate } from '../../moysklad/index.ts';
import type { JobDefinition, JobQueue } from '../../queue/index.ts';
import { CallStore } from './call-store.ts';
import { ExclusiveCallStore } from './exclusive-call-store.ts';
import type { ExtensionMap } from './extension-map.ts';
import { IntegrationAccessCache } from './integration-access.ts';
import { RECONCILE_CALL_JOB, reconcileCallJob, reconcileKey, replayParked, resumeCallsJob, sweepCallsJob, watchParked } from './jobs.ts';
import { kickToClaim } from './metrics.ts';
import { uisCallsProcessor } from './processor.ts';
import { CallReconciler } from './reconciler.ts';
import { RulesOutbox } from './rules-outbox.ts';

export interface CallPipelineDeps {
  db: Db;
  queue: () => JobQueue;
  log: Logger;
  integrations: IntegrationsRepository;
  credentials: CredentialsRepository;
  phoneApiUrl: string;
  gate: RequestGate;
  extensions: ExtensionMap;
  fetch?: FetchLike;
  /** Reconcile in-process right after intake (pop-up fast path); default true. */
  fastPath?: boolean;
  /**
   * Only this process writes the database (embedded PGlite): call leases and pushed state are kept
   * in memory and written in batches (ExclusiveCallStore). Never with several workers.
   */
  exclusive?: boolean;
}

export interface CallPipeline {
  store: CallStore;
  reconciler: CallReconciler;
  processor: InboxProcessor;
  jobs: JobDefinition[];
  /** For IntegrationsService.onActivated: replay what waited for the integration. */
  onIntegrationActivated(row: IntegrationRow): Promise<void>;
  /** Resolves when no in-process reconcile is running and what they learned is written (tests, graceful stop). */
  idle(): Promise<void>;
  /** Stops the timers (before the database closes). */
  close(): void;
}

/** How long after its start time a queued retry is trusted to be waiting (it may run and finish). */
const RETRY_MEMO_MS = 5000;
const RETRY_MEMO_MAX = 10_000;

export function createCallPipeline(deps: CallPipelineDeps): CallPipeline {
  const log = deps.log.child({ module: 'telephony.calls' });
  const store = deps.exclusive
    ? new ExclusiveCallStore(deps.db, (err) => log.warn({ err }, 'writing call push state failed; retrying'))
    : new CallStore(deps.db);
  const access = new IntegrationAccessCache({
    integrations: deps.integrations,
    credentials: deps.credentials,
    phoneApiUrl: deps.phoneApiUrl,
    gate: deps.gate,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const reconciler = new CallReconciler({
    db: deps.db,
    store,
    access,
    extensions: deps.extensions,
    log,
    onParked: (p) => watchParked(deps.queue(), p),
  });
  const rulesOutbox = new RulesOutbox(deps.db, deps.queue, (err) => log.warn({ err }, 'queueing due rules evaluations failed; the sweeper retries'));
  const running = new Set<Promise<unknown>>();
  // One in-process reconcile per call at a time. A kick for a call already being reconciled only
  // asks for one more pass when the current one ends (the lease would refuse it anyway, at the
  // price of statements on the database).
  const active = new Map<string, { again: boolean; kickedAt: number | undefined }>();

  // Calls with a retry job queued by this process, until when it is surely still waiting. While an
  // integration is over its MoySklad budget every event of its calls comes back "retry"; one job
  // insert per event (a statement each, ~280 a second for a tenant bursting 40 calls/s) is what the
  // waiting job makes redundant: it reconciles the call from its latest state when it runs.
  const retryQueued = new Map<string, number>();
  const reconcileOnce = async (integrationId: string, callSessionId: string) => {
    const out = await reconciler.reconcile(integrationId, callSessionId);
    const key = reconcileKey(integrationId, callSessionId);
    if (out.kind !== 'retry') {
      retryQueued.delete(key);
      return;
    }
    const now = Date.now();
    if ((retryQueued.get(key) ?? 0) > now) return;
    // Its own key: the fallback job already waiting must not swallow an earlier retry.
    await deps.queue().send(RECONCILE_CALL_JOB, { integrationId, callSessionId }, { singletonKey: `${key}:retry`, startAfter: out.at });
    if (retryQueued.size >= RETRY_MEMO_MAX) for (const [k, until] of retryQueued) if (until <= now) retryQueued.delete(k);
    if (retryQueued.size < RETRY_MEMO_MAX) retryQueued.set(key, out.at.getTime() + RETRY_MEMO_MS);
  };

  const kick = (integrationId: string, callSessionId: string) => {
    const key = reconcileKey(integrationId, callSessionId);
    const kickedAt = performance.now();
    const current = active.get(key);
    if (current) {
      current.again = true;
      current.kickedAt ??= kickedAt;
      return;
    }
    const state: { again: boolean; kickedAt: number | undefined } = { again: false, kickedAt };
    active.set(key, state);
    const p = (async () => {
      try {
        do {
          state.again = false;
          if (state.kickedAt !== undefined) kickToClaim.observe((performance.now() - state.kickedAt) / 1000);
          state.kickedAt = undefined;
          await reconcileOnce(integrationId, callSessionId);
        } while (state.again);
      } finally {
        active.delete(key);
      }
    })().catch((err: unknown) => log.warn({ err, integrationId, callSessionId }, 'in-process reconcile failed; the queued job will retry'));
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  return {
    store,
    reconciler,
    processor: uisCallsProcessor({ store, rulesDue: () => rulesOutbox.due(), ...(deps.fastPath !== false ? { kick } : {}) }),
    jobs: [
      reconcileCallJob({ reconciler }),
      sweepCallsJob({ store, queue: deps.queue, rulesOutbox }),
      resumeCallsJob({ db: deps.db, store, integrations: deps.integrations, credentials: deps.credentials, queue: deps.queue, log, forget: (id) => access.forget(id) }),
    ],
    async onIntegrationActivated(row) {
      if (row.kind !== 'moysklad-telephony') return;
      access.forget(row.id);
      const n = await replayParked({ store, queue: deps.queue }, row.id);
      if (n > 0) log.info({ integrationId: row.id, calls: n }, 'integration activated: replaying parked calls');
    },
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
      if (store instanceof ExclusiveCallStore) await store.flush();
    },
    close() {
      rulesOutbox.stop();
    },
  };
}

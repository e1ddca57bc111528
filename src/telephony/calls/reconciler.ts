// The call reconciler (DESIGN.md §8): under the call's lease, derive what MoySklad should show,
// compare with what it has, send the difference (one request per step), record it, repeat until
// nothing is left and no newer event arrived meanwhile.
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { tables, type Db } from '../../db/index.ts';
import {
  AuthError,
  NotInstalledError,
  RateLimitedError,
  findGateBusy,
  isRetryable,
  type PhoneCall,
} from '../../moysklad/index.ts';
import { desiredCall } from './desired.ts';
import type { ExtensionMap } from './extension-map.ts';
import { CREDENTIALS_REJECTED, type IntegrationAccessCache } from './integration-access.ts';
import { LeaseLostError, type CallStore, type ClaimOptions, type Claimed } from './call-store.ts';
import { phoneRequest } from './metrics.ts';
import { numberEvents, planStep } from './plan.ts';
import type { PushedState } from './pushed-state.ts';

export type ReconcileOutcome =
  | { kind: 'done'; requests: number }
  /** Another reconciler holds the call; it will see our change before it lets go. */
  | { kind: 'busy' }
  /** The integration cannot push now (inactive, key rejected); replayed when it is fixed. */
  | { kind: 'parked'; why: string; credentialVersion?: number | undefined }
  | { kind: 'retry'; at: Date; error: unknown }
  | { kind: 'failed'; error: string };

export interface ReconcilerDeps {
  db: Db;
  store: CallStore;
  access: IntegrationAccessCache;
  extensions: ExtensionMap;
  log: Logger;
  /** Called when a call parks, so the integration gets watched for the fix. */
  onParked?: (p: { accountId: string; integrationId: string; why: string; credentialVersion?: number | undefined }) => Promise<void>;
}

const MAX_STEPS = 12;
const REJECTED_REASON = 'МойСклад отклонил ключ доступа телефонии (401). Укажите действующий ключ в учётных данных — накопленные звонки будут переданы.';
const NOT_INSTALLED_REASON = 'В МойСклад не подключено решение «Телефония» (ошибка 55008). Подключите его и обновите ключ доступа — накопленные звонки будут переданы.';

function adopt(pushed: PushedState, call: PhoneCall): PushedState {
  const { uncertain: _u, ...rest } = pushed;
  return {
    ...rest,
    recordUrls: call.recordUrl ?? [],
    ...(call.extension ? { extension: call.extension } : {}),
    ...(call.endTime || call.duration != null ? { ended: true } : {}),
    ...(call.comment != null ? { comment: call.comment } : {}),
  };
}

export class CallReconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(integrationId: string, callSessionId: string, opts: ClaimOptions = {}): Promise<ReconcileOutcome> {
    const { store } = this.deps;
    const c = await store.claim(integrationId, callSessionId, opts);
    if (!c) return { kind: 'busy' };
    let requests = 0;
    try {
      const access = await this.deps.access.get(c.accountId, integrationId);
      if (!access.ready) {
        await store.release(integrationId, c, { parked: true, lastError: `waiting: integration ${access.why}` });
        const parked = { accountId: c.accountId, integrationId, why: access.why, credentialVersion: access.credentialVersion };
        await this.deps.onParked?.(parked);
        return { kind: 'parked', why: access.why, credentialVersion: access.credentialVersion };
      }
      const { client } = access;
      for (let step = 0; step < MAX_STEPS; step++) {
        const want = await desiredCall(integrationId, c.session, access.settings, this.deps.extensions);
        const next = want.push ? planStep(want, c.pushed, { created: c.msCallId !== null, createPending: c.createPending }) : { kind: 'none' as const };
        if (next.kind === 'none') {
          if (await store.release(integrationId, c)) return { kind: 'done', requests };
          await store.reload(c, integrationId);
          continue;
        }
        if (!want.push) throw new Error('unreachable');
        requests++;
        if (next.kind === 'probe') {
          const found = await client.findByExternalId(want.externalId, { lane: 'live' });
          await store.afterSend(integrationId, c, {
            msCallId: found?.id ?? null,
            createPending: false,
            pushed: found ? adopt(c.pushed, found) : c.pushed,
          });
        } else if (next.kind === 'read') {
          const call = await client.getCall(c.msCallId!, { lane: 'log' });
          await store.afterSend(integrationId, c, { msCallId: c.msCallId, createPending: false, pushed: adopt(c.pushed, call) });
        } else if (next.kind === 'create') {
          const events = numberEvents(next.events, c.lastSequence);
          // A create whose answer we never see must not be repeated blindly: mark it first.
          await store.beforeSend(integrationId, c, { lastSequence: c.lastSequence + events.length, createPending: true });
          let call: PhoneCall;
          const timer = phoneRequest.startTimer({ step: 'create' });
          try {
            call = await client.createCall({ ...next.call, ...(events.length ? { events } : {}) }, { lane: 'live' });
            timer();
          } catch (err) {
            // Refused before MoySklad created anything (our gate, or its 429): no probe needed.
            if (err instanceof RateLimitedError || findGateBusy(err)) {
              await store.afterSend(integrationId, c, { msCallId: null, createPending: false, pushed: c.pushed });
            }
            throw err;
          }
          await store.afterSend(integrationId, c, { msCallId: call.id, createPending: false, pushed: next.after });
        } else {
          const events = numberEvents(next.events, c.lastSequence);
          // Sequence numbers handed out (and, where the store keeps state in memory, "an update is in flight").
          await store.beforeSend(integrationId, c, { lastSequence: c.lastSequence + events.length, createPending: false });
          const timer = phoneRequest.startTimer({ step: events.length ? 'update-cards' : 'update' });
          try {
            await client.updateCall(c.msCallId!, { ...next.patch, ...(events.length ? { events } : {}) }, { lane: events.length ? 'live' : 'log' });
            timer();
          } catch (err) {
            // recordUrl appends: after an unknown outcome, read the call back before sending again.
            if (isRetryable(err) && !(err instanceof RateLimitedError) && !findGateBusy(err)) {
              await store.afterSend(integrationId, c, { msCallId: c.msCallId, createPending: false, pushed: { ...c.pushed, uncertain: true } });
            }
            throw err;
          }
          await store.afterSend(integrationId, c, { msCallId: c.msCallId, createPending: false, pushed: next.after });
        }
      }
      await store.abandon(integrationId, c, 'too many steps in one pass');
      return { kind: 'retry', at: new Date(Date.now() + 1000), error: new Error('too many steps') };
    } catch (err) {
      return this.failure(integrationId, c, err);
    }
  }

  private async failure(integrationId: string, c: Claimed, err: unknown): Promise<ReconcileOutcome> {
    const { store, log } = this.deps;
    if (err instanceof LeaseLostError) return { kind: 'busy' };
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof AuthError || err instanceof NotInstalledError) {
      const access = await this.deps.access.get(c.accountId, integrationId).catch(() => undefined);
      const credentialVersion = access?.credentialVersion;
      await this.markRejected(integrationId, err instanceof AuthError ? REJECTED_REASON : NOT_INSTALLED_REASON);
      this.deps.access.forget(integrationId);
      await store.release(integrationId, c, { parked: true, lastError: message });
      log.warn({ integrationId, callSessionId: c.session.callSessionId, status: err.status }, 'MoySklad rejected the telephony key; calls wait for a fix');
      await this.deps.onParked?.({ accountId: c.accountId, integrationId, why: 'rejected', credentialVersion });
      return { kind: 'parked', why: 'rejected', credentialVersion };
    }
    await store.abandon(integrationId, c, message).catch(() => {});
    const busy = findGateBusy(err);
    if (busy) return { kind: 'retry', at: busy.retryAt, error: err };
    if (err instanceof RateLimitedError) return { kind: 'retry', at: new Date(Date.now() + err.retryAfterMs), error: err };
    if (isRetryable(err)) return { kind: 'retry', at: new Date(Date.now() + 1000), error: err };
    log.error({ err, integrationId, callSessionId: c.session.callSessionId }, 'call reconcile failed');
    return { kind: 'failed', error: message };
  }

  /** status/statusReason only: updatedAt stays, so "the user changed the integration since" remains detectable. */
  private async markRejected(integrationId: string, reason: string): Promise<void> {
    const t = tables.integrations;
    await this.deps.db
      .update(t)
      .set({ status: CREDENTIALS_REJECTED, statusReason: reason })
      .where(and(eq(t.id, integrationId), sql`${t.status} is distinct from ${CREDENTIALS_REJECTED}`));
  }
}

import { randomUUID } from 'node:crypto';
import type { Account } from '../model/accounts.ts';
import type { ChangeEvent } from '../entity-service.ts';
import { formatMsk } from '../util/time.ts';
import { WEBHOOK_RETRIES, WEBHOOK_TIMEOUT_MS } from '../options.ts';

export interface DeliveryAttempt {
  at: number;
  status?: number;
  error?: string;
  ms: number;
}

export interface DeliveryRecord {
  requestId: string;
  account: string;
  webhookId: string;
  url: string;
  body: unknown;
  attempts: DeliveryAttempt[];
  /** delivered = 200/204 answered within the timeout; dropped = all 4 attempts failed */
  outcome: 'pending' | 'delivered' | 'dropped';
}

export interface PublishContext {
  uid: string;
  disablePrefixes: string[];
}

const USER_AGENT = 'MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)';
const MAX_LOG = 2000;

/**
 * MoySklad-style webhook delivery: one POST per webhook per audit context, body with metas only,
 * answer 200/204 within 1500 ms or get 3 immediate retries with the same requestId, then dropped.
 */
export class WebhookDispatcher {
  readonly log: DeliveryRecord[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;
  private readonly abort = new AbortController();
  timeoutMs = WEBHOOK_TIMEOUT_MS;

  constructor(private readonly baseUrl: () => string) {}

  publish(account: Account, events: ChangeEvent[], ctx: PublishContext): void {
    if (this.closed || events.length === 0) return;
    const hooks = account.data.col('webhook').all().filter((w) => w['enabled'] === true);
    if (!hooks.length) return;
    const contextId = randomUUID();
    const moment = formatMsk(Date.now()).slice(0, 19);
    const base = this.baseUrl();
    for (const hook of hooks) {
      const url = String(hook['url']);
      if (ctx.disablePrefixes.some((p) => url.startsWith(p))) continue;
      const matching = events.filter((ev) => ev.type === hook['entityType'] && ev.action === hook['action']);
      if (!matching.length) continue;
      const withFields = hook['action'] === 'UPDATE' && hook['diffType'] === 'FIELDS';
      const body = {
        auditContext: { meta: { type: 'audit', href: `${base}/audit/${contextId}` }, moment, uid: ctx.uid },
        events: matching.map((ev) => ({
          meta: { type: ev.type, href: `${base}/entity/${ev.type}/${ev.id}` },
          action: ev.action,
          accountId: account.id,
          ...(withFields ? { updatedFields: ev.updatedFields ?? [] } : {}),
        })),
      };
      const rec: DeliveryRecord = { requestId: randomUUID(), account: account.name, webhookId: hook.id, url, body, attempts: [], outcome: 'pending' };
      this.log.push(rec);
      if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
      const p = this.deliver(rec).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private async deliver(rec: DeliveryRecord): Promise<void> {
    const target = `${rec.url}${rec.url.includes('?') ? '&' : '?'}requestId=${rec.requestId}`;
    const payload = JSON.stringify(rec.body);
    for (let i = 0; i <= WEBHOOK_RETRIES && !this.closed; i++) {
      const started = Date.now();
      const attempt: DeliveryAttempt = { at: started, ms: 0 };
      rec.attempts.push(attempt);
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
          body: payload,
          signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.abort.signal]),
        });
        attempt.status = res.status;
        await res.body?.cancel().catch(() => undefined);
        attempt.ms = Date.now() - started;
        if (res.status === 200 || res.status === 204) {
          rec.outcome = 'delivered';
          return;
        }
      } catch (e) {
        attempt.ms = Date.now() - started;
        attempt.error = (e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message;
      }
    }
    rec.outcome = 'dropped';
  }

  /** Resolves when every delivery started so far has finished (tests use it). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  clear(): void {
    this.log.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.idle();
  }
}

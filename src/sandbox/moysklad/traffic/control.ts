import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MsError, err } from '../json/errors.ts';

/** Selects requests by method and path prefix (raw path or its normalised key), optionally per account. */
export interface RouteMatch {
  method?: string;
  /** prefix of the request path, e.g. "/api/remap/1.2/entity/customerorder" or "/api/phone/1.0" */
  path?: string;
  /** account name (resolved from the request's credentials) */
  account?: string;
}

export type Fault =
  | { kind: 'status'; status: number; code?: number; message?: string }
  /** holds the request for `ms` (default 60 s), then answers 504 — clients see a timeout */
  | { kind: 'timeout'; ms?: number }
  | { kind: 'rate-limit'; retryAfterMs?: number }
  | { kind: 'parallel-limit' }
  | { kind: 'unauthorized' }
  /** destroys the TCP connection without an answer */
  | { kind: 'reset' };

export interface FaultRule extends RouteMatch {
  id?: string;
  fault: Fault;
  /** how many matching requests get the fault (default: all until removed) */
  times?: number;
  /** 0…1, default 1 */
  probability?: number;
}

export interface LatencyRule extends RouteMatch {
  ms: number;
  jitterMs?: number;
}

export interface CounterEntry {
  count: number;
  statuses: Record<string, number>;
}

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d+)$/i;

/** "/api/remap/1.2/entity/customerorder/<uuid>" → "/api/remap/1.2/entity/customerorder/{id}" */
export function routeKey(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.split('/').map((s) => (ID_SEGMENT.test(s) ? '{id}' : s)).join('/');
}

function matches(rule: RouteMatch, method: string, path: string, key: string, account: string | undefined): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path && !path.startsWith(rule.path) && !key.startsWith(rule.path)) return false;
  if (rule.account && rule.account !== account) return false;
  return true;
}

/**
 * Latency, fault injection and per-endpoint counters for every route of the sandbox (JSON API,
 * Phone API, vendor, …). Installed on the root instance so plugins registered later inherit it.
 */
export class TrafficControl {
  readonly faults: (FaultRule & { id: string; hits: number })[] = [];
  readonly latency: LatencyRule[] = [];
  defaultLatency: { ms: number; jitterMs: number } = { ms: 0, jitterMs: 0 };
  private readonly counters = new Map<string, CounterEntry>();
  private readonly accountCounters = new Map<string, Map<string, CounterEntry>>();
  private readonly timers = new Set<{ t: NodeJS.Timeout; done: () => void }>();

  constructor(private readonly resolveAccount: (req: FastifyRequest) => string | undefined) {}

  addFault(rule: FaultRule): string {
    const id = rule.id ?? randomUUID();
    this.faults.push({ ...rule, id, hits: 0 });
    return id;
  }

  removeFault(id: string): boolean {
    const i = this.faults.findIndex((f) => f.id === id);
    if (i >= 0) this.faults.splice(i, 1);
    return i >= 0;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  setLatency(rule: LatencyRule): void {
    const i = this.latency.findIndex((r) => r.method === rule.method && r.path === rule.path && r.account === rule.account);
    if (i >= 0) this.latency.splice(i, 1);
    if (rule.ms > 0 || (rule.jitterMs ?? 0) > 0) this.latency.push(rule);
  }

  clearLatency(): void {
    this.latency.length = 0;
  }

  /** Counters as { "GET /api/remap/1.2/entity/customerorder": {count, statuses} }, overall or for one account. */
  getCounters(account?: string): Record<string, CounterEntry> {
    const src = account ? this.accountCounters.get(account) ?? new Map() : this.counters;
    return Object.fromEntries([...src].map(([k, v]) => [k, { count: v.count, statuses: { ...v.statuses } }]));
  }

  resetCounters(): void {
    this.counters.clear();
    this.accountCounters.clear();
  }

  private count(map: Map<string, CounterEntry>, key: string, status: number): void {
    let c = map.get(key);
    if (!c) map.set(key, (c = { count: 0, statuses: {} }));
    c.count++;
    c.statuses[status] = (c.statuses[status] ?? 0) + 1;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        t: setTimeout(() => { this.timers.delete(entry); resolve(); }, ms),
        done: resolve,
      };
      this.timers.add(entry);
    });
  }

  /** Wakes every pending sleep (server shutdown). */
  cancelSleeps(): void {
    for (const e of this.timers) {
      clearTimeout(e.t);
      e.done();
    }
    this.timers.clear();
  }

  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      if (req.url.startsWith('/__sandbox')) return;
      const key = `${req.method} ${routeKey(req.url)}`;
      this.count(this.counters, key, reply.statusCode);
      const account = this.resolveAccount(req);
      if (account) {
        let m = this.accountCounters.get(account);
        if (!m) this.accountCounters.set(account, (m = new Map()));
        this.count(m, key, reply.statusCode);
      }
    });
    app.addHook('onRequest', async (req, reply) => {
      if (req.url.startsWith('/__sandbox') || !this.faults.length) return;
      const path = req.url.split('?')[0] ?? '';
      const key = routeKey(path);
      const account = this.resolveAccount(req);
      for (const rule of this.faults) {
        if (!matches(rule, req.method, path, key, account)) continue;
        if (rule.times !== undefined && rule.hits >= rule.times) continue;
        if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
        rule.hits++;
        await this.inject(rule.fault, req, reply);
        return reply;
      }
      return;
    });
    // latency runs after the plugins' own onRequest hooks (auth, limits), so a slow request keeps
    // its parallel-request slot for the whole delay, as a slow MoySklad does
    app.addHook('preHandler', async (req) => {
      if (req.url.startsWith('/__sandbox')) return;
      const path = req.url.split('?')[0] ?? '';
      const key = routeKey(path);
      const account = this.latency.length ? this.resolveAccount(req) : undefined;
      const rule = this.latency.find((r) => matches(r, req.method, path, key, account));
      const base = rule ?? this.defaultLatency;
      const ms = base.ms + (base.jitterMs ? Math.random() * base.jitterMs : 0);
      if (ms > 0) await this.sleep(ms);
    });
  }

  private async inject(fault: Fault, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const send = (e: MsError): void => {
      reply.code(e.status).headers(e.headers).send(e.body());
    };
    switch (fault.kind) {
      case 'status':
        send(new MsError(fault.status, fault.code ?? (fault.status >= 500 ? 1999 : undefined), fault.message ?? (fault.status >= 500 ? 'Неизвестная ошибка' : 'Ошибка')));
        return;
      case 'timeout':
        await this.sleep(fault.ms ?? 60_000);
        send(new MsError(504, undefined, 'Превышено время ожидания ответа'));
        return;
      case 'rate-limit': {
        const retry = fault.retryAfterMs ?? 3000;
        send(err.rate(retry, { 'X-RateLimit-Limit': '45', 'X-RateLimit-Remaining': '0', 'X-Lognex-Retry-TimeInterval': '3000', 'X-Lognex-Reset': String(retry) }));
        return;
      }
      case 'parallel-limit':
        send(err.parallel());
        return;
      case 'unauthorized':
        send(err.auth());
        return;
      case 'reset':
        req.raw.socket.destroy();
        reply.hijack();
        return;
    }
  }
}

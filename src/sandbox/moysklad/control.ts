import { AccountRegistry, DEFAULT_APP_ID, newSecret, type Account } from './model/accounts.ts';
import { seedAccount, type SeedSummary } from './seed/generate.ts';
import { createRng, hashString } from './util/rng.ts';
import { ParallelLimiter, RateLimiter } from './traffic/rate-limiter.ts';
import { TrafficControl, type CounterEntry, type FaultRule, type LatencyRule } from './traffic/control.ts';
import { WebhookDispatcher, type DeliveryRecord } from './webhooks/dispatcher.ts';
import { createEntity, deleteEntity, newWriteContext, updateEntity, type WriteContext } from './entity-service.ts';
import { serializeEntity } from './json/serialize.ts';
import { accountNameOf } from './json/auth.ts';
import { DEFAULT_ACCOUNT_NAME, type AccountOptions, type SeedOptions } from './options.ts';
import type { SandboxState } from './state.ts';

export interface AccountInfo {
  name: string;
  accountId: string;
  login: string;
  password: string;
  /** currently valid user tokens */
  tokens: string[];
  solutionToken: string;
  phoneKey: string;
  weights: { password: number; userToken: number; solution: number };
  counts: Record<string, number>;
}

export interface RotateRequest {
  password?: string | true;
  token?: string | true;
  solutionToken?: string | true;
  phoneKey?: string | true;
}

/** The typed in-process control surface (the /__sandbox HTTP API is a thin layer over it). */
export class SandboxControl {
  readonly state: SandboxState;
  private readonly initial: AccountOptions[];

  constructor(accounts: AccountOptions[]) {
    const registry = new AccountRegistry();
    this.state = {
      registry,
      rate: new RateLimiter(),
      parallel: new ParallelLimiter(),
      traffic: new TrafficControl((req) => accountNameOf(registry, req)),
      webhooks: new WebhookDispatcher(() => `${this.state.origin}/api/remap/1.2`),
      origin: 'http://127.0.0.1',
    };
    this.initial = accounts.length ? accounts : [{ name: DEFAULT_ACCOUNT_NAME }];
    for (const a of this.initial) this.addAccount(a);
  }

  // ---- accounts ---------------------------------------------------------------------------
  readonly accounts = {
    list: (): AccountInfo[] => this.state.registry.list().map(info),
    get: (name: string): AccountInfo | undefined => {
      const a = this.state.registry.get(name);
      return a ? info(a) : undefined;
    },
    add: (opts: AccountOptions): AccountInfo => info(this.addAccount(opts)),
    remove: (name: string): boolean => this.state.registry.remove(name),
    /** Replace credentials; old ones answer 401 from now on ("key rotation"). `true` = generate. */
    rotate: (name: string, r: RotateRequest): AccountInfo => {
      const a = this.account(name);
      const pick = (v: string | true | undefined): string | undefined => (v === true ? newSecret() : v);
      const password = pick(r.password);
      const token = pick(r.token);
      const solutionToken = pick(r.solutionToken);
      const phoneKey = pick(r.phoneKey);
      if (password) a.creds.password = password;
      if (token) {
        a.userTokens.clear();
        a.userTokens.add(token);
      }
      if (solutionToken) a.solutionTokens.set(DEFAULT_APP_ID, solutionToken);
      if (phoneKey) a.creds.phoneKey = phoneKey;
      return info(a);
    },
    setPhoneProviderUrl: (name: string, url: string | undefined): void => {
      const a = this.account(name);
      if (url) a.phoneProviderUrl = url;
      else delete a.phoneProviderUrl;
    },
    seed: (name: string, seed: SeedOptions): SeedSummary => {
      const a = this.account(name);
      a.seed = seed;
      return seedAccount(a, seed);
    },
  };

  // ---- admin writes as a MoySklad user (fire webhooks) --------------------------------------
  readonly admin = {
    create: (account: string, type: string, body: Record<string, unknown>): Record<string, unknown> =>
      this.write(account, (a, w) => createEntity(a, type, body, w), type),
    update: (account: string, type: string, id: string, body: Record<string, unknown>): Record<string, unknown> =>
      this.write(account, (a, w) => updateEntity(a, type, id, body, w), type),
    delete: (account: string, type: string, id: string): void => {
      const a = this.account(account);
      const w = this.userContext(a);
      deleteEntity(a, type, id, w);
      this.state.webhooks.publish(a, w.events, w);
    },
    get: (account: string, type: string, id: string): Record<string, unknown> | undefined => {
      const a = this.account(account);
      const e = a.data.col(type).get(id);
      return e ? serializeEntity({ base: this.jsonBase(), account: a }, type, e) : undefined;
    },
    /** Raw store access for the inspector, directory adapter and tests. */
    account: (name: string): Account => this.account(name),
  };

  readonly faults = {
    add: (rule: FaultRule): string => this.state.traffic.addFault(rule),
    remove: (id: string): boolean => this.state.traffic.removeFault(id),
    list: () => this.state.traffic.faults.map((f) => ({ ...f })),
    clear: (): void => this.state.traffic.clearFaults(),
  };

  readonly latency = {
    set: (rule: LatencyRule): void => this.state.traffic.setLatency(rule),
    setDefault: (ms: number, jitterMs = 0): void => {
      this.state.traffic.defaultLatency = { ms, jitterMs };
    },
    list: () => [...this.state.traffic.latency],
    clear: (): void => {
      this.state.traffic.clearLatency();
      this.state.traffic.defaultLatency = { ms: 0, jitterMs: 0 };
    },
  };

  readonly counters = {
    get: (account?: string): Record<string, CounterEntry> => this.state.traffic.getCounters(account),
    reset: (): void => this.state.traffic.resetCounters(),
  };

  readonly webhooks = {
    deliveries: (): DeliveryRecord[] => this.state.webhooks.log,
    /** resolves when all deliveries started so far have finished (with their retries) */
    idle: (): Promise<void> => this.state.webhooks.idle(),
    clear: (): void => this.state.webhooks.clear(),
    setTimeoutMs: (ms: number): void => {
      this.state.webhooks.timeoutMs = ms;
    },
  };

  /** Back to the start: initial accounts re-seeded, credentials restored, no faults/latency/counters. */
  reset(): void {
    for (const a of this.state.registry.list()) this.state.registry.remove(a.name);
    for (const a of this.initial) this.addAccount(a);
    this.state.traffic.clearFaults();
    this.latency.clear();
    this.state.traffic.resetCounters();
    this.state.rate.reset();
    this.state.webhooks.clear();
  }

  jsonBase(): string {
    return `${this.state.origin}/api/remap/1.2`;
  }

  private addAccount(opts: AccountOptions): Account {
    // account ids derive from the name so restarts and resets keep hrefs stable
    const a = this.state.registry.add(opts, createRng(hashString(opts.name)).uuid());
    seedAccount(a, opts.seed ?? {});
    return a;
  }

  private account(name: string): Account {
    const a = this.state.registry.get(name);
    if (!a) throw new Error(`unknown sandbox account '${name}'`);
    return a;
  }

  private userContext(a: Account): WriteContext {
    const admin = a.data.col('employee').get(a.data.adminEmployeeId);
    return newWriteContext(String(admin?.['uid'] ?? a.creds.login));
  }

  private write(name: string, fn: (a: Account, w: WriteContext) => import('./model/types.ts').Entity, type: string): Record<string, unknown> {
    const a = this.account(name);
    const w = this.userContext(a);
    const e = fn(a, w);
    this.state.webhooks.publish(a, w.events, w);
    return serializeEntity({ base: this.jsonBase(), account: a }, type, e);
  }
}

function info(a: Account): AccountInfo {
  const counts: Record<string, number> = {};
  for (const [type, col] of a.data.collections) counts[type] = col.size;
  return {
    name: a.name, accountId: a.id, login: a.creds.login, password: a.creds.password, tokens: [...a.userTokens],
    solutionToken: a.solutionTokens.get(DEFAULT_APP_ID) ?? '', phoneKey: a.creds.phoneKey, weights: { ...a.weights }, counts,
  };
}

import type { AccountRegistry } from './model/accounts.ts';
import type { ParallelLimiter, RateLimiter } from './traffic/rate-limiter.ts';
import type { TrafficControl } from './traffic/control.ts';
import type { WebhookDispatcher } from './webhooks/dispatcher.ts';

/** Shared runtime of one sandbox server. */
export interface SandboxState {
  registry: AccountRegistry;
  rate: RateLimiter;
  parallel: ParallelLimiter;
  traffic: TrafficControl;
  webhooks: WebhookDispatcher;
  /** public origin, e.g. http://127.0.0.1:4000 (set once listening) */
  origin: string;
}

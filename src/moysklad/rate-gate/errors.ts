// What the gate throws instead of sending. The job layer turns it into "run this job again at
// retryAt" (see reschedule.ts); a worker is never parked waiting for a token.
import { MoyskladError } from '../errors.ts';
import type { GateLane, MoyskladApi } from '../gate.ts';

/** Why no token: rate budget spent, all in-flight slots taken, or MoySklad said 429. */
export type GateBusyReason = 'rate' | 'in-flight' | 'rate-limited';

export class GateBusyError extends MoyskladError {
  readonly retryAt: Date;
  readonly reason: GateBusyReason;
  readonly principal: string;
  readonly api: MoyskladApi;
  readonly lane: GateLane;

  constructor(
    init: { retryAt: Date; reason: GateBusyReason; principal: string; api: MoyskladApi; lane: GateLane },
    options?: { cause?: unknown },
  ) {
    // kind 'rate-limited' keeps isRetryable() true for callers that only know MoyskladError.
    super('rate-limited', `MoySklad ${init.api} gate busy (${init.reason}) for lane ${init.lane}; retry at ${init.retryAt.toISOString()}`, options);
    this.retryAt = init.retryAt;
    this.reason = init.reason;
    this.principal = init.principal;
    this.api = init.api;
    this.lane = init.lane;
  }

  /** Read by the job queue: a job that met a busy gate runs again then, without spending a retry. */
  get rescheduleAt(): Date {
    return this.retryAt;
  }
}

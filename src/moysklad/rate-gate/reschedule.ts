// Glue between the gate and the job layer: "no token now" becomes "run this job again at retryAt".
import { RescheduleError } from '../../queue/index.ts';
import { GateBusyError } from './errors.ts';

/** The GateBusyError behind `err` (itself or a cause), if any. */
export function findGateBusy(err: unknown): GateBusyError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof GateBusyError) return e;
  }
  return undefined;
}

/** Job data may count how many times in a row the job found the gate busy. */
export type GateWaits = { gateWaits?: number };

/**
 * When a job that found the gate busy runs again: later the more times in a row it waited (2 s,
 * 3 s, 4.5 s … up to 30 s, ±25 %), never before the gate expects room. The gate's "ready at" is
 * the same moment for every job waiting on one principal: a tenant far over its MoySklad budget
 * has thousands of them, and all retrying at that moment cost a run per waiting job every few
 * seconds, a load that grew with the backlog until other tenants' cards waited seconds (the pop-up
 * benchmark's fairness phase). The gate stays busy with that tenant's work either way.
 */
export function gateWaitRetryDelayMs(waits: number, random = Math.random()): number {
  return Math.min(30_000, 2000 * 1.5 ** Math.max(0, waits - 1)) * (0.75 + 0.5 * random);
}

/** The reschedule of a job that found the gate busy; `data` (when given) carries the count on. */
export function rescheduleAfterGateWait(busy: GateBusyError, data?: object & GateWaits): RescheduleError {
  if (!data) return new RescheduleError(busy.retryAt, { cause: busy });
  const gateWaits = (data.gateWaits ?? 0) + 1;
  const at = Math.max(busy.retryAt.getTime(), Date.now() + gateWaitRetryDelayMs(gateWaits));
  return new RescheduleError(new Date(at), { cause: busy, data: { ...data, gateWaits } });
}

/**
 * Turns a GateBusyError (anywhere in the cause chain) into the JobQueue's RescheduleError, backing
 * off with the job's `data` when given; rethrows anything else.
 */
export function rethrowAsReschedule(err: unknown, data?: object & GateWaits): never {
  const busy = findGateBusy(err);
  if (busy) throw rescheduleAfterGateWait(busy, data);
  throw err;
}
/** Wraps a job handler so a busy gate reschedules the job (backing off with its data) instead of failing it. */
export function rescheduleOnGateBusy<D extends object, A extends unknown[], R>(handler: (data: D, ...rest: A) => Promise<R>): (data: D, ...rest: A) => Promise<R> {
  return async (data, ...rest) => {
    try {
      return await handler(data, ...rest);
    } catch (err) {
      return rethrowAsReschedule(err, data);
    }
  };
}

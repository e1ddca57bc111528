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

/** Turns a GateBusyError (anywhere in the cause chain) into the JobQueue's RescheduleError; rethrows anything else. */
export function rethrowAsReschedule(err: unknown): never {
  const busy = findGateBusy(err);
  if (busy) throw new RescheduleError(busy.retryAt, { cause: busy });
  throw err;
}

/** Wraps a job handler so a busy gate reschedules the job instead of failing it. */
export function rescheduleOnGateBusy<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (err) {
      return rethrowAsReschedule(err);
    }
  };
}

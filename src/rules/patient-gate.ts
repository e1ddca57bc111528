// The rules' view of the MoySklad gate: when the gate says "busy, try again in a moment" and the
// moment is short, wait for it in-process instead of rescheduling the whole evaluation. One
// evaluation makes several requests in a row (find, create, fields, task); with the log lane's
// shallow burst most of them would otherwise cost a full queue round-trip each. Long waits still
// surface as GateBusyError, which the job turns into a reschedule.
import { findGateBusy, type RequestGate } from '../moysklad/index.ts';

export function patientGate(inner: RequestGate, opts: { maxWaitMs?: number; maxTries?: number } = {}): RequestGate {
  const maxWait = opts.maxWaitMs ?? 1500;
  const maxTries = opts.maxTries ?? 20;
  return {
    async run(key, send) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await inner.run(key, send);
        } catch (err) {
          const busy = findGateBusy(err);
          const wait = busy ? busy.retryAt.getTime() - Date.now() : Infinity;
          if (!busy || wait > maxWait || attempt >= maxTries) throw err;
          await new Promise((r) => setTimeout(r, Math.max(5, wait)));
        }
      }
    },
  };
}

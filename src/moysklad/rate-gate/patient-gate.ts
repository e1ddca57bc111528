// For long background iterations (index rebuilds, employee lists) that keep no cursor: a busy gate
// on the 'backfill' lane is waited out in-process instead of failing the whole iteration, which
// would restart it from the first page. Other lanes pass straight through, so jobs on them still
// reschedule (DESIGN.md §8: live and log work never parks a worker).
import type { HttpAnswer } from '../../net/index.ts';
import type { GateKey, RequestGate } from '../gate.ts';
import { GateBusyError } from './errors.ts';

export function patientGate(inner: RequestGate, opts: { maxWaitMs?: number } = {}): RequestGate {
  const maxWaitMs = opts.maxWaitMs ?? 5 * 60_000;
  return {
    async run(key: GateKey, send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
      if (key.lane !== 'backfill') return inner.run(key, send);
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        try {
          return await inner.run(key, send);
        } catch (err) {
          if (!(err instanceof GateBusyError) || err.retryAt.getTime() > deadline) throw err;
          await new Promise((r) => setTimeout(r, Math.max(1, err.retryAt.getTime() - Date.now())));
        }
      }
    },
  };
}

// For long background iterations (index rebuilds, employee lists) that keep no cursor: a busy gate
// on the 'backfill' lane is waited out in-process instead of failing the whole iteration, which
// would restart it from the first page. Other lanes pass straight through, so jobs on them still
// reschedule (DESIGN.md §8: live and log work never parks a worker) — unless `shortWaitMs` is set:
// then a wait up to that long is taken in-process on those lanes too. The JSON API's live and log
// lanes have almost no burst (every bit of burst costs the backfill's pace), so a job that makes
// several requests in a row would otherwise meet a busy gate at its second request, every time.
import type { GateKey, RequestGate } from '../gate.ts';
import { GateBusyError } from './errors.ts';

export interface PatientGate extends RequestGate {
  /**
   * When the earliest request waiting here will try again (epoch ms), if any. Work that blocks
   * the event loop (PGlite runs on it) can step aside for that moment, so the request goes on time.
   */
  nextWakeAt(): number | undefined;
}

export function patientGate(inner: RequestGate, opts: { maxWaitMs?: number; shortWaitMs?: number } = {}): PatientGate {
  const maxWaitMs = opts.maxWaitMs ?? 5 * 60_000;
  const shortWaitMs = opts.shortWaitMs ?? 0;
  const sleepers = new Map<object, number>();
  return {
    nextWakeAt() {
      let next: number | undefined;
      for (const at of sleepers.values()) if (next === undefined || at < next) next = at;
      return next;
    },
    async run(key: GateKey, send: () => Promise<Response>): Promise<Response> {
      const patience = key.lane === 'backfill' ? maxWaitMs : shortWaitMs;
      if (patience <= 0) return inner.run(key, send);
      const deadline = Date.now() + patience;
      const me = {};
      for (;;) {
        try {
          return await inner.run(key, send);
        } catch (err) {
          if (!(err instanceof GateBusyError) || err.retryAt.getTime() > deadline) throw err;
          const at = err.retryAt.getTime();
          sleepers.set(me, at);
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([new Promise((r) => (timer = setTimeout(r, Math.max(1, at - Date.now())))), ...(err.wake ? [err.wake] : [])]);
          } finally {
            clearTimeout(timer);
            sleepers.delete(me);
          }
        }
      }
    },
  };
}

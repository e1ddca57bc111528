// Reading ahead of the writer: units of work (pages, id chunks) are fetched up to `ahead` units
// before the one being written and written strictly in order, each in its own transaction. The
// rate gate, not the writer, then decides when requests go, so the budget is not left idle while
// the database works, and a crash loses at most the units fetched but not yet written.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { PatientGate, RequestGate } from '../moysklad/index.ts';

export interface OrderedOptions<U, R> {
  /** The next unit to fetch, or undefined when none can be planned now (asked again as fetches finish). */
  plan: () => U | undefined;
  fetch: (unit: U, signal: AbortSignal) => Promise<R>;
  /** Writes one unit; returns true when the work is complete (units planned beyond it are dropped). */
  write: (unit: U, result: R) => Promise<boolean>;
  /** Fetches outstanding at once (the gate still caps requests in flight). */
  parallel: number;
  /** Units fetched or being fetched but not yet written. */
  ahead: number;
  /** Aborts outstanding fetches and stops before the next write (ending normally). */
  signal?: AbortSignal | undefined;
}

/** Runs until `plan` has nothing more and everything planned is written, or `write` says done. */
export async function ordered<U, R>(o: OrderedOptions<U, R>): Promise<void> {
  const queue: Array<{ unit: U; result: Promise<R> }> = [];
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let outstanding = 0;
  let stopped = false;
  const fill = (): void => {
    while (!stopped && !ctrl.signal.aborted && outstanding < o.parallel && queue.length < o.ahead) {
      const unit = o.plan();
      if (unit === undefined) return;
      outstanding++;
      const result = o.fetch(unit, ctrl.signal).then(
        (r) => {
          outstanding--;
          fill();
          return r;
        },
        (err: unknown) => {
          outstanding--;
          // Nothing new after a failure: the run ends with it.
          stopped = true;
          throw err;
        },
      );
      result.catch(() => {}); // seen by the writer when it reaches this unit
      queue.push({ unit, result });
    }
  };
  try {
    fill();
    while (queue.length > 0) {
      if (o.signal?.aborted) return;
      const head = queue[0]!;
      let r: R;
      try {
        r = await head.result;
      } catch (err) {
        // Stopped from outside: what failed was cancelled by that, not a failure of its own.
        if (o.signal?.aborted) return;
        throw err;
      }
      queue.shift();
      fill();
      if (await o.write(head.unit, r)) return;
      fill();
    }
  } finally {
    stopped = true;
    o.signal?.removeEventListener('abort', onAbort);
    if (queue.length > 0) {
      // No request outlives the run: what was planned but will not be written is cancelled.
      ctrl.abort();
      await Promise.allSettled(queue.map((q) => q.result));
    }
  }
}

/**
 * Applies rows in slices, giving the event loop a turn between them. PGlite runs statements on
 * the loop's thread and its queries resolve as microtasks, so without the turns one page's writes
 * would hold back the rate gate's timers (and everything else) until the transaction ends. Before
 * each slice it steps aside for a request about to leave the gate (see stepAside).
 */
export async function inSlices<T>(rows: T[], size: number, apply: (slice: T[]) => Promise<void>, gate?: RequestGate): Promise<void> {
  let lastMs = 0;
  for (let i = 0; i < rows.length; i += size) {
    if (i > 0) await nextTurn();
    if (gate) await stepAside(gate, lastMs);
    const t0 = performance.now();
    await apply(rows.slice(i, i + size));
    lastMs = performance.now() - t0;
  }
}

/**
 * Waits while a request waiting at the gate is due before a statement of about `expectedMs` would
 * end, until it has gone. A statement on PGlite cannot be interrupted: started just before a
 * request's turn, it makes the request late, and lateness beyond the gate's slack is budget lost.
 * Writes have time to spare (pages are read ahead), requests do not.
 */
export async function stepAside(gate: RequestGate, expectedMs: number): Promise<void> {
  const nextWakeAt = (gate as Partial<PatientGate>).nextWakeAt;
  if (typeof nextWakeAt !== 'function') return;
  const budget = Math.min(200, Math.max(20, expectedMs * 1.5 + 5));
  for (let i = 0; i < 8; i++) {
    const next = nextWakeAt.call(gate);
    if (next === undefined) return;
    const wait = next - Date.now();
    if (wait > budget) return;
    // Timers fire in order: ours, a little later, runs after the request's wake-up and send.
    await sleep(Math.max(0, wait) + 1);
    await nextTurn();
  }
}

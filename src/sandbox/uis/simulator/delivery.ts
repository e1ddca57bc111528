// Delivers a planned communication's events over HTTP on the (scaled) UIS timeline, optionally
// duplicating some and shuffling them inside a window, as a best-effort webhook sender would.
import type { SimRng } from './rng.ts';
import type { DeliveryRecord, PlannedCommunication, PlannedEvent, RenderedRequest, SimRenderer } from './types.ts';
import type { FetchLike } from '../../../net/index.ts';

export interface DeliveryOptions {
  render: SimRenderer;
  rng: SimRng;
  /** Real ms per UIS ms: 1 = real time, 0.001 = a 60 s call plays in 60 ms. */
  timeScale: number;
  /** Probability that an event is delivered twice. */
  duplicateProbability: number;
  /** Real ms: each delivery is delayed by a random 0..window, so neighbours may swap. 0 = strict order. */
  shuffleWindowMs: number;
  fetch: FetchLike;
  timeoutMs: number;
  /** Aborting stops pending deliveries (the sandbox closes without waiting a minute of recordings). */
  signal?: AbortSignal;
}

let seq = 0;
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function send(req: RenderedRequest, rec: DeliveryRecord, opts: DeliveryOptions): Promise<void> {
  if (opts.signal?.aborted) {
    rec.error = 'not sent: simulator stopped';
    return;
  }
  rec.sentAt = Date.now();
  try {
    const res = await opts.fetch(req.url, {
      method: req.method,
      headers: { 'content-type': req.contentType },
      body: req.method === 'GET' ? undefined : req.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    rec.status = res.status;
    rec.answeredAt = Date.now();
    await res.arrayBuffer().catch(() => undefined);
  } catch (e) {
    rec.error = (e as Error).message;
  }
}

export async function deliverCommunication(
  plan: PlannedCommunication,
  key: string,
  opts: DeliveryOptions,
  log: DeliveryRecord[],
): Promise<void> {
  const start = Date.now();
  plan.begin();
  const realAt = (ev: PlannedEvent) => start + ev.delayMs * opts.timeScale;
  const record = (ev: PlannedEvent, req: RenderedRequest, duplicate: boolean, scheduledAt: number): DeliveryRecord => {
    const rec: DeliveryRecord = {
      seq: ++seq, communicationKey: key, eventKey: ev.eventKey, duplicate, request: req, scheduledAt, sentAt: null, answeredAt: null, status: null, error: null,
    };
    log.push(rec);
    return rec;
  };

  if (opts.shuffleWindowMs <= 0) {
    // Strict order: the next event is not sent before the previous one was answered.
    for (const ev of plan.events) {
      await sleep(realAt(ev) - Date.now(), opts.signal);
      if (opts.signal?.aborted) return;
      ev.apply?.();
      const req = opts.render(ev.eventKey, ev.vars);
      if (!req) continue;
      await send(req, record(ev, req, false, realAt(ev)), opts);
      if (opts.rng.chance(opts.duplicateProbability)) await send(req, record(ev, req, true, realAt(ev)), opts);
    }
    return;
  }

  // Side effects keep the true timeline; only the wire is shuffled.
  const effects = (async () => {
    for (const ev of plan.events) {
      await sleep(realAt(ev) - Date.now(), opts.signal);
      if (opts.signal?.aborted) return;
      ev.apply?.();
    }
  })();
  const sends: Array<Promise<void>> = [];
  for (const ev of plan.events) {
    const req = opts.render(ev.eventKey, ev.vars);
    if (!req) continue;
    const copies = opts.rng.chance(opts.duplicateProbability) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const at = realAt(ev) + opts.rng.next() * opts.shuffleWindowMs;
      sends.push(sleep(at - Date.now(), opts.signal).then(() => send(req, record(ev, req, c > 0, at), opts)));
    }
  }
  await Promise.all([effects, ...sends]);
}

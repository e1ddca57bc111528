// In-process pacing for MoySklad requests until the database-backed gate (src/moysklad/rate-gate)
// is wired in: a GCRA per principal (45 units / 3 s, weight per request), at most 5 requests in
// flight, and a wait of X-Lognex-Retry-After on a 429 before one more try. It only holds within
// one process; the DB gate replaces it where several workers share a principal.
import { RateLimitedError, type GateKey, type RequestGate } from '../moysklad/index.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type PacingOptions = { unitsPerWindow?: number; windowMs?: number; maxInFlight?: number; burstMs?: number; safety?: number; retries?: number };

export function pacingGate(opts: PacingOptions = {}): RequestGate & { sent: number; rateLimited: number } {
  const units = opts.unitsPerWindow ?? 45;
  const windowMs = opts.windowMs ?? 3000;
  const burstMs = opts.burstMs ?? 0;
  const safety = opts.safety ?? 1.05;
  const maxInFlight = opts.maxInFlight ?? 5;
  const retries = opts.retries ?? 3;
  const tat = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const waiters = new Map<string, Array<() => void>>();

  async function acquireSlot(p: string) {
    while ((inFlight.get(p) ?? 0) >= maxInFlight) {
      await new Promise<void>((r) => waiters.set(p, [...(waiters.get(p) ?? []), r]));
    }
    inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
  }
  function releaseSlot(p: string) {
    inFlight.set(p, (inFlight.get(p) ?? 1) - 1);
    const w = waiters.get(p)?.shift();
    w?.();
  }
  // Even spacing: MoySklad counts a sliding window, so a burst after a pause can overflow it.
  // floor(units / weight) requests per window, with a small margin for network jitter.
  async function takeToken(key: GateKey) {
    const p = key.principal;
    const perWindow = Math.max(1, Math.floor(units / Math.max(1, key.weight)));
    const spacing = (windowMs / perWindow) * safety;
    for (;;) {
      const now = Date.now();
      const at = Math.max(tat.get(p) ?? now, now);
      if (at - now <= burstMs) {
        tat.set(p, at + spacing);
        return;
      }
      await sleep(at - now - burstMs);
    }
  }

  const gate = {
    sent: 0,
    rateLimited: 0,
    async run(key: GateKey, send: () => Promise<Response>): Promise<Response> {
      for (let attempt = 0; ; attempt++) {
        await takeToken(key);
        await acquireSlot(key.principal);
        try {
          gate.sent++;
          return await send();
        } catch (err) {
          if (!(err instanceof RateLimitedError) || attempt >= retries) throw err;
          gate.rateLimited++;
          tat.set(key.principal, Date.now() + err.retryAfterMs);
        } finally {
          releaseSlot(key.principal);
        }
      }
    },
  };
  return gate;
}

// The traffic simulator: plays scenarios into a target, keeps the truth of each, runs rated mixes.
import { setMaxListeners } from 'node:events';
import { arrivalOffsets, type ArrivalPattern } from './arrivals.ts';
import type { EmployeeCallRequest } from '../call-api-methods.ts';
import { seedDefaultAccount, UisSandboxState } from '../state.ts';
import { planCall, planEmployeeCall, type CallOverrides, type ScenarioWorld } from './call-scenarios.ts';
import { planChat } from './chat-scenarios.ts';
import { deliverCommunication, type DeliveryOptions } from './delivery.ts';
import { createUisRenderer } from './render.ts';
import { createSimRng, type SimRng } from './rng.ts';
import {
  CALL_SCENARIOS,
  type DeliveryRecord,
  type PlannedCommunication,
  type ScenarioKind,
  type SimRenderer,
  type Truth,
  type CallScenario,
  type ChatScenario,
} from './types.ts';
import type { FetchLike } from '../../../net/index.ts';

export interface UisSimulatorOptions {
  /** The account the simulator plays in (the sandbox passes its own); default: a fresh seeded one. */
  state?: UisSandboxState;
  /** Notification base URL, e.g. http://127.0.0.1:3000/hooks/uis/<secret>. */
  target?: string | null;
  /** Chat API adapter webhook base URL. */
  chatTarget?: string | null;
  /** Replace the rendering (default: the published templates + renderLikeUis). */
  render?: SimRenderer;
  contentType?: string;
  seed?: number;
  timeScale?: number;
  duplicateProbability?: number;
  shuffleWindowMs?: number;
  /** Seconds after hang-up a recording arrives; default [5, 60]. */
  recordingDelayS?: readonly [number, number];
  /** Base URL of recordings (`file_link`); the sandbox passes its own. */
  mediaBaseUrl?: string;
  fetch?: FetchLike;
  deliveryTimeoutMs?: number;
}

export type ScenarioMix = Partial<Record<ScenarioKind, number>>;

export const DEFAULT_MIX: ScenarioMix = {
  incoming_answered: 40,
  incoming_lost: 10,
  ring_group: 10,
  transfer: 5,
  outgoing: 15,
  click_to_call: 5,
  internal: 5,
  chat: 6,
  chat_lost: 2,
  offline_request: 2,
};

export interface TrafficOptions {
  /** Communications started per second. */
  rate: number;
  mix?: ScenarioMix;
  /** Stop after this many communications … */
  count?: number;
  /** … or after this many real ms (whichever comes first; at least one is required). */
  durationMs?: number;
  /** How starts are spread: "even" (default, one every 1/rate s) or "poisson" (independent arrivals). */
  arrivals?: ArrivalPattern;
  overrides?: CallOverrides;
}

export interface PlayResult {
  truth: Truth;
  deliveries: DeliveryRecord[];
}

export interface TrafficResult {
  truths: Truth[];
  deliveries: DeliveryRecord[];
  started: number;
  elapsedMs: number;
  sent: number;
  failed: number;
  duplicates: number;
  byKind: Partial<Record<ScenarioKind, number>>;
}

export interface UisSimulator {
  readonly state: UisSandboxState;
  readonly truths: Truth[];
  readonly deliveries: DeliveryRecord[];
  /** Change target/delivery options between runs. */
  configure(opts: Partial<Omit<UisSimulatorOptions, 'state'>>): void;
  plan(kind: ScenarioKind, overrides?: CallOverrides): PlannedCommunication;
  play(kind: ScenarioKind, overrides?: CallOverrides): Promise<PlayResult>;
  playPlanned(plan: PlannedCommunication): Promise<PlayResult>;
  /** A click-to-call started through the Call API, played as an outgoing flow carrying external_id. */
  playEmployeeCall(req: EmployeeCallRequest, overrides?: CallOverrides): Promise<PlayResult>;
  runTraffic(opts: TrafficOptions): Promise<TrafficResult>;
  /** Resolves when every started communication has been fully delivered. */
  idle(): Promise<void>;
  /** Drops everything not yet delivered; later plays are not delivered either. */
  stop(): Promise<void>;
}

function pickWeighted(rng: SimRng, mix: ScenarioMix): ScenarioKind {
  const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as Array<[ScenarioKind, number]>;
  if (entries.length === 0) throw new Error('traffic mix has no positive weight');
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries.at(-1)![0];
}

const isCall = (k: ScenarioKind): k is CallScenario => (CALL_SCENARIOS as readonly string[]).includes(k);

export function createUisSimulator(initial: UisSimulatorOptions = {}): UisSimulator {
  let opts: UisSimulatorOptions = { ...initial };
  const state =
    initial.state ??
    (() => {
      const s = new UisSandboxState();
      seedDefaultAccount(s);
      return s;
    })();
  const rng = createSimRng(initial.seed ?? 1);
  // Its own stream, so the same seed plays the same calls whatever the arrival pattern.
  const arrivalRng = createSimRng(((initial.seed ?? 1) * 7919 + 17) >>> 0);
  const truths: Truth[] = [];
  const deliveries: DeliveryRecord[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let renderer = opts.render ?? createUisRenderer(opts);
  const stopper = new AbortController();
  // One listener per pending delivery: heavy traffic legitimately has thousands.
  setMaxListeners(0, stopper.signal);
  let n = 0;

  const world: ScenarioWorld = {
    state,
    rng,
    get mediaBaseUrl() {
      return opts.mediaBaseUrl ?? 'https://app.uiscom.ru';
    },
    get recordingDelayS() {
      return opts.recordingDelayS ?? ([5, 60] as const);
    },
    now: () => Date.now(),
  };

  const deliveryOptions = (): DeliveryOptions => ({
    render: renderer,
    rng,
    timeScale: opts.timeScale ?? 1,
    duplicateProbability: opts.duplicateProbability ?? 0,
    shuffleWindowMs: opts.shuffleWindowMs ?? 0,
    fetch: opts.fetch ?? fetch,
    timeoutMs: opts.deliveryTimeoutMs ?? 5000,
    signal: stopper.signal,
  });

  const sim: UisSimulator = {
    state,
    truths,
    deliveries,
    configure(next) {
      opts = { ...opts, ...next };
      renderer = opts.render ?? createUisRenderer(opts);
    },
    plan(kind, overrides) {
      return isCall(kind) ? planCall(world, kind, overrides) : planChat(world, kind as ChatScenario);
    },
    playPlanned(plan) {
      truths.push(plan.truth);
      const mine: DeliveryRecord[] = [];
      const key = `c${++n}`;
      const p = deliverCommunication(plan, key, deliveryOptions(), mine).then(() => {
        deliveries.push(...mine);
        return { truth: plan.truth, deliveries: mine };
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    play(kind, overrides) {
      return sim.playPlanned(sim.plan(kind, overrides));
    },
    playEmployeeCall(req, overrides) {
      return sim.playPlanned(planEmployeeCall(world, req, overrides));
    },
    async runTraffic(t) {
      if (!(t.rate > 0)) throw new Error('traffic rate must be > 0');
      if (t.count === undefined && t.durationMs === undefined) throw new Error('bound the run with count and/or durationMs');
      const mix = t.mix ?? DEFAULT_MIX;
      const started = Date.now();
      const offsets = arrivalOffsets(t.rate, t.arrivals ?? 'even', arrivalRng);
      const plays: Array<Promise<PlayResult>> = [];
      const byKind: TrafficResult['byKind'] = {};
      for (let i = 0; ; i++) {
        if (t.count !== undefined && i >= t.count) break;
        const due = started + offsets.next().value!;
        if (t.durationMs !== undefined && due - started >= t.durationMs) break;
        if (stopper.signal.aborted) break;
        await sleep(due - Date.now());
        const kind = pickWeighted(rng, mix);
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        plays.push(sim.play(kind, t.overrides));
      }
      const results = await Promise.all(plays);
      const all = results.flatMap((r) => r.deliveries);
      return {
        truths: results.map((r) => r.truth),
        deliveries: all,
        started: plays.length,
        elapsedMs: Date.now() - started,
        sent: all.filter((d) => d.status !== null).length,
        failed: all.filter((d) => d.status === null || d.status >= 400).length,
        duplicates: all.filter((d) => d.duplicate).length,
        byKind,
      };
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      stopper.abort();
      await sim.idle();
    },
  };
  return sim;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

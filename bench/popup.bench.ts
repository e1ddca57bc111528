// Pop-up latency and MoySklad requests per call. The MoySklad sandbox and the UIS sandbox (with its
// traffic simulator) run here; the connector (`serve`, embedded PGlite) runs in a child process, as
// in production. Latency = simulator's send time of a "ringing" notification → the sandbox's receive
// time of the SHOW card event it caused (both wall clocks of this machine).
// MoySklad allows one account 100 Phone API requests per 5 s (≈ 5 answered calls/s at 4 requests
// each, and our gate paces a little below that), so the total rate is spread over TENANTS accounts,
// each with its own integration and hook URL, at half the ceiling each: a tenant at the ceiling
// would measure MoySklad's limit (cards queue for tokens), not the connector.
// Before measuring, WARMUP_CALLS calls are played and settled (cold caches, JIT and the embedded
// database's first plans are not what a running server shows).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoyskladSandbox } from '../src/sandbox/moysklad/index.ts';
import { nodeHttpFetch } from '../src/net/index.ts';
import { watchPglite } from './lib/pglite-stats.ts';
import { processCpuMs } from './lib/proc-cpu.ts';
import { serveNodeFlags } from './lib/serve-node-flags.ts';
import { SANDBOX_ACCESS_TOKEN, createUisSimulator, startUisSandbox, type CallScenario, type CallTruth } from '../src/sandbox/uis/index.ts';

const RATE = Number(process.env.POPUP_RATE ?? 50);
const CALLS = Number(process.env.POPUP_CALLS ?? 500);
const TENANTS = Number(process.env.POPUP_TENANTS ?? 20);
const WARMUP_CALLS = Number(process.env.POPUP_WARMUP_CALLS ?? 100);
// Fairness (last phase): one tenant bursts BURST_CALLS calls at BURST_RATE calls/s (8× what
// MoySklad lets one account take at 4 requests per call) while the others play QUIET_RATE calls/s
// together: RATE in all, so the phase asks whether one tenant's backlog delays the others, not
// whether the machine has cores to spare. 0 calls skips the phase.
const BURST_CALLS = Number(process.env.POPUP_BURST_CALLS ?? 2000);
const BURST_RATE = Number(process.env.POPUP_BURST_RATE ?? 40);
const QUIET_RATE = Number(process.env.POPUP_QUIET_RATE ?? 10);
const TIME_SCALE = 0.05; // a 60 s UIS call plays in 3 s; phones still ring for 150–750 ms

if (process.argv[2] === '--app') await appChild();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export default async function popupBench() {
  const names = Array.from({ length: TENANTS }, (_, i) => `bench${i}`);
  const ms = await startMoyskladSandbox({ accounts: names.map((name) => ({ name, seed: { orders: 0, counterparties: 20, employees: 8 } })) });
  const uis = await startUisSandbox({ playEmployeeCalls: false });
  const accs = names.map((n) => ms.control.accounts.get(n)!);
  const app = await startApp({
    MOYSKLAD_PHONE_API_URL: ms.basePhoneUrl,
    MOYSKLAD_API_URL: ms.baseJsonUrl,
    UIS_DATA_API_URL: uis.dataApiUrl,
    UIS_CALL_API_URL: uis.callApiUrl,
    BENCH_PHONE_KEYS: accs.map((a) => a.phoneKey).join(','),
    BENCH_UIS_KEY: SANDBOX_ACCESS_TOKEN,
  });
  const sims = app.hooks.map((hook, i) =>
    createUisSimulator({ state: uis.control.state, target: hook, seed: 100 + i, timeScale: TIME_SCALE, recordingDelayS: [5, 20], mediaBaseUrl: uis.url, fetch: nodeHttpFetch }),
  );
  const play = async (rate: number, count: number, mix: Partial<Record<CallScenario, number>>) => {
    // Each tenant's callers arrive independently (Poisson), so the tenants' calls do not start in
    // the same millisecond as metronomes started together would (see bench/README.md).
    const runs = await Promise.all(sims.map((sim) => sim.runTraffic({ rate: rate / sims.length, count: Math.ceil(count / sims.length), mix, arrivals: 'poisson' })));
    await Promise.all(sims.map((sim) => sim.idle()));
    return { truths: runs.flatMap((r) => r.truths) as CallTruth[], deliveries: runs.flatMap((r) => r.deliveries) };
  };
  const counters = () => accs.map((a) => requestCounts(ms.control.counters.get(a.name))).reduce((x, y) => ({ phone: x.phone + y.phone, json: x.json + y.json }));
  const settleAll = (truths: CallTruth[]) => settle(ms, accs.map((a) => a.accountId), truths);
  const latencyAll = (deliveries: Parameters<typeof popupLatencies>[2], of = accs) => of.flatMap((a) => popupLatencies(ms, a.accountId, deliveries));
  const out: Record<string, number | string> = {};
  try {
    // 0. Warm-up (not measured).
    if (WARMUP_CALLS > 0) await settleAll((await play(RATE, WARMUP_CALLS, { incoming_answered: 1 })).truths);
    // 1. Steady incoming traffic at RATE calls/s: latency + requests per answered call.
    ms.control.counters.reset();
    // Where the machine's two cores went meanwhile: this process (both sandboxes and the UIS
    // simulator, whose delays count in the latency too) and the connector's.
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const cpu0 = { bench: processCpuMs(process.pid)!, app: processCpuMs(app.child.pid!)! };
    const t0 = Date.now();
    const run = await play(RATE, CALLS, { incoming_answered: 1 });
    const secs = (Date.now() - t0) / 1000;
    loop.disable();
    out.popup_bench_process_cpu_pct = Math.round((processCpuMs(process.pid)! - cpu0.bench) / secs / 10);
    out.popup_app_cpu_pct = Math.round((processCpuMs(app.child.pid!)! - cpu0.app) / secs / 10);
    out.popup_bench_loop_delay_p50_ms = Math.round(loop.percentile(50) / 1e4) / 100;
    out.popup_bench_loop_delay_p99_ms = Math.round(loop.percentile(99) / 1e4) / 100;
    const truths = run.truths;
    await settleAll(truths);
    const latencies = latencyAll(run.deliveries);
    latencies.sort((a, b) => a - b);
    const counts = counters();
    out.popup_rate_calls_per_s = RATE;
    out.popup_tenants = TENANTS;
    out.popup_calls = truths.length;
    out.popup_cards_measured = latencies.length;
    out.popup_latency_p50_ms = Math.round(percentile(latencies, 50) * 10) / 10;
    out.popup_latency_p99_ms = Math.round(percentile(latencies, 99) * 10) / 10;
    out.popup_latency_max_ms = Math.round(percentile(latencies, 100) * 10) / 10;
    // The part of it until the connector answered the ringing notification (stored and merged).
    const answers = run.deliveries
      .filter((d) => d.eventKey === 'ringing' && !d.duplicate && d.sentAt !== null && d.answeredAt !== null)
      .map((d) => d.answeredAt! - d.sentAt!)
      .sort((a, b) => a - b);
    out.popup_ringing_answer_p50_ms = percentile(answers, 50);
    out.popup_ringing_answer_p99_ms = percentile(answers, 99);
    out.phone_api_requests_per_answered_call = round2(counts.phone / truths.length);
    out.json_api_requests_per_answered_call = round2(counts.json / truths.length);
    out.popup_duplicate_calls = accs.reduce((n, a) => n + ms.phone.duplicates(a.accountId).length, 0);
    out.popup_app_rss_mb = app.rssMb();
    if (process.env.POPUP_DB_STATS) await printStageTimes(new URL(app.hooks[0]!).origin);

    // 2. Requests per call by scenario (small runs, one scenario at a time).
    for (const kind of ['incoming_lost', 'ring_group', 'transfer', 'outgoing', 'internal'] as CallScenario[]) {
      ms.control.counters.reset();
      const r = await play(10, 20, { [kind]: 1 });
      await settleAll(r.truths.filter((t) => !t.isInternal));
      out[`phone_api_requests_per_call_${kind}`] = round2(counters().phone / r.truths.length);
    }

    // 3. Fairness: tenant 0 bursts while the others play QUIET_RATE together; the quiet tenants'
    // cards are measured. The burst is not waited for: at MoySklad's limit for one account its
    // calls take minutes to settle.
    if (BURST_CALLS > 0 && sims.length > 1) {
      const quiet = sims.slice(1);
      const quietRate = QUIET_RATE;
      const quietCalls = Math.max(quiet.length, Math.round((quietRate * BURST_CALLS) / BURST_RATE));
      const loud = sims[0]!.runTraffic({ rate: BURST_RATE, count: BURST_CALLS, mix: { incoming_answered: 1 }, arrivals: 'poisson' });
      const calm = await Promise.all(
        quiet.map((sim) => sim.runTraffic({ rate: quietRate / quiet.length, count: Math.ceil(quietCalls / quiet.length), mix: { incoming_answered: 1 }, arrivals: 'poisson' })),
      );
      const burst = await loud;
      await Promise.all(quiet.map((sim) => sim.idle()));
      const cards = latencyAll(calm.flatMap((r) => r.deliveries), accs.slice(1)).sort((a, b) => a - b);
      const loudCards = latencyAll(burst.deliveries, accs.slice(0, 1)).sort((a, b) => a - b);
      out.fairness_burst_calls = BURST_CALLS;
      out.fairness_burst_rate_calls_per_s = BURST_RATE;
      out.fairness_burst_seconds = Math.round(burst.elapsedMs / 100) / 10;
      out.fairness_quiet_cards_measured = cards.length;
      out.fairness_quiet_popup_p50_ms = Math.round(percentile(cards, 50) * 10) / 10;
      out.fairness_quiet_popup_p99_ms = Math.round(percentile(cards, 99) * 10) / 10;
      out.fairness_burst_cards_shown_during_run = loudCards.length;
      out.fairness_burst_intake_errors = burst.failed;
      out.fairness_app_rss_mb = app.rssMb();
    }
  } finally {
    await Promise.all(sims.map((sim) => sim.stop()));
    app.child.kill('SIGTERM');
    await new Promise((r) => app.child.once('exit', r)); // it removes its data directory
    await ms.close();
    await uis.close();
  }
  return out;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Diagnostics: the connector's own histograms of the pop-up path (bucket bounds of p50/p99). */
async function printStageTimes(origin: string) {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const series = new Map<string, Array<[number, number]>>();
  for (const m of text.matchAll(/^(uis_moysklad_(?:call_[a-z_]+|http_request_duration)_seconds)_bucket\{(.*?)\} (\d+)/gm)) {
    const labels = m[2]!.split(',').filter((l) => !l.startsWith('le='));
    const le = /le="([^"]+)"/.exec(m[2]!)![1]!;
    if (m[1]!.includes('http_request') && !m[2]!.includes('/hooks/uis')) continue;
    const key = `${m[1]}{${labels.join(',')}}`;
    const list = series.get(key) ?? [];
    list.push([le === '+Inf' ? Infinity : Number(le), Number(m[3])]);
    series.set(key, list);
  }
  for (const [key, buckets] of series) {
    const total = buckets.at(-1)![1];
    const at = (q: number) => buckets.find(([, n]) => n >= q * total)?.[0];
    process.stderr.write(`stage: ${key} n=${total} p50≤${at(0.5)}s p99≤${at(0.99)}s\n`);
  }
}

function requestCounts(counters: Record<string, { count: number }>) {
  let phone = 0;
  let json = 0;
  for (const [key, v] of Object.entries(counters)) {
    if (key.includes('/api/phone/1.0/')) phone += v.count;
    else if (key.includes('/api/remap/1.2/')) json += v.count;
  }
  return { phone, json };
}

/** Waits until every played call is in MoySklad with its end and recordings (or 60 s pass). */
async function settle(ms: Awaited<ReturnType<typeof startMoyskladSandbox>>, accountIds: string[], truths: CallTruth[]) {
  const want = new Map(truths.map((t) => [String(t.callSessionId), t]));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    let done = 0;
    for (const id of accountIds) {
      for (const c of ms.phone.calls(id)) {
        const t = want.get(c.externalId);
        if (t && c.endTime !== undefined && c.recordUrl.length >= t.recordings.length) done++;
      }
    }
    if (done >= want.size) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stderr.write(`popup bench: not every call settled within 60 s\n`);
}

function popupLatencies(
  ms: Awaited<ReturnType<typeof startMoyskladSandbox>>,
  accountId: string,
  deliveries: { eventKey: string; duplicate: boolean; sentAt: number | null; request: { body: string } }[],
): number[] {
  const shows = new Map<string, number>();
  for (const r of ms.phone.cardHistory(accountId)) {
    if (r.eventType !== 'SHOW' || !r.extension) continue;
    const key = `${r.externalId}|${r.extension}`;
    if (!shows.has(key)) shows.set(key, r.receivedAt.wallMs);
  }
  const out: number[] = [];
  for (const d of deliveries) {
    if (d.eventKey !== 'ringing' || d.duplicate || d.sentAt === null) continue;
    const body = JSON.parse(d.request.body) as { call_session_id: number; employee_id: number };
    const shownAt = shows.get(`${body.call_session_id}|${101 + (body.employee_id - 1001)}`);
    if (shownAt !== undefined) out.push(shownAt - d.sentAt);
  }
  return out;
}

function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; hooks: string[]; rssMb: () => number }> {
  const dataDir = process.env.POPUP_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'usm-bench-popup-'));
  return new Promise((resolve, reject) => {
    // POPUP_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=tmp-scratch/prof") profiles the connector.
    const extra = [...serveNodeFlags(), ...(process.env.POPUP_APP_NODE_ARGS ? process.env.POPUP_APP_NODE_ARGS.split(' ') : [])];
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', fileURLToPath(import.meta.url), '--app'], {
      // A data directory on disk, as `serve` runs in production (POPUP_DATA_DIR=memory:// to compare).
      env: { ...process.env, ...env, LOG_LEVEL: 'warn', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    let rss = 0;
    child.stdout!.on('data', (d: Buffer) => {
      buf += d;
      for (const m of buf.matchAll(/RSS (\d+)/g)) rss = Number(m[1]);
      const hooks = /HOOKS (\S+)/.exec(buf);
      if (hooks) resolve({ child, hooks: hooks[1]!.split(','), rssMb: () => rss });
    });
    child.on('exit', (code) => {
      if (dataDir !== process.env.POPUP_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`app exited ${code}`));
    });
  });
}

/** The connector in its own process: serve + a telephony integration wired to both sandboxes. */
async function appChild(): Promise<never> {
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/runtime/logger.ts');
  const { startRole } = await import('../src/runtime/roles.ts');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'bench admin password' }, { dotenv: false });
  const running = await startRole('serve', config, createLogger(process.env.LOG_LEVEL ?? 'warn'));
  const [account] = await running.ctx.accounts.list();
  const uisKey = await running.ctx.credentials.create(account!.id, { name: 'bench uis', kind: 'uis-api-key', secret: process.env.BENCH_UIS_KEY! });
  const { refreshEmployees } = await import('../src/telephony/employees/index.ts');
  const { passThroughGate } = await import('../src/moysklad/index.ts');
  const c = running.ctx;
  const hooks: string[] = [];
  for (const [i, key] of process.env.BENCH_PHONE_KEYS!.split(',').entries()) {
    const phoneKey = await c.credentials.create(account!.id, { name: `bench ${i}`, kind: 'moysklad-phone-key', secret: key });
    const integration = await c.integrations.create(account!.id, 'moysklad-telephony', { name: `bench ${i}`, active: true, credentialIds: { phoneKey: phoneKey.id, uis: uisKey.id } });
    const row = await c.integrationsRepo.get(account!.id, integration.id);
    await refreshEmployees({ db: c.database.db, config: c.config, credentials: c.credentials, integrationsRepo: c.integrationsRepo, log: c.log, gate: passThroughGate }, row!).catch((err: Error) =>
      process.stderr.write(`employee sync: ${err.message}\n`),
    );
    hooks.push(integration.hookUrls.uisNotificationsBase!.replace(config.publicUrl, running.url!));
  }
  process.stdout.write(`HOOKS ${hooks.join(',')}\n`);
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  setInterval(() => {
    const m = process.memoryUsage();
    process.stdout.write(`RSS ${mb(m.rss)}\n`);
  }, 1000).unref();
  if (process.env.POPUP_DB_STATS && c.database.kind === 'pglite') {
    // Diagnostics: what the connector asked of the embedded database, per second and at exit.
    const stats = watchPglite(c.database.pglite);
    process.once('SIGTERM', () => stats.report());
  }
  if (process.env.POPUP_HEAP_SNAPSHOT) {
    // Diagnostics: where the connector's heap went, written before it stops (open in Chrome DevTools).
    const { writeHeapSnapshot } = await import('node:v8');
    process.once('SIGTERM', () => process.stderr.write(`heap snapshot: ${writeHeapSnapshot(process.env.POPUP_HEAP_SNAPSHOT)}\n`));
  }
  process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
  return new Promise<never>(() => {});
}

// Intake: how fast UIS notifications are accepted with durable storage (the inbox row committed
// before the 200; UIS call notifications are processed in that same transaction), against a bare
// Fastify echo server in the same run. Both servers run in a child process of their own; the load
// generator runs in a third.
//
// The two are measured in alternating slices (bare, ours, bare, ours, …) after a warm-up of each,
// so that other work on the machine during the run weighs on both alike instead of on whichever
// happened to run at that moment.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notificationTemplatesFor, renderLikeUis } from '../src/uis/index.ts';
import type { LoadResult } from './lib/load.ts';
import { processCpuMs } from './lib/proc-cpu.ts';
import { runLoad, type LoadOptions } from './lib/run-load.ts';
import { percentile } from './lib/stats.ts';
import { serveNodeFlags } from './lib/serve-node-flags.ts';
import { startChild, stopChild } from './lib/start-child.ts';

const CONCURRENCY = 16;
/** Measured time per server, split into SLICES alternating slices. */
const DURATION_MS = 8000;
const SLICES = 4;
const WARMUP_MS = 2000;
/**
 * Answer latency at a steady load well below saturation (open loop: requests on a fixed schedule,
 * latency from the scheduled time). Under the closed loop above latency is concurrency ÷
 * throughput by construction, so the "answered in ≤ 5 ms" target is read here.
 */
const OPEN_RATE = Number(process.env.INTAKE_OPEN_RATE ?? 200);
const OPEN_MS = 5000;
/** Sent at the open-loop rate before those 5 s, not counted. */
const OPEN_WARMUP_MS = 1000;

/** Accumulates the slices run against one server, with the server's CPU time spent on them. */
class Totals {
  private runs: LoadResult[] = [];
  private cpuMs = 0;

  constructor(private readonly server: ChildProcess) {}

  async slice(o: LoadOptions): Promise<void> {
    const cpu0 = processCpuMs(this.server.pid!);
    const r = await runLoad({ ...o, keepLatencies: true });
    const cpu1 = processCpuMs(this.server.pid!);
    this.cpuMs = cpu0 === undefined || cpu1 === undefined || this.cpuMs < 0 ? -1 : this.cpuMs + cpu1 - cpu0;
    this.runs.push(r);
  }

  result() {
    const requests = this.runs.reduce((a, r) => a + r.requests, 0);
    const seconds = this.runs.reduce((a, r) => a + r.seconds, 0);
    const latencies = this.runs.flatMap((r) => r.latencies ?? []).sort((a, b) => a - b);
    const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 1000) / 1000;
    return {
      rps: Math.round(requests / seconds),
      p50_ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
      p99_ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
      serverCpuMsPerRequest: this.cpuMs < 0 ? -1 : per(this.cpuMs),
      loadgenCpuMsPerRequest: per(this.runs.reduce((a, r) => a + r.cpu_ms, 0)),
      errors: this.runs.reduce((a, r) => a + r.errors + Object.entries(r.statuses).filter(([s]) => s !== '200').reduce((b, [, n]) => b + n, 0), 0),
    };
  }
}

export default async function intakeBench() {
  const template = notificationTemplatesFor('http://x/hooks/uis/s').find((t) => t.eventKey === 'call-start')!;
  const body = renderLikeUis(template.bodyTemplate, {
    call_session_id: 123456789,
    notification_name: 'Входящий звонок',
    contact_phone_number: '79161234567',
    virtual_phone_number: '74951234567',
    start_time: '2026-11-29 12:00:00',
  });
  const load = (url: string, durationMs: number): LoadOptions => ({ url, body, contentType: 'application/json', concurrency: CONCURRENCY, durationMs });

  // The bare Fastify echo: the ceiling for "receive a POST and answer 200" on this machine.
  const bare = await startChild([fileURLToPath(new URL('./lib/bare-fastify.ts', import.meta.url))], {}, /listening (\d+)/);
  const bareUrl = `http://127.0.0.1:${/listening (\d+)/.exec(bare.out())![1]}/hook`;

  // The connector (`serve`, embedded PGlite in a file DATA_DIR) with a telephony integration.
  // INTAKE_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=tmp-scratch/prof") profiles it;
  // BENCH_DB_STATS=1 prints what its database did each second.
  const dataDir = mkdtempSync(join(tmpdir(), 'usm-bench-intake-'));
  const appNodeArgs = [...serveNodeFlags(), ...(process.env.INTAKE_APP_NODE_ARGS ? process.env.INTAKE_APP_NODE_ARGS.split(' ') : [])];
  const app = await startChild([fileURLToPath(new URL('./lib/app-with-integration.ts', import.meta.url))], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /HOOK (\S+)/, appNodeArgs);
  const oursUrl = `${/HOOK (\S+)/.exec(app.out())![1]!}/call-start`;

  await runLoad(load(bareUrl, WARMUP_MS));
  await runLoad(load(oursUrl, WARMUP_MS));
  const bareTotals = new Totals(bare.child);
  const oursTotals = new Totals(app.child);
  for (let i = 0; i < SLICES; i++) {
    await bareTotals.slice(load(bareUrl, DURATION_MS / SLICES));
    await oursTotals.slice(load(oursUrl, DURATION_MS / SLICES));
  }
  const openLoad = (url: string): LoadOptions => ({ ...load(url, OPEN_MS), ratePerSecond: OPEN_RATE, warmupMs: OPEN_WARMUP_MS });
  const bareOpen = await runLoad(openLoad(bareUrl));
  const oursOpen = await runLoad(openLoad(oursUrl));
  bare.child.kill();
  // Wait for a clean exit, so a profile asked for by INTAKE_APP_NODE_ARGS is written.
  await stopChild(app.child);
  rmSync(dataDir, { recursive: true, force: true });

  const b = bareTotals.result();
  const ours = oursTotals.result();
  return {
    intake_bare_fastify_rps: b.rps,
    intake_rps: ours.rps,
    intake_rps_ratio_vs_bare_fastify: Math.round((ours.rps / b.rps) * 1000) / 1000,
    intake_p50_ms: ours.p50_ms,
    intake_p99_ms: ours.p99_ms,
    // CPU per answered request (server process; the load generator): other work on the machine
    // distorts these less than requests/s, so a change of ours shows here first.
    intake_bare_cpu_ms_per_request: b.serverCpuMsPerRequest,
    intake_cpu_ms_per_request: ours.serverCpuMsPerRequest,
    intake_loadgen_cpu_ms_per_request: ours.loadgenCpuMsPerRequest,
    intake_errors: ours.errors + oursOpen.errors + Object.entries(oursOpen.statuses).filter(([st]) => st !== '200').reduce((a, [, n]) => a + n, 0),
    intake_open_rate: OPEN_RATE,
    intake_open_p50_ms: oursOpen.p50_ms,
    intake_open_p99_ms: oursOpen.p99_ms,
    intake_open_bare_fastify_p99_ms: bareOpen.p99_ms,
  };
}

// A small HTTP load generator, run in its own process so it does not share an event loop with the
// server under test. Prints one JSON line: requests/s and latency percentiles.
//
// Closed loop by default: `concurrency` connections, each sending its next request when the last
// one was answered (measures the most a server sustains; latency then follows from Little's law,
// concurrency ÷ throughput). With `ratePerSecond`, open loop: requests are started on a fixed
// schedule whatever the answers do, and latency counts from the scheduled time, so a server that
// stalls is charged for the requests that queued behind the stall.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { LoadOptions } from './run-load.ts';
import { percentile } from './stats.ts';

export type LoadResult = {
  rps: number;
  requests: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  statuses: Record<string, number>;
  cpu_ms: number;
  /** Wall time of the run, s. */
  seconds: number;
  /** Every latency in ms, ascending, when asked for (to merge several runs' percentiles). */
  latencies?: number[];
};

export async function load(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  // LOAD_TRACE=FILE (open loop): every request's scheduled time (ms from start) and latency, to
  // see whether slow answers come in clusters (a stall) or spread out.
  const trace: string[] | undefined = process.env.LOAD_TRACE && o.ratePerSecond ? [] : undefined;
  const one = (t0 = performance.now(), record = true) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent, headers: { 'content-type': o.contentType, 'content-length': Buffer.byteLength(o.body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            if (!record) return resolve();
            latencies.push(performance.now() - t0);
            trace?.push(`${(t0 - started).toFixed(1)} ${(performance.now() - t0).toFixed(2)}`);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(o.body);
    });
  // Open loop: requests on a fixed schedule from `from` until `until`.
  const schedule = async (from: number, until: number, rate: number, record: boolean) => {
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; ; i++) {
      const at = from + (i * 1000) / rate;
      if (at >= until) break;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one(at, record));
    }
    await Promise.all(inFlight);
  };
  // The open loop's warm-up runs at the same rate and is not counted: the connections it opens and
  // this freshly started generator's first requests through cold code are not the server's latency
  // (they made the first 2–4 requests of every run 10–20 ms, for the bare server as for ours).
  if (o.ratePerSecond && o.warmupMs) {
    const from = performance.now();
    await schedule(from, from + o.warmupMs, o.ratePerSecond, false);
  }
  const started = performance.now();
  const deadline = started + o.durationMs;
  const cpu0 = process.cpuUsage();
  if (o.ratePerSecond) {
    await schedule(started, deadline, o.ratePerSecond, true);
  } else {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (performance.now() < deadline) await one();
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  if (trace) writeFileSync(process.env.LOAD_TRACE!, `# started ${Math.round(performance.timeOrigin + started)} (epoch ms)\n${trace.join('\n')}\n`);
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed),
    requests: latencies.length,
    errors,
    p50_ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
    p99_ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
    statuses,
    // The generator's own CPU during the run: on a small machine it competes with the server.
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    seconds: elapsed,
    ...(o.keepLatencies && { latencies: latencies.map((l) => Math.round(l * 1000) / 1000) }),
  };
}

if (process.argv[2] === '--run') {
  const o = JSON.parse(process.argv[3]!);
  process.stdout.write(JSON.stringify(await load(o)) + '\n');
}

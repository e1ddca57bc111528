// A small closed-loop HTTP load generator, run in its own process so it does not share an event
// loop with the server under test. Prints one JSON line: requests/s and latency percentiles.
import http from 'node:http';
import { percentile } from './stats.ts';

export type LoadResult = { rps: number; requests: number; errors: number; p50_ms: number; p99_ms: number; statuses: Record<string, number> };

export async function load(o: { url: string; body: string; contentType: string; concurrency: number; durationMs: number }): Promise<LoadResult> {
  const url = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const deadline = performance.now() + o.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent, headers: { 'content-type': o.contentType, 'content-length': Buffer.byteLength(o.body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
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
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed),
    requests: latencies.length,
    errors,
    p50_ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
    p99_ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
    statuses,
  };
}

if (process.argv[2] === '--run') {
  const o = JSON.parse(process.argv[3]!);
  process.stdout.write(JSON.stringify(await load(o)) + '\n');
}

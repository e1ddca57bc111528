import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';

export type LoadOptions = {
  url: string;
  body: string;
  contentType: string;
  concurrency: number;
  durationMs: number;
  /** Open loop: start this many requests per second on a fixed schedule (connections: up to `concurrency`, more queue). */
  ratePerSecond?: number;
  /** Open loop: first run this long at the same rate without counting (connections, a cold generator). */
  warmupMs?: number;
  /** Return every latency too (LoadResult.latencies). */
  keepLatencies?: boolean;
};

/** Runs the load generator in a separate process against `url`. */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./load.ts', import.meta.url)), '--run', JSON.stringify(o)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exit ${code}`))));
  });
}

// Queue wake-up latency: time from `send()` committing a job to its handler starting, with
// LISTEN/NOTIFY wake-ups, on embedded PGlite and (when reachable) PostgreSQL. One job at a time,
// 10 ms apart, so this is latency, not throughput.
import { defineJob } from '../src/queue/index.ts';
import { percentile } from './lib/stats.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { postgresUnavailable } from '../test/helpers/postgres.ts';

const JOBS = 200;

async function measure(db: 'pglite' | 'postgres') {
  const app = await startTestApp({ db, env: { LOG_LEVEL: 'warn' } });
  try {
    const started = new Map<number, number>();
    await app.ctx.queue.register([
      defineJob<{ i: number }>({ name: 'bench.wakeup', notify: true, handler: async ({ i }) => void started.set(i, performance.now()) }),
    ]);
    await app.ctx.queue.work(['bench.wakeup']);
    const sent = new Map<number, number>();
    for (let i = 0; i < JOBS; i++) {
      const t = performance.now();
      await app.ctx.queue.send('bench.wakeup', { i });
      sent.set(i, t);
      await new Promise((r) => setTimeout(r, 10));
    }
    const deadline = Date.now() + 30_000;
    while (started.size < JOBS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lat = [...sent].flatMap(([i, t]) => (started.has(i) ? [started.get(i)! - t] : [])).sort((a, b) => a - b);
    return { p50: Math.round(percentile(lat, 0.5) * 10) / 10, p99: Math.round(percentile(lat, 0.99) * 10) / 10, done: lat.length };
  } finally {
    await app.close();
  }
}

export default async function queueBench() {
  const out: Record<string, number | string> = {};
  const lite = await measure('pglite');
  Object.assign(out, { queue_wakeup_p50_ms_pglite: lite.p50, queue_wakeup_p99_ms_pglite: lite.p99, queue_wakeup_jobs_pglite: lite.done });
  if (!(await postgresUnavailable())) {
    const pg = await measure('postgres');
    Object.assign(out, { queue_wakeup_p50_ms_postgres: pg.p50, queue_wakeup_p99_ms_postgres: pg.p99, queue_wakeup_jobs_postgres: pg.done });
  } else out.queue_wakeup_postgres = 'skipped: PostgreSQL not reachable';
  return out;
}

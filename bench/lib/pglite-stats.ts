// Diagnostics for benchmarks on the embedded database: per second, how many transactions and
// statements the connector sent to PGlite (on its thread), how long callers waited for them and how
// long the main event loop was held up; at exit, the statements that were most frequent and that
// callers waited for longest (queue statements tagged with their job name).
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import type { ThreadedPGlite } from '../../src/db/pglite-thread/index.ts';

type Method = (...a: unknown[]) => Promise<unknown>;

export function watchPglite(pglite: ThreadedPGlite): { report(): void } {
  const pg = pglite as unknown as Record<string, Method>;
  let waited = 0;
  let statements = 0;
  let transactions = 0;
  const kinds = new Map<string, { n: number; ms: number; rows: number }>();
  const counted = (original: Method, prefix: string): Method => async (...a) => {
    const t = performance.now();
    statements++;
    const text = String(a[0]).replace(/\s+/g, ' ').trim();
    const job = /pgboss\.job/i.test(text) && Array.isArray(a[1]) ? ` [${(a[1] as unknown[]).find((x) => typeof x === 'string' && /^[a-z]+\.[a-z-]+$/.test(x)) ?? ''}]` : '';
    const kind = kinds.get(prefix + text.slice(0, 90) + job) ?? { n: 0, ms: 0, rows: 0 };
    kinds.set(prefix + text.slice(0, 90) + job, kind);
    kind.n++;
    try {
      const res = (await original(...a)) as { rows?: unknown[] } | Array<{ rows?: unknown[] }>;
      kind.rows += Array.isArray(res) ? res.reduce((x, r) => x + (r.rows?.length ?? 0), 0) : (res?.rows?.length ?? 0);
      return res;
    } finally {
      const ms = performance.now() - t;
      kind.ms += ms;
      waited += ms;
      if (ms > 300) process.stderr.write(`db: slow ${Math.round(ms)} ms: ${prefix}${text.slice(0, 90)}\n`);
    }
  };
  for (const m of ['query', 'exec']) pg[m] = counted(pg[m]!.bind(pg), '');
  // Statements inside transactions go through the transaction object (listed as "tx: …").
  const transaction = pg.transaction!.bind(pg);
  pg.transaction = (cb: unknown) => {
    transactions++;
    return transaction(async (tx: Record<string, Method>) => {
      for (const m of ['query', 'exec']) tx[m] = counted(tx[m]!.bind(tx), 'tx: ');
      return (cb as (t: unknown) => Promise<unknown>)(tx);
    });
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let elu = perf.eventLoopUtilization();
  const timer = setInterval(() => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    process.stderr.write(
      `db: ${transactions} tx/s, ${statements} statements/s, callers waited ${Math.round(waited)} ms; ` +
        `event loop busy ${Math.round(perf.eventLoopUtilization(elu).utilization * 100)} %, delay p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms; ` +
        `rss ${mb(m.rss)} MB, main heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB\n`,
    );
    loopDelay.reset();
    elu = perf.eventLoopUtilization();
    waited = statements = transactions = 0;
  }, 1000);
  timer.unref();
  return {
    report() {
      const top = (by: (v: { n: number; ms: number; rows: number }) => number, label: string) =>
        [...kinds]
          .sort((a, b) => by(b[1]) - by(a[1]))
          .slice(0, 25)
          .map(([k, v]) => `db: ${label} ${String(v.n).padStart(7)} × ${(v.ms / v.n).toFixed(3)} ms, ${v.rows} rows  ${k}`)
          .join('\n');
      process.stderr.write(`${top((v) => v.n, 'count')}\n${top((v) => v.ms, 'time')}\n`);
    },
  };
}

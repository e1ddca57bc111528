// Diagnostics for benchmarks on the embedded database: how many transactions and statements PGlite
// ran per second and how long its (synchronous, single-connection) engine was busy. Wraps the
// instance's protocol entry points, which every query and transaction goes through.
import type { PGlite } from '@electric-sql/pglite';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function watchPglite(pglite: PGlite): { report(): void } {
  const pg = pglite as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  let busy = 0;
  let messages = 0;
  let statements = 0;
  let transactions = 0;
  const kinds = new Map<string, { n: number; ms: number }>();
  let current: { n: number; ms: number } | undefined;
  let currentText = '';
  const decoder = new TextDecoder();
  const original = pg.execProtocolStream!.bind(pg);
  pg.execProtocolStream = async (message: unknown, ...rest: unknown[]) => {
    const m = message as Uint8Array;
    const type = String.fromCharCode(m[0]!);
    if (type === 'P' || type === 'Q') {
      // Parse: length, statement name (empty), query text; Query: length, query text.
      const start = type === 'P' ? m.indexOf(0, 5) + 1 : 5;
      const text = decoder.decode(m.subarray(start, m.indexOf(0, start))).replace(/\s+/g, ' ').trim().slice(0, 100);
      if (text === 'BEGIN') transactions++;
      statements++;
      currentText = text;
      current = kinds.get(text) ?? { n: 0, ms: 0 };
      current.n++;
      kinds.set(text, current);
    }
    messages++;
    const t = performance.now();
    try {
      return await original(message, ...rest);
    } finally {
      const ms = performance.now() - t;
      busy += ms;
      if (current) current.ms += ms;
      // One protocol step (parse, bind, execute, …) that held the event loop for long.
      if (ms > 10) process.stderr.write(`db: slow ${ms.toFixed(1)} ms: ${currentText}\n`);
    }
  };
  // The engine itself (synchronous WASM) apart from the JS around it (protocol parsing, promises).
  let engine = 0;
  const rawSync = pg.execProtocolRawSync!.bind(pg) as unknown as (m: Uint8Array) => Uint8Array;
  (pg as unknown as Record<string, unknown>).execProtocolRawSync = (m: Uint8Array) => {
    const t = performance.now();
    try {
      return rawSync(m);
    } finally {
      engine += performance.now() - t;
    }
  };
  // How long the event loop was held up (the engine is synchronous: a long statement stalls every request).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const timer = setInterval(() => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    process.stderr.write(
      `db: ${transactions} tx/s, ${statements} statements/s, ${messages} protocol messages/s, ${Math.round(busy)} ms busy (${Math.round(engine)} ms in the engine); ` +
        `event loop delay p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms\n`,
    );
    loopDelay.reset();
    busy = engine = messages = statements = transactions = 0;
  }, 1000);
  timer.unref();
  return {
    report() {
      const top = [...kinds].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
      process.stderr.write(top.map(([k, v]) => `db: ${String(v.n).padStart(7)} × ${(v.ms / v.n).toFixed(3)} ms  ${k}`).join('\n') + '\n');
    },
  };
}

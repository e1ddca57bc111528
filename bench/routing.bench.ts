// Routing answer latency: UIS «Интерактивная обработка вызова» → our /hooks/uis/<secret>/routing,
// answered from the local index. Open-loop load at 200 requests/s (a request every 5 ms, whether or
// not earlier ones finished; latency counted from the scheduled send time, so queueing shows).
// Target (DESIGN §6): p99 ≤ 50 ms. Embedded PGlite, both sandboxes, 2 000 counterparties.
// The load generator runs in the same process as the server, which makes the numbers conservative.
import http from 'node:http';
import { phoneKey } from '../src/phone/index.ts';
import { startTelephonyWorld } from '../test/contract/telephony-setup.ts';
import { percentile } from './lib/stats.ts';

const RATE = 200;
const WARMUP_MS = 2000;
const DURATION_MS = 10_000;

export default async function routingBench() {
  const w = await startTelephonyWorld(process.env.ROUTING_BENCH_DB === 'postgres' ? 'postgres' : 'pglite', { counterparties: 2000 });
  try {
    const path = `/api/v1/integrations/${w.integrationId}`;
    await w.api.req('POST', `${path}/employees/refresh`);
    const refreshed = await w.api.req('POST', `${path}/routing/refresh`);
    if (!refreshed.json.ok) throw new Error(`routing refresh: ${refreshed.text}`);
    const numbers = w.ms.control.admin
      .account('sandbox')
      .data.col('counterparty')
      .all()
      // Archived counterparties are not routed (not in the index): their callers are "unknown" ones.
      .filter((c) => !c['archived'])
      .map((c) => phoneKey(c['phone']))
      .filter((k): k is string => !!k);
    // One caller in ten is unknown (answered with returned_code after its first, cold, lookup).
    const unknown = Array.from({ length: 50 }, (_, i) => `7999${String(1000000 + i)}`);
    for (const n of unknown) await fetch(`${w.app.url}/hooks/uis/${w.secret}/routing?numa=${n}`).then((r) => r.text());

    const url = new URL(w.app.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const answers = { phones: 0, returned_code: 0, errors: 0 };
    const run = (ms: number, record: number[] | null) =>
      new Promise<void>((resolve) => {
        const start = performance.now();
        let sent = 0;
        let pending = 0;
        let stopped = false;
        const fire = () => {
          const due = start + (sent * 1000) / RATE;
          const numa = sent % 10 === 9 ? unknown[sent % unknown.length]! : numbers[(sent * 7919) % numbers.length]!;
          sent++;
          pending++;
          const req = http.get({ host: url.hostname, port: url.port, path: `/hooks/uis/${w.secret}/routing?numa=${numa}&numb=74950000001`, agent }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => {
              if (record) {
                record.push(performance.now() - due);
                if (process.env.BENCH_DEBUG && performance.now() - due > 50) process.stderr.write(`slow ${Math.round(due - start)} ${Math.round(performance.now() - due)} ${numa} ${body.slice(0, 60)}\n`);
                if (res.statusCode !== 200) answers.errors++;
                else if (body.includes('phones')) answers.phones++;
                else answers.returned_code++;
              }
              if (--pending === 0 && stopped) resolve();
            });
          });
          req.on('error', () => {
            answers.errors++;
            if (--pending === 0 && stopped) resolve();
          });
        };
        const tick = () => {
          const now = performance.now();
          while (start + (sent * 1000) / RATE <= now && now - start < ms) fire();
          if (now - start < ms) setTimeout(tick, 1);
          else {
            stopped = true;
            if (pending === 0) resolve();
          }
        };
        tick();
      });
    await run(WARMUP_MS, null);
    const latencies: number[] = [];
    await run(DURATION_MS, latencies);
    latencies.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      routing_rate_rps: RATE,
      routing_requests: latencies.length,
      routing_p50_ms: round(percentile(latencies, 0.5)),
      routing_p99_ms: round(percentile(latencies, 0.99)),
      routing_max_ms: round(latencies.at(-1) ?? 0),
      routing_answers_phones: answers.phones,
      routing_answers_returned_code: answers.returned_code,
      routing_errors: answers.errors,
      routing_index_entries: refreshed.json.entries,
    };
  } finally {
    await w.close();
  }
}

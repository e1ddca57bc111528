// Deals backfill of 100 000 orders from the MoySklad sandbox with realistic latency and the real
// limits (login/password: weight 4 → 11 requests per 3 s sliding window; ≤ 5 in flight), into
// embedded PGlite (BACKFILL_BENCH_DB=postgres for PostgreSQL). Reports wall time, the requests
// MoySklad saw, and the achieved request rate as a share of the rate-limit ceiling.
// Target (DESIGN §6): ≥ 90 % of the ceiling, full 1000-row pages, references fetched once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dealsModule, runBackfill } from '../src/deals/index.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { startSandboxProcess } from './lib/moysklad-sandbox-process.ts';

const ORDERS = Number(process.env.BACKFILL_BENCH_ORDERS ?? 100_000);
const LATENCY = { ms: 120, jitterMs: 60 };

export default async function backfillBench() {
  // MoySklad in a process of its own, as it is remote in production: its page building is not the
  // connector's CPU. The connector's embedded database in a file DATA_DIR, as `serve` keeps it.
  const sandbox = await startSandboxProcess({ seed: { orders: ORDERS, seed: 3 }, latencyMs: LATENCY });
  const dataDir = mkdtempSync(join(tmpdir(), 'usm-bench-backfill-'));
  const app = await startTestApp({ db: process.env.BACKFILL_BENCH_DB === 'postgres' ? 'postgres' : 'pglite', env: { MOYSKLAD_API_URL: sandbox.baseJsonUrl, LOG_LEVEL: 'warn', DATA_DIR: dataDir } });
  try {
    const ctx = app.ctx;
    const acc = sandbox.account;
    const accountId = (await ctx.accounts.list())[0]!.id;
    const cred = await ctx.credentials.create(accountId, { name: 'bench', kind: 'moysklad-basic', login: acc.login, secret: acc.password });
    // Inactive: the bench drives the backfill itself (no activation job racing it).
    const integration = await ctx.integrationsRepo.create(accountId, { kind: 'moysklad-deals', name: 'bench', active: false, credentialIds: { moysklad: cred.id }, settings: {} });
    const m = dealsModule(ctx);
    await m.deps.repo.startBackfill({ integrationId: integration.id, accountId });
    await sandbox.resetCounters();
    const t0 = performance.now();
    await runBackfill(m.deps, integration, Number.POSITIVE_INFINITY);
    const seconds = (performance.now() - t0) / 1000;
    const counters = await sandbox.counters(acc.name);
    const requests = Object.values(counters).reduce((s, c) => s + c.count, 0);
    const rejected = Object.values(counters).reduce((s, c) => s + (c.statuses['429'] ?? 0), 0);
    const live = await m.deps.repo.countLiveDeals(integration.id);
    if (live !== ORDERS) throw new Error(`backfill stored ${live} of ${ORDERS} orders`);
    // Ceiling for weight 4: floor(45 / 4) = 11 requests per 3 s.
    const ceilingPerSecond = Math.floor(45 / acc.weights.password) / 3;
    return {
      backfill_orders: ORDERS,
      backfill_100k_seconds: Math.round(seconds * 10) / 10,
      backfill_requests: requests,
      backfill_429: rejected,
      backfill_ratio_to_ceiling: Math.round((requests / seconds / ceilingPerSecond) * 1000) / 1000,
      backfill_latency_ms: LATENCY.ms,
    };
  } finally {
    await app.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// The database-backed MoySklad gate, on PGlite and PostgreSQL: two gate instances over one
// database stand for two worker processes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { RateLimitedError, type GateKey, type GateLane } from '../../src/moysklad/index.ts';
import { DbRateGate, GateBusyError, backoffOffsetMs, decideRate, takeParams, type RateGateLimitsInput, type RateState } from '../../src/moysklad/rate-gate/index.ts';
import { postgresSkip } from '../helpers/postgres.ts';
import { maxInWindow, okResponse, openShared, principal, sleep, type DbKind } from './rate-gate-helpers.ts';

const key = (p: string, lane: GateLane, api: GateKey['api'] = 'json', weight = 1): GateKey => ({ principal: p, api, lane, weight });

/** Runs `send` through the gate, sleeping until retryAt whenever the gate is busy (what a rescheduled job does). */
async function persist(gate: DbRateGate, k: GateKey, send: () => Promise<Response>, stopAt: number): Promise<boolean> {
  for (;;) {
    if (Date.now() > stopAt) return false;
    try {
      await gate.run(k, send);
      return true;
    } catch (err) {
      if (!(err instanceof GateBusyError)) throw err;
      await sleep(Math.max(1, err.retryAt.getTime() - Date.now()));
    }
  }
}

for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  describe(`rate gate on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let shared: Awaited<ReturnType<typeof openShared>>;
    const gates = (limits: RateGateLimitsInput) => [new DbRateGate(shared.a.db, { limits }), new DbRateGate(shared.b.db, { limits })] as const;

    before(async () => {
      shared = await openShared(kind);
    });
    after(async () => {
      await shared?.close();
    });

    test('the rate budget holds across two gate instances and is nearly all used', async () => {
      const limits: RateGateLimitsInput = { apis: { json: { units: 10, windowMs: 600, safetyMs: 15 } } };
      const [g1, g2] = gates(limits);
      const p = principal('budget');
      const sent: number[] = [];
      const send = async () => {
        sent.push(Date.now());
        return okResponse();
      };
      const started = Date.now();
      const stopAt = started + 1300;
      // 3 workers per "process", one per lane: each pulls until the time is up.
      const worker = async (g: DbRateGate, lane: GateLane) => {
        while (await persist(g, key(p, lane), send, stopAt));
      };
      await Promise.all((['live', 'log', 'backfill'] as const).flatMap((lane) => [worker(g1, lane), worker(g2, lane)]));
      const inWindow = maxInWindow(sent, 600);
      assert.ok(inWindow <= 10, `at most 10 in any 600 ms window, saw ${inWindow}`);
      // Depth 3 ⇒ a burst of 3, then the steady pace of 8 per 615 ms: ≈ 3 + 8·(1.3/0.615) ≈ 19.
      assert.ok(sent.length >= 16, `the budget is used, not wasted: ${sent.length} sent in 1.3 s`);
    });

    test('the SQL decides exactly as decideRate: modes, the switch to reserved, its lapse, back-off', async () => {
      const [g1] = gates({ apis: { json: { units: 10, windowMs: 600, safetyMs: 0 } }, reserveHoldMs: 250 });
      const row = { principal: principal('same'), api: 'json' as const };
      const params = { live: takeParams(g1.limits, 'json', 'live', 1), log: takeParams(g1.limits, 'json', 'log', 1), backfill: takeParams(g1.limits, 'json', 'backfill', 1) };
      let mirror: RateState = { tatMs: 0, reserveUntilMs: 0 };
      const seen = { granted: 0, refused: 0, reserved: 0, alone: 0 };
      for (let i = 0; i < 60; i++) {
        // Ten backfill takes, then a live or a log one; a pause longer than the hold halfway.
        const lane = i % 12 === 11 ? (i % 24 === 11 ? 'live' : 'log') : 'backfill';
        const r = await g1.store.take(row, { ...params[lane], leaseId: `l${i}`, leaseMs: 10_000 });
        const d = decideRate(mirror, r.nowMs, params[lane]);
        mirror = d.fits ? d.granted : d.refused;
        assert.equal(r.ok, d.fits, `step ${i} (${lane}): granted`);
        assert.ok(Math.abs(r.tatMs - mirror.tatMs) < 1e-6, `step ${i} (${lane}): TAT ${r.tatMs} vs ${mirror.tatMs}`);
        assert.equal(r.reserveUntilMs, mirror.reserveUntilMs, `step ${i} (${lane}): reserve`);
        seen[r.ok ? 'granted' : 'refused']++;
        seen[d.reserved ? 'reserved' : 'alone']++;
        await g1.store.release(row, `l${i}`);
        if (i === 30) {
          const b = await g1.store.backoff(row, 100, params.backfill);
          const offset = backoffOffsetMs(mirror.reserveUntilMs > b.nowMs ? params.backfill.reserved : params.backfill.alone);
          mirror = { ...mirror, tatMs: Math.max(mirror.tatMs, b.nowMs + 100 + offset) };
          assert.ok(Math.abs(b.tatMs - mirror.tatMs) < 1e-6, `back-off: TAT ${b.tatMs} vs ${mirror.tatMs}`);
        }
        await sleep(i % 12 === 4 ? 300 : 15);
      }
      assert.ok(Object.values(seen).every((n) => n > 3), `every branch was taken: ${JSON.stringify(seen)}`);
    });

    test('no more than 5 requests in flight across instances; backfill keeps 2 slots free', async () => {
      const limits: RateGateLimitsInput = { apis: { json: { units: 1000, windowMs: 1000 } }, liveMaxWaitMs: 5000 };
      const [g1, g2] = gates(limits);
      const p = principal('inflight');
      let now = 0;
      let peak = 0;
      const slow = async () => {
        now++;
        peak = Math.max(peak, now);
        await sleep(40);
        now--;
        return okResponse();
      };
      await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? g1 : g2).run(key(p, 'live'), slow)));
      assert.equal(peak, 5, 'live uses all five slots and never a sixth');

      peak = 0;
      const stopAt = Date.now() + 5000;
      await Promise.all(Array.from({ length: 9 }, (_, i) => persist(i % 2 ? g1 : g2, key(p, 'backfill'), slow, stopAt)));
      assert.equal(peak, 3, 'backfill stops at 5 − 2 in flight');
    });

    test('with a backfill saturating the budget, a pop-up card gets its token within one interval', async () => {
      const limits: RateGateLimitsInput = { apis: { json: { units: 10, windowMs: 1000, safetyMs: 20 } } };
      const [g1, g2] = gates(limits);
      const interval = takeParams(g1.limits, 'json', 'backfill', 1).reserved.incrementMs;
      const p = principal('lanes');
      let backfilled = 0;
      const stopAt = Date.now() + 1500;
      const send = async () => {
        backfilled++;
        return okResponse();
      };
      const backfill = (g: DbRateGate) => (async () => {
        while (await persist(g, key(p, 'backfill'), send, stopAt));
      })();
      const workers = [backfill(g1), backfill(g1), backfill(g2), backfill(g2)];
      await sleep(400); // the backfill has eaten the burst and runs at the steady pace
      const waits: Record<'live' | 'log', number[]> = { live: [], log: [] };
      for (let i = 0; i < 3; i++) {
        for (const lane of ['live', 'log'] as const) {
          const asked = Date.now();
          let sentAt = 0;
          // log never waits in-process: busy → retry at retryAt, as its job would.
          await persist(lane === 'live' ? g1 : g2, key(p, lane), async () => {
            sentAt = Date.now();
            return okResponse();
          }, stopAt + 1000);
          waits[lane].push(sentAt - asked);
        }
        await sleep(150);
      }
      await Promise.all(workers);
      // ≈ 1.5 s / 127 ms ≈ 12 tokens, 6 of them went to live and log.
      assert.ok(backfilled >= 4 && backfilled + 6 >= 10, `backfill kept running (${backfilled})`);
      const worstLive = Math.max(...waits.live);
      assert.ok(worstLive < interval, `live waited ${worstLive} ms (${waits.live.join(', ')}); one interval is ${interval.toFixed(0)} ms`);
      const worstLog = Math.max(...waits.log);
      assert.ok(worstLog < 2 * interval, `log waited ${worstLog} ms (${waits.log.join(', ')})`);
    });

    test('a lower lane is refused at once with a retry time; live waits briefly and then is refused too', async () => {
      const limits: RateGateLimitsInput = { apis: { json: { units: 6, windowMs: 1000, safetyMs: 0 } }, liveMaxWaitMs: 100 };
      const [g1] = gates(limits);
      const p = principal('busy');
      // Drain the bucket: live takes the whole depth (3), then waits 250 ms per token.
      for (let i = 0; i < 3; i++) await g1.run(key(p, 'live'), async () => okResponse());
      const t0 = Date.now();
      const err = await g1.run(key(p, 'backfill'), async () => okResponse()).catch((e: unknown) => e);
      assert.ok(err instanceof GateBusyError, String(err));
      assert.equal(err.reason, 'rate');
      assert.ok(Date.now() - t0 < 50, 'backfill is not parked');
      const ahead = err.retryAt.getTime() - Date.now();
      assert.ok(ahead > 400 && ahead <= 1000, `backfill retry in ${ahead} ms`);
      const t1 = Date.now();
      const liveErr = await g1.run(key(p, 'live'), async () => okResponse()).catch((e: unknown) => e);
      assert.ok(liveErr instanceof GateBusyError && liveErr.lane === 'live', String(liveErr));
      assert.ok(Date.now() - t1 < 90, 'live gives up at once when the wait would exceed its budget');
    });

    test('a 429 seen by one instance makes the other back off until X-Lognex-Retry-After', async () => {
      const [g1, g2] = gates({ liveMaxWaitMs: 100 });
      const p = principal('429');
      const rateLimited = new RateLimitedError({
        status: 429,
        method: 'GET',
        url: 'https://api.moysklad.ru/api/remap/1.2/entity/customerorder',
        errors: [{ error: 'Превышен лимит количества запросов', code: 1049 }],
        retryAfterMs: 600,
        retryAfterFromServer: true,
      });
      const t0 = Date.now();
      const err = await g1.run(key(p, 'log'), async () => {
        throw rateLimited;
      }).catch((e: unknown) => e);
      assert.ok(err instanceof GateBusyError, String(err));
      assert.equal(err.reason, 'rate-limited');
      assert.equal(err.cause, rateLimited);
      assert.ok(Math.abs(err.retryAt.getTime() - (t0 + 600)) < 100, 'retryAt = now + Retry-After');

      let sends = 0;
      const count = async () => {
        sends++;
        return okResponse();
      };
      const other = await g2.run(key(p, 'live'), count).catch((e: unknown) => e);
      assert.ok(other instanceof GateBusyError, 'the other instance does not send during the back-off');
      assert.ok(other.retryAt.getTime() >= t0 + 550, `its retryAt honours the back-off: ${other.retryAt.getTime() - t0} ms`);
      assert.equal(sends, 0);
      await sleep(Math.max(0, other.retryAt.getTime() - Date.now()) + 10);
      await g2.run(key(p, 'live'), count);
      assert.equal(sends, 1, 'after the back-off the other instance sends again');
      assert.ok(Date.now() - t0 >= 600);
    });

    test('leases of a crashed holder expire; a running request keeps its lease alive', async () => {
      const limits: RateGateLimitsInput = { apis: { json: { units: 1000, windowMs: 1000 } }, leaseMs: 300, liveMaxWaitMs: 50 };
      const [g1, g2] = gates(limits);
      const p = principal('lease');
      const row = { principal: p, api: 'json' as const };
      const params = takeParams(g1.limits, 'json', 'live', 1);
      // A process that took 5 slots and died: leases written, never released, never renewed.
      for (let i = 0; i < 5; i++) {
        const r = await g1.store.take(row, { ...params, leaseId: `crashed-${i}`, leaseMs: 300 });
        assert.ok(r.ok);
      }
      const blocked = await g2.run(key(p, 'live'), async () => okResponse()).catch((e: unknown) => e);
      assert.ok(blocked instanceof GateBusyError && blocked.reason === 'in-flight', String(blocked));
      await sleep(350);
      await g2.run(key(p, 'live'), async () => okResponse());
      const state = await g2.store.peek(row);
      assert.ok(state && Object.keys(state.leases).every((id) => !id.startsWith('crashed-')), 'expired leases are pruned');

      // Five slow requests (900 ms, three lease lifetimes) hold their slots the whole time.
      const slow = Array.from({ length: 5 }, () => g1.run(key(p, 'live'), () => sleep(900).then(okResponse)));
      await sleep(650);
      const during = await g2.run(key(p, 'live'), async () => okResponse()).catch((e: unknown) => e);
      assert.ok(during instanceof GateBusyError && during.reason === 'in-flight', 'renewed leases still count');
      await Promise.all(slow);
      await g2.run(key(p, 'live'), async () => okResponse());
      assert.deepEqual((await g2.store.peek(row))?.leases, {}, 'finished requests release their leases');
    });

    test('two principals are independent', async () => {
      const limits: RateGateLimitsInput = {
        apis: { json: { units: 6, windowMs: 1000, safetyMs: 0 }, phone: { units: 1000, windowMs: 1000 } },
        liveMaxWaitMs: 0,
      };
      const [g1, g2] = gates(limits);
      const noisy = principal('noisy');
      const quiet = principal('quiet');
      for (let i = 0; i < 3; i++) await g1.run(key(noisy, 'live'), async () => okResponse());
      assert.ok((await g1.run(key(noisy, 'live'), async () => okResponse()).catch((e: unknown) => e)) instanceof GateBusyError);
      // Noisy also holds all its slots.
      let release!: () => void;
      const hold = new Promise<void>((r) => (release = r));
      const slow: Promise<unknown>[] = [];
      for (let i = 0; i < 5; i++) {
        slow.push(g1.run(key(noisy, 'live', 'phone'), () => hold.then(okResponse)));
        await sleep(5);
      }
      await sleep(50);
      const full = await g1.run(key(noisy, 'live', 'phone'), async () => okResponse()).catch((e: unknown) => e);
      assert.ok(full instanceof GateBusyError && full.reason === 'in-flight', String(full));
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) await g2.run(key(quiet, 'live'), async () => okResponse());
      for (let i = 0; i < 5; i++) await g2.run(key(quiet, 'live', 'phone'), async () => okResponse());
      assert.ok(Date.now() - t0 < 500, 'the quiet principal never waited');
      release();
      await Promise.all(slow);
    });

    if (kind === 'postgres') {
      test('a locked row of one principal does not block another (no global lock)', async () => {
        const [, g2] = gates({});
        const noisy = principal('locked');
        const quiet = principal('free');
        await g2.run(key(noisy, 'live'), async () => okResponse());
        const url = shared.a.kind === 'postgres' ? shared.a.connectionString : '';
        const locker = new pg.Client({ connectionString: url });
        await locker.connect();
        try {
          await locker.query('begin');
          await locker.query('select * from moysklad_rate_gates where principal = $1 for update', [noisy]);
          const t0 = Date.now();
          await g2.run(key(quiet, 'live'), async () => okResponse());
          assert.ok(Date.now() - t0 < 500, 'quiet principal passes while noisy row is locked');
          const stuck = g2.run(key(noisy, 'live'), async () => okResponse());
          const raced = await Promise.race([stuck.then(() => 'sent'), sleep(200).then(() => 'waiting')]);
          assert.equal(raced, 'waiting', 'the locked principal itself waits for its row');
          await locker.query('commit');
          await stuck;
        } finally {
          await locker.end();
        }
      });
    }
  });
}

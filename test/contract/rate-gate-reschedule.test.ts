// A job whose MoySklad call finds the gate busy is sent again for retryAt and this attempt
// completes: no retry is spent, no worker waits (JobQueue + RescheduleError + rescheduleOnGateBusy).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { defineJob, JobQueue } from '../../src/queue/index.ts';
import { DbRateGate, rescheduleOnGateBusy } from '../../src/moysklad/rate-gate/index.ts';
import { postgresSkip } from '../helpers/postgres.ts';
import { okResponse, openShared, principal, sleep, type DbKind } from './rate-gate-helpers.ts';

for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  describe(`gate-busy jobs are rescheduled on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let shared: Awaited<ReturnType<typeof openShared>>;
    let queue: JobQueue;
    const runs: Array<{ n: number; at: number; retryCount: number; jobId: string; sent: boolean }> = [];
    let gate: DbRateGate;
    const p = principal('resched');

    before(async () => {
      shared = await openShared(kind);
      // 3 per 1.2 s: after one burst the next token is ~400 ms away.
      gate = new DbRateGate(shared.a.db, { limits: { apis: { json: { units: 3, windowMs: 1200, safetyMs: 0 } } } });
      queue = new JobQueue(shared.a, pino({ level: 'silent' }), { workerConcurrency: 1, maintenance: false });
      const job = defineJob<{ n: number }>({
        name: 'rate-gate-test',
        queue: { retryLimit: 0 },
        work: { pollingIntervalSeconds: 0.5 },
        handler: rescheduleOnGateBusy(async (data: { n: number }, ctx) => {
          const at = Date.now();
          let sent = false;
          try {
            await gate.run({ principal: p, api: 'json', lane: 'backfill', weight: 1 }, async () => {
              sent = true;
              return okResponse();
            });
          } finally {
            runs.push({ n: data.n, at, retryCount: ctx.retryCount, jobId: ctx.id, sent });
          }
        }),
      });
      await queue.start([job]);
      await queue.work();
    });
    after(async () => {
      await queue?.stop(2000);
      await shared?.close();
    });

    test('a busy gate reschedules the job at retryAt; it then completes without spending a retry', async () => {
      // Spend the budget so the job's first attempt finds no token.
      for (let i = 0; i < 3; i++) await gate.run({ principal: p, api: 'json', lane: 'live', weight: 1 }, async () => okResponse());
      const sentAt = Date.now();
      const id = await queue.send('rate-gate-test', { n: 7 });
      assert.ok(id);
      const deadline = Date.now() + 12_000;
      while (!runs.some((r) => r.sent) && Date.now() < deadline) await sleep(50);
      const first = runs[0];
      const done = runs.find((r) => r.sent);
      assert.ok(first && !first.sent, `first attempt found the gate busy: ${JSON.stringify(runs)}`);
      assert.ok(done, `a later attempt sent the request: ${JSON.stringify(runs)}`);
      assert.equal(done.n, 7, 'same job data');
      assert.notEqual(done.jobId, first.jobId, 'a new job was sent');
      assert.equal(done.retryCount, 0, 'no retry was spent (retryLimit is 0: a failure would have been final)');
      assert.ok(done.at - sentAt >= 300, 'it did not run again before the gate had a token');
      const original = await queue.boss.getJobById('rate-gate-test', first.jobId);
      assert.equal(original?.state, 'completed', 'the busy attempt completed rather than failed');
    });
  });
}

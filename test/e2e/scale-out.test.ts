// Scale-out on PostgreSQL: one `api` and two `worker` processes share the queue. 1 000 jobs are
// each done exactly once, and still all done after one worker is killed with SIGKILL mid-run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createThrowawayDatabase, postgresSkip } from '../helpers/postgres.ts';
import { freePort, httpOk, runCli, waitFor, type Proc } from '../helpers/process.ts';

const skip = await postgresSkip();

test('1 api + 2 workers on PostgreSQL: every job exactly once, even after kill -9 of a worker', { skip, timeout: 240_000 }, async () => {
  const db = await createThrowawayDatabase();
  const procs: Proc[] = [];
  try {
    const port = await freePort();
    const env = { DATABASE_URL: db.url, SECRET_KEY: 'ab'.repeat(32), PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: 'scale out admin 1', WORKER_CONCURRENCY: '4' };
    const migrate = runCli(['migrate'], env);
    assert.equal(await migrate.exited, 0, migrate.err());
    const api = runCli(['api'], env);
    procs.push(api);
    await waitFor('api ready', () => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000);
    const workerA = runCli(['worker'], env);
    const workerB = runCli(['worker'], env);
    procs.push(workerA, workerB);

    // The selftest process only sends and waits; the two workers do the jobs (5 ms of "work" each).
    const selftest = runCli(['selftest', '--jobs', '1000', '--timeout', '150', '--work-ms', '5'], env);
    procs.push(selftest);
    // Kill worker A once it has done some of the work.
    await waitFor('some progress', async () => {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const r = await c.query('select count(*)::int as n from selftest_effects').catch(() => ({ rows: [{ n: 0 }] }));
      await c.end();
      return r.rows[0].n >= 200;
    }, 90_000);
    workerA.child.kill('SIGKILL');

    assert.equal(await selftest.exited, 0, `selftest failed: ${selftest.out()} ${selftest.err()}`);
    const report = JSON.parse(selftest.out().trim().split('\n').pop()!);
    assert.equal(report.expected, 1000);
    assert.equal(report.done, 1000, 'every job has its effect, once (primary key per job)');
    assert.ok(Object.keys(report.byPid).length >= 2, `both workers took jobs: ${JSON.stringify(report.byPid)}`);
    assert.ok(!(String(api.child.pid) in report.byPid), 'the api process does no queue work');
  } finally {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await db.drop();
  }
});

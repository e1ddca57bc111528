// Which pg-boss statements the embedded database keeps prepared: single queries (its job fetch
// among them), never scripts of several statements or DDL, which must go through `exec`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSingleQuery } from '../../src/queue/pglite-prepared-exec.ts';

test('pg-boss on PGlite: one query is prepared, a script or DDL is executed as sent', () => {
  assert.equal(isSingleQuery(`\n      WITH next AS (SELECT j.id FROM pgboss.job_common j WHERE j.name = 'inbox.process' LIMIT 8 FOR UPDATE SKIP LOCKED)\n      UPDATE pgboss.job j SET state = 'active' FROM next WHERE j.id = next.id RETURNING j.*`), true);
  assert.equal(isSingleQuery('SELECT version();'), true, 'a trailing semicolon still makes one statement');
  assert.equal(isSingleQuery("update pgboss.version set cron_on = now()"), true);
  assert.equal(isSingleQuery("BEGIN; SET LOCAL lock_timeout = 30000; SELECT pgboss.create_queue('q', '{}'::jsonb); COMMIT;"), false, 'a locked() block');
  assert.equal(isSingleQuery('SELECT 1; SELECT 2'), false);
  assert.equal(isSingleQuery('CREATE SCHEMA IF NOT EXISTS pgboss'), false, 'DDL is not kept prepared');
  assert.equal(isSingleQuery('VACUUM pgboss.job_common'), false);
});

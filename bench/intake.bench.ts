// Intake: how fast UIS notifications are accepted with durable storage (inbox row + queue job in
// one transaction, committed before the 200), against a bare Fastify echo server in the same run.
// Both servers run in a child process of their own; the load generator runs in a third.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notificationTemplatesFor, renderLikeUis } from '../src/uis/index.ts';
import { runLoad } from './lib/run-load.ts';

const CONCURRENCY = 16;
const DURATION_MS = 8000;

function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve({ child, out: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out.slice(-2000)}`)));
  });
}

export default async function intakeBench() {
  const template = notificationTemplatesFor('http://x/hooks/uis/s').find((t) => t.eventKey === 'call-start')!;
  const body = renderLikeUis(template.bodyTemplate, {
    call_session_id: 123456789,
    notification_name: 'Входящий звонок',
    contact_phone_number: '79161234567',
    virtual_phone_number: '74951234567',
    start_time: '2026-11-29 12:00:00',
  });

  // 1. Bare Fastify echo: the ceiling for "receive a POST and answer 200" on this machine.
  const bare = await startChild([fileURLToPath(new URL('./lib/bare-fastify.ts', import.meta.url))], {}, /listening (\d+)/);
  const barePort = /listening (\d+)/.exec(bare.out())![1];
  const bareResult = await runLoad({ url: `http://127.0.0.1:${barePort}/hook`, body, contentType: 'application/json', concurrency: CONCURRENCY, durationMs: DURATION_MS });
  bare.child.kill();

  // 2. The connector (`serve`, embedded PGlite) with a telephony integration.
  const dataDir = mkdtempSync(join(tmpdir(), 'usm-bench-intake-'));
  const app = await startChild([fileURLToPath(new URL('./lib/app-with-integration.ts', import.meta.url))], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /HOOK (\S+)/);
  const hookBase = /HOOK (\S+)/.exec(app.out())![1]!;
  const ours = await runLoad({ url: `${hookBase}/call-start`, body, contentType: 'application/json', concurrency: CONCURRENCY, durationMs: DURATION_MS });
  app.child.kill('SIGTERM');

  return {
    intake_bare_fastify_rps: bareResult.rps,
    intake_rps: ours.rps,
    intake_rps_ratio_vs_bare_fastify: Math.round((ours.rps / bareResult.rps) * 1000) / 1000,
    intake_p50_ms: ours.p50_ms,
    intake_p99_ms: ours.p99_ms,
    intake_errors: ours.errors + Object.entries(ours.statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0),
  };
}

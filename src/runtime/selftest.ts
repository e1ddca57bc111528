// Queue self-test: send N jobs, let whatever workers are running do them, and check from the
// database that every job's effect happened exactly once. Used by operators after deploying
// several worker processes, and by the scale-out test.
import { randomUUID } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import { defineJob, type JobQueue } from '../queue/index.ts';

export const SELFTEST_JOB = 'selftest.echo';

export function selftestJob(db: Db) {
  return defineJob<{ runId: string; seq: number; workMs?: number }>({
    name: SELFTEST_JOB,
    queue: { retryLimit: 5, retryDelay: 1, retryBackoff: false, expireInSeconds: 30, heartbeatSeconds: 10 },
    handler: async ({ runId, seq, workMs }) => {
      if (workMs) await new Promise((r) => setTimeout(r, workMs));
      // The effect is idempotent: a redelivery after a crash finds the row and only counts itself.
      await db
        .insert(tables.selftestEffects)
        .values({ runId, seq, pid: process.pid })
        .onConflictDoUpdate({
          target: [tables.selftestEffects.runId, tables.selftestEffects.seq],
          set: { redeliveries: sql`${tables.selftestEffects.redeliveries} + 1` },
        });
    },
  });
}

export async function sendSelftestJobs(queue: JobQueue, n: number, workMs = 0): Promise<string> {
  const runId = randomUUID();
  // One send per job: jobs sent in one statement tie on created_on (stack notes §3.1).
  for (let seq = 0; seq < n; seq++) await queue.send(SELFTEST_JOB, { runId, seq, workMs });
  return runId;
}

export type SelftestReport = { runId: string; expected: number; done: number; redeliveries: number; byPid: Record<string, number> };

export async function selftestReport(db: Db, runId: string, expected: number): Promise<SelftestReport> {
  const rows = await db
    .select({ pid: tables.selftestEffects.pid, n: count(), redeliveries: sql<number>`sum(${tables.selftestEffects.redeliveries})::int` })
    .from(tables.selftestEffects)
    .where(eq(tables.selftestEffects.runId, runId))
    .groupBy(tables.selftestEffects.pid);
  const byPid = Object.fromEntries(rows.map((r) => [String(r.pid), r.n]));
  return {
    runId,
    expected,
    done: rows.reduce((a, r) => a + r.n, 0),
    redeliveries: rows.reduce((a, r) => a + (r.redeliveries ?? 0), 0),
    byPid,
  };
}

export async function waitForSelftest(db: Db, runId: string, expected: number, timeoutMs: number): Promise<SelftestReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await selftestReport(db, runId, expected);
    if (report.done >= expected || Date.now() > deadline) return report;
    await new Promise((r) => setTimeout(r, 250));
  }
}


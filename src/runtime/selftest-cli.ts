import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createContext } from './context.ts';
import { jobDefinitions } from './jobs.ts';
import { sendSelftestJobs, waitForSelftest } from './selftest.ts';

/** Sends N jobs for whatever workers run against this database and reports exactly-once. */
export async function runSelftestCli(config: Config, log: Logger, o: { jobs: number; timeoutSeconds: number; workMs: number }): Promise<number> {
  const ctx = await createContext(config, log, { maintenance: false });
  try {
    await ctx.queue.start(jobDefinitions(ctx));
    // Embedded mode has no separate workers: work here.
    if (ctx.database.kind === 'pglite') await ctx.queue.work();
    const runId = await sendSelftestJobs(ctx.queue, o.jobs, o.workMs);
    const report = await waitForSelftest(ctx.database.db, runId, o.jobs, o.timeoutSeconds * 1000);
    process.stdout.write(JSON.stringify(report) + '\n');
    return report.done === o.jobs ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

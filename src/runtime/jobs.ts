// Every job type the program knows. A worker process runs all of them; an api process only sends.
import { inboxProcessJob, inboxPurgeJob, INBOX_PURGE_JOB } from '../inbox/index.ts';
import type { JobDefinition } from '../queue/index.ts';
import { selftestJob } from './selftest.ts';
import type { AppContext } from './context.ts';
import { scheduleTelephonyJobs, telephonyJobs } from '../telephony/index.ts';
import { dealsJobDefinitions, scheduleDeals } from '../deals/index.ts';
import { callPipelineFor, SWEEP_CALLS_JOB } from '../telephony/calls/index.ts';
import { rulesJobs } from '../rules/index.ts';

export function jobDefinitions(ctx: AppContext): JobDefinition[] {
  return [
    inboxProcessJob(ctx.inboxWorker),
    inboxPurgeJob({ inbox: ctx.inbox, retentionDays: ctx.config.inboxRetentionDays, log: ctx.log }),
    selftestJob(ctx.database.db),
    ...telephonyJobs(ctx),
    ...dealsJobDefinitions(ctx),
    ...callPipelineFor(ctx).jobs,
    ...rulesJobs(ctx),
  ];
}

/** Recurring work, scheduled idempotently by every process (pg-boss keeps one schedule per name). */
export async function scheduleRecurring(ctx: AppContext): Promise<void> {
  await ctx.queue.schedule(INBOX_PURGE_JOB, '17 3 * * *');
  await scheduleTelephonyJobs(ctx);
  await scheduleDeals(ctx);
  await ctx.queue.schedule(SWEEP_CALLS_JOB, '* * * * *');
}

// A job type: its queue's policy and retry rules, how workers take it, and its handler.
// Modules define jobs next to their code and hand them to the registry in src/jobs.ts.
import type { Queue, WorkOptions } from 'pg-boss';

export type JobContext = { id: string; name: string; retryCount: number; signal: AbortSignal };

export type JobDefinition<T = any> = {
  name: string;
  /** Queue options (policy, retryLimit, retryBackoff, expireInSeconds …). A dead-letter queue `<name>.dead` is added. */
  queue?: Omit<Queue, 'name' | 'deadLetter'>;
  /** Worker options; localConcurrency defaults to WORKER_CONCURRENCY. */
  work?: Pick<WorkOptions, 'localConcurrency' | 'batchSize' | 'groupConcurrency' | 'pollingIntervalSeconds'>;
  /** Wake workers through LISTEN/NOTIFY the moment a job is sent (latency-critical queues). */
  notify?: boolean;
  handler: (data: T, ctx: JobContext) => Promise<unknown>;
};

/**
 * Polling interval for job types nobody waits on by the second: cron ticks, and jobs a send wakes
 * at once (`notify`), where the poll only picks up retries. Every poll is a statement; on the
 * embedded database one that arrives just before an intake transaction delays it (2 s for all
 * ~20 job types was ~10 polls a second).
 */
export const RARE_POLLING_INTERVAL_S = 10;

export const defineJob = <T>(def: JobDefinition<T>): JobDefinition<T> => def;

/** Retry defaults: exponential back-off with jitter, then the dead-letter queue. */
export const DEFAULT_QUEUE_OPTIONS = {
  retryLimit: 8,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 300,
} as const;

// The durable path of inbox processing: one job per stored item (see inbox-worker.ts for the
// exactly-once-in-effect rules). Latency-critical sources are usually processed in-process right
// after intake; their job then runs later as the fallback and finds the item settled.
import type { Logger } from 'pino';
import { defineJob, RARE_POLLING_INTERVAL_S } from '../queue/index.ts';
import type { InboxRepository } from './inbox-repository.ts';
import type { InboxWorker } from './inbox-worker.ts';

export const INBOX_PROCESS_JOB = 'inbox.process';

export function inboxProcessJob(worker: InboxWorker) {
  return defineJob<{ inboxId: number }>({
    name: INBOX_PROCESS_JOB,
    notify: true,
    handler: ({ inboxId }) => worker.process([inboxId]),
  });
}

export const INBOX_PURGE_JOB = 'inbox.purge';

export function inboxPurgeJob(deps: { inbox: InboxRepository; retentionDays: number; log: Logger }) {
  return defineJob<object>({
    name: INBOX_PURGE_JOB,
    queue: { retryLimit: 2 },
    work: { pollingIntervalSeconds: RARE_POLLING_INTERVAL_S },
    handler: async () => {
      const n = await deps.inbox.purgeOlderThan(deps.retentionDays);
      if (n > 0) deps.log.info({ purged: n, retentionDays: deps.retentionDays }, 'inbox retention');
    },
  });
}

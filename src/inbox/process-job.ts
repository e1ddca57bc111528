// The job that hands a stored inbox item to its source's processor, exactly once in effect:
// the item row is locked and settled in the same transaction as the processor's writes, so a
// redelivered job (crash, retry) finds it settled and does nothing.
import type { Logger } from 'pino';
import type { Db } from '../db/index.ts';
import { defineJob, type JobQueue } from '../queue/index.ts';
import type { InboxRepository } from './inbox-repository.ts';
import type { InboxProcessors } from './processors.ts';

export const INBOX_PROCESS_JOB = 'inbox.process';

export function inboxProcessJob(deps: {
  db: Db;
  inbox: InboxRepository;
  processors: InboxProcessors;
  queue: () => JobQueue;
  log: Logger;
}) {
  return defineJob<{ inboxId: number }>({
    name: INBOX_PROCESS_JOB,
    notify: true,
    handler: async ({ inboxId }) => {
      let afterCommit: (() => void) | undefined;
      await deps.db.transaction(async (tx) => {
        const item = await deps.inbox.claim(tx, inboxId);
        if (!item) return;
        const processor = deps.processors.get(item.source);
        if (!processor) {
          await deps.inbox.settle(tx, inboxId, 'failed', `no processor for source "${item.source}"`);
          return;
        }
        const outcome = await processor.process(item, { tx, queue: deps.queue() });
        if (outcome.status === 'unparseable') {
          deps.log.info({ inboxId, source: item.source, reason: outcome.reason }, 'inbox item unparseable');
          await deps.inbox.settle(tx, inboxId, 'unparseable', outcome.reason);
        } else {
          await deps.inbox.settle(tx, inboxId, 'processed');
          afterCommit = outcome.afterCommit;
        }
      });
      afterCommit?.();
    },
  });
}

export const INBOX_PURGE_JOB = 'inbox.purge';

export function inboxPurgeJob(deps: { inbox: InboxRepository; retentionDays: number; log: Logger }) {
  return defineJob<object>({
    name: INBOX_PURGE_JOB,
    queue: { retryLimit: 2 },
    handler: async () => {
      const n = await deps.inbox.purgeOlderThan(deps.retentionDays);
      if (n > 0) deps.log.info({ purged: n, retentionDays: deps.retentionDays }, 'inbox retention');
    },
  });
}

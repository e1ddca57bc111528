// Hands stored inbox items to their source's processor, exactly once in effect: the item rows are
// locked and settled in the same transaction as the processor's writes, so a redelivery (crash,
// retry, the job behind an in-process run) finds them settled and does nothing.
//
// A batch is one transaction with as few statements as possible (one claim, one settle), because
// on the embedded database every statement waits for the single connection. If any processor
// throws, the batch rolls back and each item is tried again on its own, so one bad item cannot
// hold up the others; an item whose processor keeps throwing stays 'received' for its job's retry.
import type { Logger } from 'pino';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRepository } from './inbox-repository.ts';
import type { InboxProcessors } from './processors.ts';

export type InboxWorkerDeps = { db: Db; inbox: InboxRepository; processors: InboxProcessors; queue: () => JobQueue; log: Logger };

export class InboxWorker {
  constructor(private readonly deps: InboxWorkerDeps) {}

  async process(ids: number[]): Promise<void> {
    try {
      await this.processBatch(ids);
    } catch (err) {
      if (ids.length === 1) throw err;
      let firstError: unknown;
      for (const id of ids) await this.processBatch([id]).catch((e: unknown) => (firstError ??= e));
      if (firstError) throw firstError;
    }
  }

  private async processBatch(ids: number[]): Promise<void> {
    const { db, inbox, processors, log } = this.deps;
    const afterCommit: Array<() => void> = [];
    await db.transaction(async (tx) => {
      const processed: number[] = [];
      for (const item of await inbox.claimMany(tx, ids)) {
        const processor = processors.get(item.source);
        if (!processor) {
          await inbox.settle(tx, item.id, 'failed', `no processor for source "${item.source}"`);
          continue;
        }
        const outcome = await processor.process(item, { tx, queue: this.deps.queue() });
        if (outcome.status === 'unparseable') {
          log.info({ inboxId: item.id, source: item.source, reason: outcome.reason }, 'inbox item unparseable');
          await inbox.settle(tx, item.id, 'unparseable', outcome.reason);
        } else {
          processed.push(item.id);
          if (outcome.afterCommit) afterCommit.push(outcome.afterCommit);
        }
      }
      await inbox.settleMany(tx, processed, 'processed');
    });
    for (const fn of afterCommit) {
      try {
        fn();
      } catch (err) {
        log.warn({ err }, 'after-commit hook failed');
      }
    }
  }
}

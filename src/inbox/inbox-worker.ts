// Hands stored inbox items to their source's processor, exactly once in effect: the item rows are
// locked and settled in the same transaction as the processor's writes, so a redelivery (crash,
// retry) finds them settled and does nothing.
//
// A batch is one transaction with as few statements as possible (one claim, one settle), because
// on the embedded database every statement waits for the single connection. If any processor
// throws, the batch rolls back and each item is tried again on its own, so one bad item cannot
// hold up the others; an item whose processor keeps throwing stays 'received' for its job's retry.
import type { Logger } from 'pino';
import type { Db, Tx } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRepository, InboxRow } from './inbox-repository.ts';
import type { InboxProcessors, ProcessOutcome } from './processors.ts';

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

  /**
   * Runs the processors of `rows` (locked, unsettled) inside `tx` and settles them there.
   * Returns the hooks to run once `tx` has committed. Throws what a processor throws.
   */
  async processRows(tx: Tx, rows: InboxRow[]): Promise<Array<() => void>> {
    const { processed, afterCommit } = await this.runProcessors(tx, rows);
    await this.deps.inbox.settleMany(tx, processed, 'processed');
    return afterCommit;
  }

  /**
   * Like processRows for rows that `tx` itself inserted already marked processed (intake's inline
   * path): only the items that turn out otherwise cost a statement, the usual case none. If a
   * processor throws, `tx` must roll back, taking the "processed" marks with it. `stored` is the
   * insert of those rows, still under way: batch processors (which need no ids) run meanwhile,
   * their statements queued behind it; anything that needs an id waits for it.
   */
  async processInserted(tx: Tx, rows: InboxRow[], stored: Promise<void>): Promise<Array<() => void>> {
    return (await this.runProcessors(tx, rows, stored)).afterCommit;
  }

  /** Settles every item that is not plainly processed; returns the processed ones' ids. */
  private async runProcessors(tx: Tx, rows: InboxRow[], stored?: Promise<void>): Promise<{ processed: number[]; afterCommit: Array<() => void> }> {
    const { inbox, processors, log } = this.deps;
    const afterCommit: Array<() => void> = [];
    const processed: number[] = [];
    // Items of a source that processes batches go to it together (order kept within the source).
    const outcomes = new Map<InboxRow, ProcessOutcome>();
    const bySource = new Map<string, InboxRow[]>();
    for (const item of rows) {
      const list = bySource.get(item.source);
      if (list) list.push(item);
      else bySource.set(item.source, [item]);
    }
    for (const [source, items] of bySource) {
      const processor = processors.get(source);
      if (!processor?.processMany) continue;
      const results = await processor.processMany(items, { tx, queue: this.deps.queue() });
      items.forEach((item, i) => outcomes.set(item, results[i]!));
    }
    await stored;
    for (const item of rows) {
      const processor = processors.get(item.source);
      if (!processor) {
        await inbox.settle(tx, item.id, 'failed', `no processor for source "${item.source}"`);
        continue;
      }
      const outcome = outcomes.get(item) ?? (await processor.process(item, { tx, queue: this.deps.queue() }));
      if (outcome.status === 'unparseable') {
        log.info({ inboxId: item.id, source: item.source, reason: outcome.reason }, 'inbox item unparseable');
        await inbox.settle(tx, item.id, 'unparseable', outcome.reason);
      } else {
        processed.push(item.id);
        if (outcome.afterCommit) afterCommit.push(outcome.afterCommit);
      }
    }
    return { processed, afterCommit };
  }

  runAfterCommit(hooks: Array<() => void>): void {
    for (const fn of hooks) {
      try {
        fn();
      } catch (err) {
        this.deps.log.warn({ err }, 'after-commit hook failed');
      }
    }
  }

  private async processBatch(ids: number[]): Promise<void> {
    const hooks = await this.deps.db.transaction(async (tx) => this.processRows(tx, await this.deps.inbox.claimMany(tx, ids)));
    this.runAfterCommit(hooks);
  }
}

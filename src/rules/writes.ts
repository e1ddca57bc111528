// What one evaluation has decided but not yet stored: ledger marks, activity entries, task rows, the
// lock release. Collected here and written in one statement (RulesStore.write) at the points where
// it matters — right after a MoySklad write, so a retry never repeats it, and at the end — instead
// of a statement per mark and per log line.
import type { ActivityLink } from '../activity/index.ts';
import type { Applied, BatchReads, RulesStore, WriteBatch } from './store.ts';

type Ids = { accountId: string; integrationId: string };
type Extra = Partial<Pick<WriteBatch, 'communication' | 'history' | 'openTasksOf'>>;

export class EvaluationWrites {
  private marks = new Map<string, Applied>();
  private activities: WriteBatch['activities'] = [];
  private addTasks: WriteBatch['addTasks'] = [];
  private closeTasks: number[] = [];
  private unlock: WriteBatch['unlock'];

  constructor(
    private readonly store: RulesStore,
    readonly ids: Ids,
    readonly commKey: string,
    /** The ledger as read at the start, kept current with every mark. */
    readonly applied: Map<string, Applied>,
  ) {}

  mark(action: string, status: Applied['status'], result: Record<string, unknown> = {}): void {
    this.applied.set(action, { status, result });
    this.marks.set(action, { status, result });
  }

  activity(kind: string, message: string, links: ActivityLink[] = []): void {
    this.activities.push({ ...this.ids, kind, message, links, communicationRef: this.commKey });
  }

  addTask(t: Omit<WriteBatch['addTasks'][number], 'accountId' | 'integrationId' | 'commKey'>): void {
    this.addTasks.push({ ...this.ids, commKey: this.commKey, ...t });
  }

  closeTask(id: number): void {
    this.closeTasks.push(id);
  }

  releaseLock(u: NonNullable<WriteBatch['unlock']>): void {
    this.unlock = u;
  }

  get pending(): boolean {
    return this.marks.size > 0 || this.activities.length > 0 || this.addTasks.length > 0 || this.closeTasks.length > 0 || this.unlock !== undefined;
  }

  /** Stores everything pending (and whatever `extra` adds or reads) in one statement; none when there is nothing. */
  async flush(extra: Extra = {}): Promise<BatchReads> {
    if (!this.pending && !extra.communication && !extra.history && !extra.openTasksOf) return {};
    const batch: WriteBatch = {
      ...this.ids,
      commKey: this.commKey,
      marks: [...this.marks],
      activities: this.activities,
      addTasks: this.addTasks,
      closeTasks: this.closeTasks,
      ...(this.unlock ? { unlock: this.unlock } : {}),
      ...extra,
    };
    this.marks = new Map();
    this.activities = [];
    this.addTasks = [];
    this.closeTasks = [];
    this.unlock = undefined;
    return this.store.write(batch);
  }
}

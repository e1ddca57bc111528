// Inbox processor for UIS notifications: parse, merge into the call session (row locked), and when
// the session changed, kick the reconciler in this process right after the commit (the pop-up fast
// path). No job per event: the session row itself records that MoySklad is behind (its version is
// ahead of what was reconciled), and the sweeper job hands such calls to the queue if a kick was
// lost (crash between commit and reconcile). Nor a rules job: the write that changes a finished
// call marks its rules due in the same row (RulesOutbox queues them off the pop-up path).
import { parseNotification, DEFAULT_UIS_TIME_ZONE } from '../../uis/index.ts';
import type { Tx } from '../../db/index.ts';
import type { InboxProcessor, InboxRow, ProcessOutcome } from '../../inbox/index.ts';
import type { JobQueue } from '../../queue/index.ts';
import type { UisCallEvent } from '../../uis/index.ts';
import type { AppliedEvent, CallStore } from './call-store.ts';
import { RECONCILE_CALL_JOB, reconcileKey } from './jobs.ts';

/** Events under /hooks/uis/<secret>/ that are not call notifications (other modules' intake). */
const NOT_CALL_EVENTS = /^(routing|chats?)([._/-].*)?$/i;

export interface UisCallsProcessorDeps {
  store: CallStore;
  /** Reconcile now, in this process (after commit); errors are the kicker's business. */
  kick?: (integrationId: string, callSessionId: string) => void;
  /**
   * A committed write made a call's rules due (the session row carries the mark, see
   * RulesOutbox): dispatch them in this process once due.
   */
  rulesDue?: () => void;
  timeZone?: string;
}

export function uisCallsProcessor(deps: UisCallsProcessorDeps): InboxProcessor {
  /** A notification as a session event, or the outcome that settles it without one. */
  const parse = (item: InboxRow): { ids: { accountId: string; integrationId: string }; event: UisCallEvent } | ProcessOutcome => {
    if (item.event && NOT_CALL_EVENTS.test(item.event)) return { status: 'processed' };
    if (!item.integrationId || !item.accountId) return { status: 'unparseable', reason: 'no integration for this notification' };
    const parsed = parseNotification({
      eventKey: item.event,
      contentType: item.contentType,
      rawBody: item.body,
      query: item.query,
      timeZone: deps.timeZone ?? DEFAULT_UIS_TIME_ZONE,
    });
    if (!parsed.ok) return { status: 'unparseable', reason: parsed.reason };
    return { ids: { accountId: item.accountId, integrationId: item.integrationId }, event: parsed.event };
  };

  /**
   * What follows a merged event, after commit: the hint, the reconciler's kick, and the rules
   * outbox's timer when the call is over (the write itself marked its rules due).
   */
  const follow = async (ids: { accountId: string; integrationId: string }, callSessionId: string, r: AppliedEvent, { tx, queue }: { tx: Tx; queue: JobQueue }): Promise<ProcessOutcome> => {
    if (!r.wrote) return { status: 'processed' };
    const rulesDue = r.changed && r.finished ? deps.rulesDue : undefined;
    const remember = () => {
      deps.store.remember(ids, r);
      rulesDue?.();
    };
    if (!r.changed) return { status: 'processed', afterCommit: remember };
    const kick = deps.kick;
    if (kick) {
      return {
        status: 'processed',
        afterCommit: () => {
          remember();
          kick(ids.integrationId, callSessionId);
        },
      };
    }
    await queue.send(RECONCILE_CALL_JOB, { integrationId: ids.integrationId, callSessionId }, { singletonKey: reconcileKey(ids.integrationId, callSessionId) }, tx);
    return { status: 'processed', afterCommit: remember };
  };

  return {
    source: 'uis',
    inline: true,
    async process(item, ctx) {
      return (await this.processMany!([item], ctx))[0]!;
    },
    // One statement for the sessions of the whole batch (see CallStore.applyEvents).
    async processMany(items, ctx) {
      const outcomes: ProcessOutcome[] = new Array(items.length);
      const merges: Array<{ at: number; ids: { accountId: string; integrationId: string }; event: UisCallEvent }> = [];
      for (const [at, item] of items.entries()) {
        const p = parse(item);
        if ('status' in p) outcomes[at] = p;
        else merges.push({ at, ...p });
      }
      const applied = await deps.store.applyEvents(ctx.tx, merges);
      for (const [k, m] of merges.entries()) outcomes[m.at] = await follow(m.ids, m.event.callSessionId, applied[k]!, ctx);
      return outcomes;
    },
  };
}

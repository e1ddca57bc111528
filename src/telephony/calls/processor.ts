// Inbox processor for UIS notifications: parse, merge into the call session (row locked), and when
// the session changed, kick the reconciler in this process right after the commit (the pop-up fast
// path). No job per event: the session row itself records that MoySklad is behind (its version is
// ahead of what was reconciled), and the sweeper job hands such calls to the queue if a kick was
// lost (crash between commit and reconcile).
import { parseNotification, DEFAULT_UIS_TIME_ZONE } from '../../uis/index.ts';
import type { Tx } from '../../db/index.ts';
import type { InboxProcessor, InboxRow, ProcessOutcome } from '../../inbox/index.ts';
import type { JobQueue } from '../../queue/index.ts';
import type { UisCallEvent } from '../../uis/index.ts';
import type { AppliedEvent, CallStore } from './call-store.ts';
import { RECONCILE_CALL_JOB, reconcileKey } from './jobs.ts';
import { EVALUATE_DELAY_MS, scheduleRulesEvaluations, type RulesTrigger } from '../../rules/index.ts';

/** Events under /hooks/uis/<secret>/ that are not call notifications (other modules' intake). */
const NOT_CALL_EVENTS = /^(routing|chats?)([._/-].*)?$/i;

export interface UisCallsProcessorDeps {
  store: CallStore;
  /** Reconcile now, in this process (after commit); errors are the kicker's business. */
  kick?: (integrationId: string, callSessionId: string) => void;
  timeZone?: string;
}

/**
 * A rules evaluation sent by this process that cannot have started yet sees any later change of
 * the call (it reads the session when it runs), so a second one is not sent: the hang-up and the
 * recording usually arrive within its delay. Kept per call until shortly before that job may start.
 */
const STILL_QUEUED_MARGIN_MS = 500;

export function uisCallsProcessor(deps: UisCallsProcessorDeps): InboxProcessor {
  const rulesQueuedUntil = new Map<string, number>();
  const forgetStarted = (now: number) => {
    for (const [k, until] of rulesQueuedUntil) if (until <= now) rulesQueuedUntil.delete(k);
  };

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
   * What follows a merged event: a rules evaluation when the call just ended (returned for the
   * caller to send with the others of its batch), and after commit the hint plus the reconciler's kick.
   */
  const follow = async (
    ids: { accountId: string; integrationId: string },
    callSessionId: string,
    r: AppliedEvent,
    { tx, queue }: { tx: Tx; queue: JobQueue },
    rulesInBatch: Set<string>,
  ): Promise<{ outcome: ProcessOutcome; rules?: RulesTrigger }> => {
    if (!r.wrote) return { outcome: { status: 'processed' } };
    const rulesKey = `${ids.integrationId}:${callSessionId}`;
    let rulesSentUntil: number | undefined;
    let rules: RulesTrigger | undefined;
    // Rules act on what a call came to (outcome, talk time, recordings): nothing to evaluate before it ends.
    if (r.changed && r.finished && !rulesInBatch.has(rulesKey) && !((rulesQueuedUntil.get(rulesKey) ?? 0) > Date.now())) {
      rules = { ...ids, channel: 'call', ref: callSessionId };
      rulesSentUntil = Date.now() + EVALUATE_DELAY_MS - STILL_QUEUED_MARGIN_MS;
      rulesInBatch.add(rulesKey);
    }
    const remember = () => {
      deps.store.remember(ids, r);
      // Only a committed job counts as queued.
      if (rulesSentUntil !== undefined) {
        if (rulesQueuedUntil.size > 10_000) forgetStarted(Date.now());
        rulesQueuedUntil.set(rulesKey, rulesSentUntil);
      }
    };
    if (!r.changed) return { outcome: { status: 'processed', afterCommit: remember }, ...(rules && { rules }) };
    const kick = deps.kick;
    if (kick) {
      const afterCommit = () => {
        remember();
        kick(ids.integrationId, callSessionId);
      };
      return { outcome: { status: 'processed', afterCommit }, ...(rules && { rules }) };
    }
    await queue.send(RECONCILE_CALL_JOB, { integrationId: ids.integrationId, callSessionId }, { singletonKey: reconcileKey(ids.integrationId, callSessionId) }, tx);
    return { outcome: { status: 'processed', afterCommit: remember }, ...(rules && { rules }) };
  };

  return {
    source: 'uis',
    inline: true,
    async process(item, ctx) {
      return (await this.processMany!([item], ctx))[0]!;
    },
    // One statement for the sessions of the whole batch, one for its rules jobs (see CallStore.applyEvents).
    async processMany(items, ctx) {
      const outcomes: ProcessOutcome[] = new Array(items.length);
      const merges: Array<{ at: number; ids: { accountId: string; integrationId: string }; event: UisCallEvent }> = [];
      for (const [at, item] of items.entries()) {
        const p = parse(item);
        if ('status' in p) outcomes[at] = p;
        else merges.push({ at, ...p });
      }
      const applied = await deps.store.applyEvents(ctx.tx, merges);
      const rules: RulesTrigger[] = [];
      const rulesInBatch = new Set<string>();
      for (const [k, m] of merges.entries()) {
        const f = await follow(m.ids, m.event.callSessionId, applied[k]!, ctx, rulesInBatch);
        outcomes[m.at] = f.outcome;
        if (f.rules) rules.push(f.rules);
      }
      await scheduleRulesEvaluations(ctx.tx, ctx.queue, rules);
      return outcomes;
    },
  };
}

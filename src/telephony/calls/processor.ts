// Inbox processor for UIS notifications: parse, merge into the call session (row locked), and when
// the session changed, kick the reconciler in this process right after the commit (the pop-up fast
// path). No job per event: the session row itself records that MoySklad is behind (its version is
// ahead of what was reconciled), and the sweeper job hands such calls to the queue if a kick was
// lost (crash between commit and reconcile).
import { parseNotification, DEFAULT_UIS_TIME_ZONE } from '../../uis/index.ts';
import type { InboxProcessor } from '../../inbox/index.ts';
import type { CallStore } from './call-store.ts';
import { RECONCILE_CALL_JOB, reconcileKey } from './jobs.ts';
import { EVALUATE_DELAY_MS, scheduleRulesEvaluation } from '../../rules/index.ts';

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
  return {
    source: 'uis',
    inline: true,
    async process(item, { tx, queue }) {
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
      const ids = { accountId: item.accountId, integrationId: item.integrationId };
      const r = await deps.store.applyEvent(tx, ids, parsed.event);
      if (!r.wrote) return { status: 'processed' };
      const callSessionId = parsed.event.callSessionId;
      const rulesKey = `${item.integrationId}:${callSessionId}`;
      let rulesSentUntil: number | undefined;
      // Rules act on what a call came to (outcome, talk time, recordings): nothing to evaluate before it ends.
      if (r.changed && r.finished && !((rulesQueuedUntil.get(rulesKey) ?? 0) > Date.now())) {
        await scheduleRulesEvaluation(tx, queue, { ...ids, channel: 'call', ref: callSessionId });
        rulesSentUntil = Date.now() + EVALUATE_DELAY_MS - STILL_QUEUED_MARGIN_MS;
      }
      const remember = () => {
        deps.store.remember(ids, r);
        // Only a committed job counts as queued.
        if (rulesSentUntil !== undefined) {
          if (rulesQueuedUntil.size > 10_000) forgetStarted(Date.now());
          rulesQueuedUntil.set(rulesKey, rulesSentUntil);
        }
      };
      if (!r.changed) return { status: 'processed', afterCommit: remember };
      const integrationId = item.integrationId;
      const kick = deps.kick;
      if (kick) {
        return {
          status: 'processed',
          afterCommit: () => {
            remember();
            kick(integrationId, callSessionId);
          },
        };
      }
      await queue.send(RECONCILE_CALL_JOB, { integrationId, callSessionId }, { singletonKey: reconcileKey(integrationId, callSessionId) }, tx);
      return { status: 'processed', afterCommit: remember };
    },
  };
}

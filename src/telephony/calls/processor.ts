// Inbox processor for UIS notifications: parse, merge into the call session (row locked), and when
// the session changed, kick the reconciler in this process right after the commit (the pop-up fast
// path). No job per event: the session row itself records that MoySklad is behind (its version is
// ahead of what was reconciled), and the sweeper job hands such calls to the queue if a kick was
// lost (crash between commit and reconcile).
import { parseNotification, DEFAULT_UIS_TIME_ZONE } from '../../uis/index.ts';
import type { InboxProcessor } from '../../inbox/index.ts';
import type { CallStore } from './call-store.ts';
import { RECONCILE_CALL_JOB, reconcileKey } from './jobs.ts';
import { scheduleRulesEvaluation } from '../../rules/index.ts';

/** Events under /hooks/uis/<secret>/ that are not call notifications (other modules' intake). */
const NOT_CALL_EVENTS = /^(routing|chats?)([._/-].*)?$/i;

export interface UisCallsProcessorDeps {
  store: CallStore;
  /** Reconcile now, in this process (after commit); errors are the kicker's business. */
  kick?: (integrationId: string, callSessionId: string) => void;
  timeZone?: string;
}

export function uisCallsProcessor(deps: UisCallsProcessorDeps): InboxProcessor {
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
      const remember = () => deps.store.remember(ids, r);
      if (!r.changed) return { status: 'processed', afterCommit: remember };
      const callSessionId = parsed.event.callSessionId;
      // Rules act on what a call came to (outcome, talk time, recordings): nothing to evaluate before it ends.
      if (r.finished) await scheduleRulesEvaluation(tx, queue, { ...ids, channel: 'call', ref: callSessionId });
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

// Inbox processor for UIS notifications: parse, merge into the call session (row locked), and when
// the session changed, enqueue one reconcile job in the same transaction. When the intake runs us
// inline (the pop-up fast path), the reconciler is also kicked right after the commit; the job then
// stays as the durable fallback a few seconds later and usually finds nothing left to do.
import { parseNotification, DEFAULT_UIS_TIME_ZONE } from '../../uis/index.ts';
import type { InboxProcessor } from '../../inbox/index.ts';
import type { CallStore } from './call-store.ts';
import { RECONCILE_CALL_JOB, reconcileKey } from './jobs.ts';
import { scheduleRulesEvaluation } from '../../rules/index.ts';

/** Events under /hooks/uis/<secret>/ that are not call notifications (other modules' intake). */
const NOT_CALL_EVENTS = /^(routing|chats?)([._/-].*)?$/i;
/** How long the fallback job waits behind an inline kick. */
export const FALLBACK_DELAY_MS = 10_000;

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
    async process(item, { tx, queue, inline }) {
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
      if (!r.changed) return { status: 'processed' };
      const callSessionId = parsed.event.callSessionId;
      await scheduleRulesEvaluation(tx, queue, { ...ids, channel: 'call', ref: callSessionId });
      const fast = inline === true && deps.kick !== undefined;
      await queue.send(
        RECONCILE_CALL_JOB,
        { integrationId: item.integrationId, callSessionId },
        { singletonKey: reconcileKey(item.integrationId, callSessionId), ...(fast && { startAfter: new Date(Date.now() + FALLBACK_DELAY_MS) }) },
        tx,
      );
      if (!fast) return { status: 'processed' };
      const kick = deps.kick!;
      const integrationId = item.integrationId;
      return { status: 'processed', afterCommit: () => kick(integrationId, callSessionId) };
    },
  };
}

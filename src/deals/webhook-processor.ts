// MoySklad webhooks for a deals integration. The intake has already stored the delivery and
// answered 200 (well under MoySklad's 1500 ms); here, inside the inbox item's transaction and
// without any network call, we drop repeats by requestId, mark deletions at once, and queue the
// other objects for one batched follow-up read.
import type { InboxProcessor } from '../inbox/index.ts';
import { parseMoscowTime, parseWebhookDelivery } from '../moysklad/index.ts';
import type { DealsDeps } from './deps.ts';
import { DEALS_FETCH_JOB } from './follow-up.ts';

export const MOYSKLAD_WEBHOOK_SOURCE = 'moysklad-webhook';
export const WATCHED_ENTITIES = ['customerorder', 'counterparty'] as const;

export function dealsWebhookProcessor(deps: DealsDeps): InboxProcessor {
  return {
    source: MOYSKLAD_WEBHOOK_SOURCE,
    async process(item, { tx, queue }) {
      const parsed = parseWebhookDelivery({ query: item.query ?? undefined, body: item.body });
      if (!parsed.ok) return { status: 'unparseable', reason: parsed.reason };
      if (!item.integrationId || !item.accountId) return { status: 'unparseable', reason: 'delivery is not tied to an integration' };
      const s = { integrationId: item.integrationId, accountId: item.accountId };
      const delivery = parsed.value;
      if (!(await deps.repo.takeReceipt(s.integrationId, delivery.requestId, tx))) return { status: 'processed' }; // a MoySklad retry
      const sync = await deps.repo.getSync(s.integrationId, tx);
      if (!sync) return { status: 'processed' }; // not a deals integration (or never activated)
      const at = (delivery.audit.moment && parseMoscowTime(delivery.audit.moment)) || item.receivedAt;
      await deps.repo.updateSync(s.integrationId, { lastWebhookAt: item.receivedAt }, tx);
      const pending: Array<{ entityType: string; entityId: string; eventAt: Date }> = [];
      const deleted: Record<string, string[]> = { customerorder: [], counterparty: [] };
      for (const e of delivery.events) {
        if (!(WATCHED_ENTITIES as readonly string[]).includes(e.entityType)) continue;
        if (e.action === 'DELETE') deleted[e.entityType]!.push(e.entityId);
        else pending.push({ entityType: e.entityType, entityId: e.entityId, eventAt: at });
      }
      for (const [type, ids] of Object.entries(deleted)) {
        if (!ids.length) continue;
        await deps.repo.removePending(s.integrationId, type, ids, tx);
        if (type === 'customerorder') await deps.repo.markDealsDeleted(s, ids, at, tx);
        else await deps.repo.markContactsDeleted(s, ids, tx);
      }
      const stillPending = pending.filter((p) => !deleted[p.entityType]!.includes(p.entityId));
      if (stillPending.length) {
        await deps.repo.addPending(s, stillPending, tx);
        await queue.send(DEALS_FETCH_JOB, { integrationId: s.integrationId }, { singletonKey: s.integrationId }, tx);
      }
      return { status: 'processed' };
    },
  };
}

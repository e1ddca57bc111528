// Inbox processor for the MoySklad counterparty webhooks of a telephony integration: turns a
// delivery into one routing-update job (refetch the changed counterparties, drop deleted ones).
import type { InboxProcessor } from '../../inbox/index.ts';
import { parseWebhookDelivery } from '../../moysklad/index.ts';

export const COUNTERPARTY_WEBHOOK_SOURCE = 'moysklad-telephony-webhook';
export const ROUTING_UPDATE_JOB = 'telephony.routing-update';

export function counterpartyWebhookProcessor(): InboxProcessor {
  return {
    source: COUNTERPARTY_WEBHOOK_SOURCE,
    async process(item, { tx, queue }) {
      if (!item.integrationId) return { status: 'unparseable', reason: 'no integration' };
      const parsed = parseWebhookDelivery({ query: item.query ?? undefined, body: item.body });
      if (!parsed.ok) return { status: 'unparseable', reason: parsed.reason };
      const changed = new Set<string>();
      const deleted = new Set<string>();
      for (const e of parsed.value.events) {
        if (e.entityType !== 'counterparty') continue;
        (e.action === 'DELETE' ? deleted : changed).add(e.entityId);
      }
      if (changed.size || deleted.size) {
        await queue.send(ROUTING_UPDATE_JOB, { integrationId: item.integrationId, accountId: item.accountId, changed: [...changed], deleted: [...deleted] }, {}, tx);
      }
      return { status: 'processed' };
    },
  };
}

// MoySklad JSON API webhooks on counterparty create/update/delete, pointed at our telephony
// webhook URL, so a reassigned client never rings the old manager.
import type { IntegrationRow } from '../../integrations/index.ts';
import type { JsonApiClient, WebhookAction } from '../../moysklad/index.ts';

const ACTIONS: WebhookAction[] = ['CREATE', 'UPDATE', 'DELETE'];

export const counterpartyWebhookUrl = (publicUrl: string, secret: string) => `${publicUrl}/hooks/moysklad/${secret}/counterparty`;

/** Creates the missing webhooks and removes ours that point at an old (rotated) secret. Returns their ids. */
export async function ensureCounterpartyWebhooks(json: JsonApiClient, publicUrl: string, row: IntegrationRow): Promise<string[]> {
  const url = counterpartyWebhookUrl(publicUrl, row.hookSecret);
  const existing = await json.listWebhooks({ lane: 'backfill' });
  const ours = existing.filter((w) => w.entityType === 'counterparty' && w.url === url);
  for (const stale of existing.filter((w) => w.entityType === 'counterparty' && w.url !== url && w.url.startsWith(`${publicUrl}/hooks/moysklad/`) && w.url.endsWith('/counterparty'))) {
    await json.deleteWebhook(stale.id!, { lane: 'backfill' }).catch(() => {});
  }
  const ids: string[] = [];
  for (const action of ACTIONS) {
    const have = ours.find((w) => w.action === action);
    if (have) {
      if (have.enabled === false) await json.updateWebhook(have.id!, { enabled: true }, { lane: 'backfill' });
      ids.push(have.id!);
    } else {
      ids.push((await json.createWebhook({ url, action, entityType: 'counterparty' }, { lane: 'backfill' })).id!);
    }
  }
  return ids;
}

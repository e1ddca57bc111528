// What the cabinet shows about a deals integration: backfill progress (done / total, rate, ETA),
// when the last webhook arrived and the newest deal, so a user can create a test order in
// MoySklad and see it arrive.
import type { IntegrationRow } from '../integrations/index.ts';
import type { DealsDeps } from './deps.ts';
import type { DealsQueries } from './deals-queries.ts';

const PHASE_TITLES: Record<string, string> = {
  refs: 'Загрузка справочников и воронки',
  counterparties: 'Загрузка контрагентов',
  persons: 'Загрузка контактных лиц',
  orders: 'Загрузка сделок',
  live: 'Сделки передаются',
  failed: 'Ошибка',
};

const BASIC_NOTICE =
  'Подключение по логину и паролю: МойСклад учитывает такие запросы с повышенным весом (до 4 единиц, ~11 запросов за 3 секунды), ' +
  'поэтому загрузка идет медленнее. Рекомендуем подключиться по токену.';

export async function syncStatus(deps: DealsDeps, queries: DealsQueries, integration: IntegrationRow) {
  const sync = await deps.repo.getSync(integration.id);
  const credentialId = integration.credentialIds['moysklad'];
  const cred = credentialId ? await deps.credentials.get(integration.accountId, credentialId) : undefined;
  const phase = sync?.phase ?? 'not_started';
  const current = sync?.progress[phase === 'counterparties' ? 'counterparty' : phase === 'orders' ? 'customerorder' : phase] ?? sync?.progress['customerorder'];
  const elapsedS = sync?.startedAt ? ((sync.finishedAt ?? new Date()).getTime() - sync.startedAt.getTime()) / 1000 : 0;
  const ordersDone = sync?.progress['customerorder']?.done ?? 0;
  const ordersTotal = sync?.progress['customerorder']?.total;
  const rate = elapsedS > 0 ? ordersDone / elapsedS : 0;
  const remaining = ordersTotal !== undefined ? Math.max(0, ordersTotal - ordersDone) : undefined;
  return {
    integrationId: integration.id,
    name: integration.name,
    active: integration.active,
    status: integration.status,
    statusReason: integration.statusReason,
    phase,
    phaseTitle: PHASE_TITLES[phase] ?? 'Не запущено',
    progress: {
      done: current?.done ?? 0,
      total: current?.total ?? null,
      orders: { done: ordersDone, total: ordersTotal ?? null },
      /** Orders per second since the backfill started. */
      rate: Math.round(rate * 10) / 10,
      etaSeconds: phase === 'live' ? 0 : remaining !== undefined && rate > 0 ? Math.round(remaining / rate) : null,
    },
    requests: sync?.requests ?? 0,
    startedAt: sync?.startedAt?.toISOString() ?? null,
    finishedAt: sync?.finishedAt?.toISOString() ?? null,
    lastWebhookAt: sync?.lastWebhookAt?.toISOString() ?? null,
    lastReconciledAt: sync?.lastReconciledAt?.toISOString() ?? null,
    webhooks: Object.keys(sync?.webhooks ?? {}).sort(),
    newestDeal: await queries.newestDeal(integration.accountId, integration.id),
    error: sync?.error ?? null,
    authKind: cred?.kind === 'moysklad-basic' ? 'basic' : cred ? 'token' : null,
    notice: cred?.kind === 'moysklad-basic' ? BASIC_NOTICE : null,
    checkHint: 'Для проверки создайте тестовую сделку (заказ покупателя) в МойСклад: она появится здесь в течение нескольких секунд.',
  };
}

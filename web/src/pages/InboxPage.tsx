// Сырые данные → Входящие: every callback we received, newest first, including the ones we could
// not understand (with the reason), each expandable to its raw body.
import { useState } from 'react';
import { get } from '../api/client.ts';
import type { InboxItem, InboxPage as Page, InboxStatus, Integration } from '../api/types.ts';
import { Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatMoment } from '../format.ts';
import { INBOX_SOURCES, INBOX_STATUSES } from '../labels.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

const FILTERS: { value: InboxStatus | ''; label: string }[] = [
  { value: '', label: 'Все' },
  { value: 'unparseable', label: 'Не распознано' },
  { value: 'failed', label: 'Ошибки' },
  { value: 'received', label: 'В очереди' },
  { value: 'processed', label: 'Обработано' },
];

const PAGE = 50;

export function InboxPage() {
  const { query } = useLocation();
  const status = (query.get('status') ?? '') as InboxStatus | '';
  const integrationId = query.get('integration') ?? '';
  const toast = useToast();

  const integrations = useAsync(() => get<Integration[]>('/api/v1/integrations'), []);
  const page = useAsync(() => get<Page>(inboxUrl(status, integrationId)), [status, integrationId]);
  const [loadingMore, setLoadingMore] = useState(false);

  const setFilter = (next: { status?: string; integration?: string }) => {
    const q = new URLSearchParams();
    const s = next.status ?? status;
    const i = next.integration ?? integrationId;
    if (s) q.set('status', s);
    if (i) q.set('integration', i);
    navigate(`/raw/inbox${q.size ? `?${q}` : ''}`, { replace: true });
  };

  const more = async () => {
    if (!page.data?.nextBefore) return;
    setLoadingMore(true);
    try {
      const next = await get<Page>(inboxUrl(status, integrationId, page.data.nextBefore));
      page.setData({ items: [...page.data.items, ...next.items], nextBefore: next.nextBefore });
    } catch (err) {
      toast.error(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const names = new Map((integrations.data ?? []).map((i) => [i.id, i.name]));
  const items = page.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Входящие"
        subtitle="Сырые данные: всё, что присылают UIS и МойСклад, в том виде, как пришло. Новые сверху."
        actions={
          <Button onClick={() => void page.reload()} busy={page.loading && !!page.data}>
            <Icon name="refresh" size={16} /> Обновить
          </Button>
        }
      />
      <div className="toolbar">
        <div className="tabs" role="tablist" aria-label="Статус">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" role="tab" aria-selected={status === f.value} className={status === f.value ? 'active' : ''} onClick={() => setFilter({ status: f.value })}>
              {f.label}
            </button>
          ))}
        </div>
        {(integrations.data?.length ?? 0) > 1 && (
          <select className="input input-inline" aria-label="Интеграция" value={integrationId} onChange={(e) => setFilter({ integration: e.target.value })}>
            <option value="">Все интеграции</option>
            {integrations.data!.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        )}
      </div>
      <ErrorBox error={page.error} />
      {page.loading && !page.data ? (
        <Spinner />
      ) : items.length === 0 ? (
        page.data && (
          <EmptyState icon="inbox" title={status ? 'Здесь пусто' : 'Пока ничего не пришло'}>
            {status ? (
              'С таким статусом ничего нет. Выберите «Все», чтобы увидеть остальное.'
            ) : (
              <>
                Данные появятся, когда UIS или МойСклад обратятся по адресам интеграции. Скопируйте Webhook URL на странице <Link to="/integrations">Интеграции</Link> и вставьте его
                в МойСклад.
              </>
            )}
          </EmptyState>
        )
      ) : (
        <div className="card inbox-list">
          {items.map((item) => (
            <InboxRow key={item.id} item={item} integrationName={item.integrationId ? names.get(item.integrationId) : undefined} />
          ))}
        </div>
      )}
      {page.data?.nextBefore && (
        <div className="center">
          <Button onClick={more} busy={loadingMore}>
            Показать ещё
          </Button>
        </div>
      )}
    </>
  );
}

function inboxUrl(status: string, integrationId: string, before?: number) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (status) q.set('status', status);
  if (integrationId) q.set('integrationId', integrationId);
  if (before) q.set('before', String(before));
  return `/api/v1/inbox?${q}`;
}

function prettyBody(item: InboxItem): string {
  if (!item.body) return '(пустое тело запроса)';
  try {
    return JSON.stringify(JSON.parse(item.body), null, 2);
  } catch {
    return item.body;
  }
}

function InboxRow({ item, integrationName }: { item: InboxItem; integrationName: string | undefined }) {
  const [open, setOpen] = useState(false);
  const st = INBOX_STATUSES[item.status] ?? { label: item.status, tone: 'gray' as const };
  return (
    <div className={`inbox-item ${open ? 'open' : ''}`} data-testid="inbox-item" data-status={item.status}>
      <button type="button" className="inbox-summary" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <Icon name="chevron" size={16} className="inbox-chevron" />
        <span className="inbox-time mono">{formatMoment(item.receivedAt)}</span>
        <span className="inbox-source">
          {INBOX_SOURCES[item.source] ?? item.source}
          {item.event && <span className="muted"> · {item.event}</span>}
        </span>
        <span className="inbox-integration muted">{integrationName ?? ''}</span>
        <Badge tone={st.tone}>{st.label}</Badge>
      </button>
      {item.reason && (
        <div className={`inbox-reason ${item.status === 'unparseable' || item.status === 'failed' ? 'bad' : ''}`}>
          <span className="inbox-reason-label">Причина:</span> <span data-testid="inbox-reason">{item.reason}</span>
        </div>
      )}
      {open && (
        <div className="inbox-details">
          <dl className="kv">
            <dt>Запрос</dt>
            <dd className="mono">
              {item.method} {item.path}
              {item.query ? `?${item.query}` : ''}
            </dd>
            <dt>Тип содержимого</dt>
            <dd className="mono">{item.contentType ?? '—'}</dd>
            {Object.entries(item.headers).map(([k, v]) => (
              <div key={k} className="kv-row">
                <dt className="mono">{k}</dt>
                <dd className="mono">{v}</dd>
              </div>
            ))}
            {item.processedAt && (
              <>
                <dt>Обработано</dt>
                <dd>{formatMoment(item.processedAt)}</dd>
              </>
            )}
          </dl>
          <div className="field-label">Тело запроса</div>
          <pre className="raw-body" data-testid="inbox-body">{prettyBody(item)}</pre>
        </div>
      )}
    </div>
  );
}

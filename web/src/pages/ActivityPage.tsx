// Журнал действий: what the connector did on the user's behalf (counterparties, orders, tasks),
// newest first, with links to the objects in MoySklad. For one integration or the whole account.
import { useState } from 'react';
import { get } from '../api/client.ts';
import type { ActivityPage as Page } from '../api/rules.ts';
import { EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatMoment } from '../format.ts';
import { Link } from '../router.tsx';
import type { PageProps } from '../routes.ts';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

export function ActivityPage({ params }: PageProps) {
  const toast = useToast();
  const base = params.id ? `/api/v1/integrations/${encodeURIComponent(params.id)}/activity` : '/api/v1/activity';
  const page = useAsync(() => get<Page>(`${base}?limit=100`), [base]);
  const [busy, setBusy] = useState(false);
  const more = async () => {
    if (!page.data?.nextBefore) return;
    setBusy(true);
    try {
      const next = await get<Page>(`${base}?limit=100&before=${page.data.nextBefore}`);
      page.setData({ items: [...page.data.items, ...next.items], nextBefore: next.nextBefore });
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  };
  const items = page.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Журнал действий"
        subtitle="Что коннектор сделал в МойСклад по звонкам и чатам: контрагенты, заказы, задачи. Новые сверху."
        back={
          params.id ? (
            <Link to={`/integrations/${params.id}`} className="back-link">
              <Icon name="back" size={16} /> Интеграция
            </Link>
          ) : undefined
        }
        actions={
          <Button onClick={() => void page.reload()} busy={page.loading && !!page.data}>
            <Icon name="refresh" size={16} /> Обновить
          </Button>
        }
      />
      <ErrorBox error={page.error} />
      {page.loading && !page.data ? (
        <Spinner />
      ) : items.length === 0 ? (
        page.data && <EmptyState icon="inbox" title="Пока ничего не сделано">Действия появятся после первых звонков или чатов, подходящих под правила.</EmptyState>
      ) : (
        <div className="card table-card">
          <table className="table">
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid="activity-row">
                  <td className="nowrap mono small">{formatMoment(a.at)}</td>
                  <td>
                    {a.message}
                    {a.links.length > 0 && (
                      <div className="activity-links">
                        {a.links.map((l, i) => (
                          <a key={i} href={l.url} target="_blank" rel="noreferrer">
                            {l.title} ↗
                          </a>
                        ))}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data?.nextBefore && (
        <div className="center">
          <Button onClick={more} busy={busy}>
            Показать ещё
          </Button>
        </div>
      )}
    </>
  );
}

// Выручка по источникам: revenue of deals grouped by the campaign / UTM / channel of the first or
// last call or chat before each deal was created.
import { get } from '../api/client.ts';
import type { AttributionBy, AttributionReport } from '../api/deals.ts';
import { EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatRub } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import { dealsQuery } from './DealsPage.tsx';

const DIMENSIONS: { value: AttributionBy; label: string }[] = [
  { value: 'utm_source', label: 'utm_source' },
  { value: 'utm_medium', label: 'utm_medium' },
  { value: 'utm_campaign', label: 'utm_campaign' },
  { value: 'campaign', label: 'Рекламная кампания' },
  { value: 'channel', label: 'Канал (звонок / чат)' },
  { value: 'site', label: 'Сайт' },
];

export function DealsAttributionPage() {
  const { query } = useLocation();
  const by = (query.get('by') ?? 'utm_source') as AttributionBy;
  const touch = query.get('touch') === 'last' ? 'last' : 'first';
  const period = dealsQuery(query);
  const q = new URLSearchParams({ by, touch });
  for (const k of ['from', 'to'] as const) if (period.get(k)) q.set(k, period.get(k)!);
  const report = useAsync(() => get<AttributionReport>(`/api/v1/deals/report/attribution?${q}`), [q.toString()]);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(query);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(`/raw/deals/attribution${next.size ? `?${next}` : ''}`, { replace: true });
  };
  const rows = report.data?.rows ?? [];
  const total = rows.reduce((a, r) => a + r.revenue, 0);

  return (
    <>
      <PageHeader
        title="Выручка по источникам"
        back={
          <Link to="/raw/deals" className="back-link">
            <Icon name="back" size={16} /> Сделки
          </Link>
        }
        subtitle="Сделки связаны со звонками и чатами контрагента по номеру телефона: берётся первое или последнее касание до создания сделки."
      />
      <div className="card deals-filters">
        <div className="deals-filter-row">
          <div className="tabs" role="tablist" aria-label="Касание">
            {(['first', 'last'] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={touch === t} className={touch === t ? 'active' : ''} onClick={() => set('touch', t === 'first' ? '' : t)}>
                {t === 'first' ? 'Первое касание' : 'Последнее касание'}
              </button>
            ))}
          </div>
          <select className="input input-inline" aria-label="Группировать по" value={by} onChange={(e) => set('by', e.target.value === 'utm_source' ? '' : e.target.value)}>
            {DIMENSIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
          <label className="inline-field">
            <span>С</span>
            <input type="date" className="input input-inline" aria-label="Период с" value={query.get('from') ?? ''} onChange={(e) => set('from', e.target.value)} />
          </label>
          <label className="inline-field">
            <span>по</span>
            <input type="date" className="input input-inline" aria-label="Период по" value={query.get('to') ?? ''} onChange={(e) => set('to', e.target.value)} />
          </label>
        </div>
      </div>
      <ErrorBox error={report.error} />
      {report.loading && !report.data ? (
        <Spinner />
      ) : rows.length === 0 ? (
        report.data && <EmptyState icon="chart" title="Нет сделок за этот период" />
      ) : (
        <div className="card table-card">
          <table className="table" aria-label="Выручка по источникам">
            <thead>
              <tr>
                <th>{DIMENSIONS.find((d) => d.value === by)?.label}</th>
                <th className="num">Сделок</th>
                <th className="num">Выручка</th>
                <th className="num">Доля</th>
                <th className="num">Успешных</th>
                <th className="num">Выручка успешных</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key ?? '∅'} data-testid="attribution-row">
                  <td>{r.key ?? <span className="muted">без коммуникаций / не указано</span>}</td>
                  <td className="num">{r.deals.toLocaleString('ru-RU')}</td>
                  <td className="num nowrap">{formatRub(r.revenue)}</td>
                  <td className="num">{total ? `${Math.round((r.revenue / total) * 1000) / 10}%` : '—'}</td>
                  <td className="num">{r.wonDeals.toLocaleString('ru-RU')}</td>
                  <td className="num nowrap">{formatRub(r.wonRevenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

// Сырые данные → Сделки: MoySklad customer orders as the connector stores them — how the import
// is going, the funnel, filters (period, stage, store, channel, manager, outcome), sorting,
// «Показать ещё» paging and a CSV of exactly what is filtered.
import { useRef, useState } from 'react';
import { get } from '../api/client.ts';
import type { Deal, DealSort, DealsPage as Page, Ref, Stage } from '../api/deals.ts';
import { Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { DealsSyncCards } from '../components/deals/DealsSync.tsx';
import { Funnel } from '../components/deals/Funnel.tsx';
import { formatDate, formatRub } from '../format.ts';
import { DEAL_OUTCOMES } from '../labels.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

const PAGE = 50;

const OUTCOMES = [
  { value: '', label: 'Все' },
  { value: 'open', label: 'В работе' },
  { value: 'won', label: 'Успешные' },
  { value: 'lost', label: 'Неуспешные' },
];

const SORTS: { value: DealSort; label: string }[] = [
  { value: 'moment', label: 'По дате сделки' },
  { value: 'sum', label: 'По сумме' },
  { value: 'updated', label: 'По изменению' },
  { value: 'created', label: 'По созданию' },
];

/** Filter keys as they appear both in the page's address and in the API query. */
const FILTER_KEYS = ['integrationId', 'from', 'to', 'stage', 'outcome', 'store', 'salesChannel', 'manager'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** A yyyy-mm-dd from the date input as the user's local midnight (`to` is the day after: the API's `to` is exclusive). */
function dayStart(day: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
}

/** The API query for the filters in the page's address. */
export function dealsQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = query.get(key);
    if (!v) continue;
    if (key === 'from' || key === 'to') {
      const iso = dayStart(v, key === 'to' ? 1 : 0);
      if (iso) q.set(key, iso);
    } else q.set(key, v);
  }
  return q;
}

export function DealsPage() {
  const { query } = useLocation();
  const toast = useToast();
  const sort = (query.get('sort') ?? 'moment') as DealSort;
  const dir = query.get('dir') === 'asc' ? 'asc' : 'desc';
  const filters = dealsQuery(query);
  const key = `${filters}|${sort}|${dir}`;

  const stages = useAsync(() => get<Stage[]>('/api/v1/deals/stages'), []);
  const page = useAsync(() => {
    const q = new URLSearchParams(filters);
    q.set('sort', sort);
    q.set('dir', dir);
    q.set('limit', String(PAGE));
    return get<Page>(`/api/v1/deals?${q}`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const [loadingMore, setLoadingMore] = useState(false);
  // Stores, channels and managers have no list endpoint: offer the ones seen in loaded deals.
  const seen = useRef({ store: new Map<string, string>(), salesChannel: new Map<string, string>(), manager: new Map<string, string>() }).current;
  const items = page.data?.items ?? [];
  remember(seen, items); // idempotent: only adds what it has not seen

  const setParam = (changes: Partial<Record<FilterKey | 'sort' | 'dir', string>>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    navigate(`/raw/deals${q.size ? `?${q}` : ''}`, { replace: true });
  };

  const more = async () => {
    if (!page.data?.nextCursor) return;
    setLoadingMore(true);
    try {
      const q = new URLSearchParams(filters);
      q.set('sort', sort);
      q.set('dir', dir);
      q.set('limit', String(PAGE));
      q.set('cursor', page.data.nextCursor);
      const next = await get<Page>(`/api/v1/deals?${q}`);
      page.setData({ items: [...page.data.items, ...next.items], nextCursor: next.nextCursor });
    } catch (err) {
      toast.error(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const sortBy = (s: DealSort) => setParam({ sort: s === 'moment' ? '' : s, dir: s === sort ? (dir === 'desc' ? 'asc' : '') : '' });
  const hasFilters = FILTER_KEYS.some((k) => query.get(k));
  const stageList = stages.data ?? [];
  const stageId = query.get('stage') ?? '';

  return (
    <>
      <PageHeader
        title="Сделки"
        subtitle="Сырые данные: заказы покупателей из МойСклад для сквозной аналитики — сумма, этап, магазин, канал продаж, менеджер, контакты."
        actions={
          <>
            <Link to="/raw/deals/attribution" className="btn btn-secondary btn-md">
              <Icon name="chart" size={16} /> Отчёт по источникам
            </Link>
            <a className="btn btn-secondary btn-md" href={`/api/v1/deals/export.csv${filters.size ? `?${filters}` : ''}`} download data-testid="deals-csv">
              <Icon name="download" size={16} /> Скачать CSV
            </a>
            <Button onClick={() => void page.reload()} busy={page.loading && !!page.data}>
              <Icon name="refresh" size={16} /> Обновить
            </Button>
          </>
        }
      />
      <DealsSyncCards />
      {stageList.length > 0 && <Funnel stages={stageList} selected={stageId} onSelect={(id) => setParam({ stage: id === stageId ? '' : id })} />}

      <div className="card deals-filters" aria-label="Фильтры">
        <div className="deals-filter-row">
          <div className="tabs" role="tablist" aria-label="Итог">
            {OUTCOMES.map((o) => {
              const active = (query.get('outcome') ?? '') === o.value;
              return (
                <button key={o.value} type="button" role="tab" aria-selected={active} className={active ? 'active' : ''} onClick={() => setParam({ outcome: o.value })}>
                  {o.label}
                </button>
              );
            })}
          </div>
          <label className="inline-field">
            <span>С</span>
            <input type="date" className="input input-inline" aria-label="Период с" value={query.get('from') ?? ''} onChange={(e) => setParam({ from: e.target.value })} />
          </label>
          <label className="inline-field">
            <span>по</span>
            <input type="date" className="input input-inline" aria-label="Период по" value={query.get('to') ?? ''} onChange={(e) => setParam({ to: e.target.value })} />
          </label>
          {hasFilters && (
            <Button variant="ghost" size="sm" onClick={() => navigate(`/raw/deals${query.get('sort') ? `?sort=${sort}&dir=${dir}` : ''}`, { replace: true })}>
              Сбросить фильтры
            </Button>
          )}
        </div>
        <div className="deals-filter-row">
          <select className="input input-inline" aria-label="Этап" value={stageId} onChange={(e) => setParam({ stage: e.target.value })}>
            <option value="">Все этапы</option>
            {stageList.map((s) => (
              <option key={`${s.integrationId}:${s.id}`} value={s.id}>
                {s.name}
                {s.deleted ? ' (удалён)' : ''}
              </option>
            ))}
          </select>
          <RefSelect label="Склад" all="Все склады" value={query.get('store') ?? ''} seen={seen.store} onChange={(v) => setParam({ store: v })} />
          <RefSelect label="Канал продаж" all="Все каналы продаж" value={query.get('salesChannel') ?? ''} seen={seen.salesChannel} onChange={(v) => setParam({ salesChannel: v })} />
          <RefSelect label="Менеджер" all="Все менеджеры" value={query.get('manager') ?? ''} seen={seen.manager} onChange={(v) => setParam({ manager: v })} />
          <select className="input input-inline" aria-label="Сортировка" value={`${sort}:${dir}`} onChange={(e) => {
            const [s, d] = e.target.value.split(':');
            setParam({ sort: s === 'moment' ? '' : s, dir: d === 'asc' ? 'asc' : '' });
          }}>
            {SORTS.flatMap((s) => [
              <option key={`${s.value}:desc`} value={`${s.value}:desc`}>
                {s.label}, {s.value === 'sum' ? 'сначала крупные' : 'сначала новые'}
              </option>,
              <option key={`${s.value}:asc`} value={`${s.value}:asc`}>
                {s.label}, {s.value === 'sum' ? 'сначала мелкие' : 'сначала старые'}
              </option>,
            ])}
          </select>
        </div>
      </div>

      <ErrorBox error={page.error} />
      {page.loading && !page.data ? (
        <Spinner />
      ) : items.length === 0 ? (
        page.data && (
          <EmptyState icon="deals" title={hasFilters ? 'Ничего не нашлось' : 'Сделок пока нет'}>
            {hasFilters ? (
              'Под эти фильтры не подходит ни одна сделка. Измените или сбросьте фильтры.'
            ) : (
              <>
                Подключите «МойСклад — передача сделок» на странице <Link to="/integrations">Интеграции</Link>. Для проверки создайте тестовую сделку в МойСклад.
              </>
            )}
          </EmptyState>
        )
      ) : (
        <div className="card table-card">
          <table className="table deals-table">
            <thead>
              <tr>
                <th>Номер</th>
                <SortTh label="Дата" col="moment" sort={sort} dir={dir} onSort={sortBy} />
                <th>Контрагент</th>
                <th>Этап</th>
                <SortTh label="Сумма" col="sum" sort={sort} dir={dir} onSort={sortBy} right />
                <th>Менеджер</th>
                <th>Склад</th>
                <th>Канал продаж</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <DealRow key={d.id} deal={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data?.nextCursor && (
        <div className="center">
          <Button onClick={more} busy={loadingMore}>
            Показать ещё
          </Button>
        </div>
      )}
    </>
  );
}

function remember(seen: { store: Map<string, string>; salesChannel: Map<string, string>; manager: Map<string, string> }, items: Deal[]) {
  const add = (m: Map<string, string>, r: Ref | null) => r && !m.has(r.id) && m.set(r.id, r.name ?? r.id);
  for (const d of items) {
    add(seen.store, d.store);
    add(seen.salesChannel, d.salesChannel);
    add(seen.manager, d.manager);
  }
}

function RefSelect({ label, all, value, seen, onChange }: { label: string; all: string; value: string; seen: Map<string, string>; onChange: (v: string) => void }) {
  const options = [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], 'ru'));
  if (value && !seen.has(value)) options.unshift([value, 'выбранный']);
  return (
    <select className="input input-inline" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{all}</option>
      {options.map(([id, name]) => (
        <option key={id} value={id}>
          {name}
        </option>
      ))}
    </select>
  );
}

function SortTh({ label, col, sort, dir, onSort, right }: { label: string; col: DealSort; sort: DealSort; dir: string; onSort: (s: DealSort) => void; right?: boolean }) {
  const active = sort === col;
  return (
    <th className={right ? 'num' : undefined} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className={`th-sort ${active ? 'active' : ''}`} onClick={() => onSort(col)}>
        {label}
        <span className="th-arrow">{active ? (dir === 'asc' ? '↑' : '↓') : '↕'}</span>
      </button>
    </th>
  );
}

export function OutcomeBadge({ stage }: { stage: Deal['stage'] }) {
  if (!stage) return <span className="muted">—</span>;
  const o = DEAL_OUTCOMES[stage.outcome ?? ''] ?? { tone: 'gray' as const };
  return <Badge tone={o.tone}>{stage.name ?? stage.id}</Badge>;
}

function DealRow({ deal: d }: { deal: Deal }) {
  return (
    <tr data-testid="deal-row" data-stage={d.stage?.id ?? ''}>
      <td className="nowrap">
        <Link to={`/raw/deals/${encodeURIComponent(d.id)}`} className="strong">
          {d.name}
        </Link>
      </td>
      <td className="nowrap">{formatDate(d.moment)}</td>
      <td>
        {d.contact?.name ?? '—'}
        {d.contact?.phones[0] && <div className="muted small mono">{d.contact.phones[0]}</div>}
      </td>
      <td>
        <OutcomeBadge stage={d.stage} />
      </td>
      <td className="num nowrap">{formatRub(d.sum)}</td>
      <td className="cell-ref">{d.manager?.name ?? '—'}</td>
      <td className="cell-ref">{d.store?.name ?? '—'}</td>
      <td className="cell-ref">{d.salesChannel?.name ?? '—'}</td>
    </tr>
  );
}

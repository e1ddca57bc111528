// One deal: its fields as stored, the stage history (how long it sat in each stage) and the first
// and last call or chat of its counterparty before it was created.
import { get } from '../api/client.ts';
import type { DealDetail, Touch } from '../api/deals.ts';
import { Badge, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate, formatDuration, formatRub } from '../format.ts';
import { DEAL_OUTCOMES } from '../labels.ts';
import { Link } from '../router.tsx';
import type { PageProps } from '../routes.ts';
import { useAsync } from '../use-async.ts';
import { OutcomeBadge } from './DealsPage.tsx';

const SOURCES: Record<string, string> = { backfill: 'загрузка', webhook: 'вебхук', reconcile: 'сверка' };
const CHANNELS: Record<string, string> = { call: 'Звонок', chat: 'Чат', offline: 'Офлайн' };

export function DealPage({ params }: PageProps) {
  const deal = useAsync(() => get<DealDetail>(`/api/v1/deals/${encodeURIComponent(params.id!)}`), [params.id]);
  const back = (
    <Link to="/raw/deals" className="back-link">
      <Icon name="back" size={16} /> Сделки
    </Link>
  );
  if (deal.error) {
    return (
      <>
        <PageHeader title="Сделка" back={back} />
        <ErrorBox error={deal.error} />
      </>
    );
  }
  const d = deal.data;
  if (!d) return <Spinner />;
  const ref = (r: { name: string | null; id: string } | null) => (r ? (r.name ?? r.id) : '—');
  return (
    <>
      <PageHeader
        title={`Сделка ${d.name}`}
        back={back}
        subtitle={<>от {formatDate(d.moment)} · {formatRub(d.sum)}</>}
        actions={
          <>
            {d.deletedAt && <Badge tone="red">Удалена {formatDate(d.deletedAt)}</Badge>}
            <OutcomeBadge stage={d.stage} />
            <a className="btn btn-secondary btn-md" href={`https://online.moysklad.ru/app/#customerorder/edit?id=${encodeURIComponent(d.id)}`} target="_blank" rel="noreferrer">
              Открыть в МойСклад
            </a>
          </>
        }
      />
      <div className="two-col">
        <section className="card">
          <h2 className="card-title">Сделка</h2>
          <dl className="kv">
            <dt>Сумма</dt>
            <dd>{formatRub(d.sum)}</dd>
            <dt>Оплачено</dt>
            <dd>{formatRub(d.payedSum)}</dd>
            <dt>Контрагент</dt>
            <dd>{ref(d.contact)}</dd>
            <dt>Телефоны</dt>
            <dd className="mono">{d.contact?.phones.join(', ') || '—'}</dd>
            <dt>E-mail</dt>
            <dd>{d.contact?.emails.join(', ') || '—'}</dd>
            <dt>Менеджер</dt>
            <dd>{ref(d.manager)}</dd>
            <dt>Склад</dt>
            <dd>{ref(d.store)}</dd>
            <dt>Канал продаж</dt>
            <dd>{ref(d.salesChannel)}</dd>
            <dt>Проект</dt>
            <dd>{ref(d.project)}</dd>
            <dt>Организация</dt>
            <dd>{ref(d.organization)}</dd>
            <dt>Создана</dt>
            <dd>{formatDate(d.created)}</dd>
            <dt>Изменена</dt>
            <dd>{formatDate(d.updated)}</dd>
            {d.description && (
              <>
                <dt>Комментарий</dt>
                <dd>{d.description}</dd>
              </>
            )}
            {d.attributes.map((a) => (
              <div key={a.id} className="kv-row">
                <dt>{a.name}</dt>
                <dd>{typeof a.value === 'object' && a.value !== null ? ((a.value as { name?: string }).name ?? JSON.stringify(a.value)) : String(a.value ?? '—')}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="card" aria-label="Источник">
          <h2 className="card-title">Источник сделки</h2>
          {d.attribution.count === 0 ? (
            <p className="muted">До создания сделки с контрагентом не было звонков и чатов — или у контрагента нет телефона.</p>
          ) : (
            <>
              <p className="muted small">Коммуникаций с контрагентом до сделки: {d.attribution.count}</p>
              <TouchView title="Первое касание" t={d.attribution.first} />
              {d.attribution.count > 1 && <TouchView title="Последнее касание" t={d.attribution.last} />}
            </>
          )}
        </section>
      </div>
      <section className="card table-card" aria-label="История этапов">
        <div className="table-filter">
          <h2 className="card-title">История этапов</h2>
        </div>
        {d.stageHistory.length === 0 ? (
          <p className="muted pad">История пока пуста.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Этап</th>
                <th>С</th>
                <th>По</th>
                <th>Длительность</th>
                <th>Откуда узнали</th>
              </tr>
            </thead>
            <tbody>
              {d.stageHistory.map((h, i) => (
                <tr key={i} data-testid="stage-history-row">
                  <td>
                    <Badge tone={DEAL_OUTCOMES[h.outcome ?? '']?.tone ?? 'gray'}>{h.stageName ?? h.stageId ?? '—'}</Badge>
                  </td>
                  <td className="nowrap">{formatDate(h.enteredAt)}</td>
                  <td className="nowrap">{h.leftAt ? formatDate(h.leftAt) : <span className="muted">сейчас</span>}</td>
                  <td>{formatDuration(h.secondsInStage)}</td>
                  <td className="muted">{SOURCES[h.source] ?? h.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function TouchView({ title, t }: { title: string; t: Touch | null }) {
  if (!t) return null;
  const rows: [string, string | null][] = [
    ['Канал', CHANNELS[t.channel] ?? t.channel],
    ['Когда', formatDate(t.occurredAt)],
    ['Рекламная кампания', t.campaign],
    ['utm_source', t.utmSource],
    ['utm_medium', t.utmMedium],
    ['utm_campaign', t.utmCampaign],
    ['Сайт', t.site],
  ];
  return (
    <div className="touch" data-testid="touch">
      <div className="strong">{title}</div>
      <dl className="kv">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}

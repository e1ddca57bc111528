// How the deals import is going for each «МойСклад — передача сделок» integration: backfill
// progress, speed and ETA, the last webhook and the newest deal (the seed: create a test deal in
// MoySklad to check). Polls while a backfill runs.
import { useEffect } from 'react';
import { get } from '../../api/client.ts';
import type { DealsSync } from '../../api/deals.ts';
import { formatDate, formatDuration, formatRub } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useAsync } from '../../use-async.ts';
import { Alert, Badge, ErrorBox } from '../feedback.tsx';

const POLL_MS = 3000;

export function DealsSyncCards() {
  const sync = useAsync(() => get<DealsSync[]>('/api/v1/deals/sync'), []);
  const running = (sync.data ?? []).some((s) => s.active && s.phase !== 'live' && s.phase !== 'failed');
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void sync.reload(), POLL_MS);
    return () => clearInterval(t);
  }, [running, sync.reload]);

  if (sync.error) return <ErrorBox error={sync.error} title="Не удалось узнать состояние загрузки сделок" />;
  if (!sync.data) return null;
  if (sync.data.length === 0) {
    return (
      <Alert kind="info" title="Передача сделок не подключена">
        Подключите «МойСклад — передача сделок» на странице <Link to="/integrations">Интеграции</Link>: сделки загрузятся из МойСклад и будут обновляться сами.
      </Alert>
    );
  }
  return (
    <>
      {sync.data.map((s) => (
        <SyncCard key={s.integrationId} s={s} />
      ))}
    </>
  );
}

function SyncCard({ s }: { s: DealsSync }) {
  const { progress: p } = s;
  const pct = p.total ? Math.min(100, Math.round((p.done / p.total) * 100)) : s.phase === 'live' ? 100 : 0;
  const tone = !s.active ? 'gray' : s.phase === 'live' ? 'green' : s.phase === 'failed' ? 'red' : 'blue';
  return (
    <section className="card sync-card" aria-label={`Загрузка сделок: ${s.name}`} data-testid="deals-sync" data-phase={s.phase}>
      <div className="card-head">
        <h2 className="card-title">
          <Link to={`/integrations/${s.integrationId}`}>{s.name}</Link>
        </h2>
        <Badge tone={tone}>{s.active ? s.phaseTitle : 'Выключена'}</Badge>
      </div>
      {s.phase !== 'live' && s.phase !== 'not_started' && (
        <div className="progress-block">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Ход загрузки">
            <div className="progress-bar" style={{ width: `${pct}%` }} />
          </div>
          <div className="muted small">
            {p.done.toLocaleString('ru-RU')}
            {p.total !== null && <> из {p.total.toLocaleString('ru-RU')}</>}
            {p.rate > 0 && <> · {p.rate.toLocaleString('ru-RU')} сделок/с</>}
            {p.etaSeconds !== null && p.etaSeconds > 0 && <> · осталось ≈ {formatDuration(p.etaSeconds)}</>}
          </div>
        </div>
      )}
      <dl className="kv sync-kv">
        <dt>Загружено сделок</dt>
        <dd>
          {p.orders.done.toLocaleString('ru-RU')}
          {p.orders.total !== null && <> из {p.orders.total.toLocaleString('ru-RU')}</>}
        </dd>
        <dt>Последний вебхук</dt>
        <dd>{s.lastWebhookAt ? formatDate(s.lastWebhookAt) : 'ещё не приходил'}</dd>
        <dt>Последняя сделка</dt>
        <dd data-testid="newest-deal">
          {s.newestDeal ? (
            <>
              <Link to={`/raw/deals/${encodeURIComponent(s.newestDeal.id)}`}>{s.newestDeal.name}</Link> · {formatRub(s.newestDeal.sum)} · получена {formatDate(s.newestDeal.receivedAt)}
            </>
          ) : (
            'пока нет'
          )}
        </dd>
        {s.lastReconciledAt && (
          <>
            <dt>Последняя сверка</dt>
            <dd>{formatDate(s.lastReconciledAt)}</dd>
          </>
        )}
      </dl>
      {s.error && (
        <Alert kind="error" title="Загрузка остановилась с ошибкой">
          {s.error}
        </Alert>
      )}
      {s.statusReason && s.status !== 'ok' && <Alert kind="error" title="Интеграция работает с ошибками">{s.statusReason}</Alert>}
      {s.notice && <Alert kind="warn" title="Загрузка идёт медленнее">{s.notice}</Alert>}
      <p className="muted small">{s.checkHint}</p>
    </section>
  );
}

// Tools of a telephony integration: «Проверить подключение», the notifications to create in UIS,
// employees (matching and manual links), the click-to-call log and a routing test.
import { useState } from 'react';
import { get, post, put } from '../../api/client.ts';
import type { ClickToCall, ConnectionCheck, EmployeesView, RoutingDecision, UisNotifications } from '../../api/telephony.ts';
import { formatDate, formatMoment } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { useToast } from '../../toast.tsx';
import { useAsync } from '../../use-async.ts';
import { CopyField } from '../CopyField.tsx';
import { Alert, Badge, EmptyState, ErrorBox, Spinner } from '../feedback.tsx';
import { Button, TextField } from '../form.tsx';
import { Icon } from '../icons.tsx';

type Tab = 'check' | 'notifications' | 'employees' | 'c2c' | 'routing';
const TABS: { value: Tab; label: string }[] = [
  { value: 'check', label: 'Проверить подключение' },
  { value: 'notifications', label: 'Уведомления UIS' },
  { value: 'employees', label: 'Сотрудники' },
  { value: 'c2c', label: 'Звонок в один клик' },
  { value: 'routing', label: 'Переадресация' },
];

export function TelephonyTools({ integrationId }: { integrationId: string }) {
  const [tab, setTab] = useState<Tab>('check');
  const base = `/api/v1/integrations/${encodeURIComponent(integrationId)}`;
  return (
    <section className="card" aria-label="Инструменты телефонии">
      <h2 className="card-title">Проверка и настройка телефонии</h2>
      <div className="tabs tool-tabs" role="tablist" aria-label="Инструменты">
        {TABS.map((t) => (
          <button key={t.value} type="button" role="tab" aria-selected={tab === t.value} className={tab === t.value ? 'active' : ''} onClick={() => setTab(t.value)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'check' && <CheckConnection base={base} />}
      {tab === 'notifications' && <Notifications base={base} />}
      {tab === 'employees' && <Employees base={base} />}
      {tab === 'c2c' && <ClickToCallLog base={base} />}
      {tab === 'routing' && <RoutingTest base={base} />}
    </section>
  );
}

function CheckConnection({ base }: { base: string }) {
  const [result, setResult] = useState<ConnectionCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await get<ConnectionCheck>(`${base}/check`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack" data-testid="connection-check">
      <p className="muted small">Проверяем по отдельности ключ «Телефонии» МойСклад, доступ к JSON API МойСклад и ключ UIS — и говорим, что не так с каждым.</p>
      <div>
        <Button variant="primary" busy={busy} onClick={() => void run()}>
          <Icon name="check" size={16} /> Проверить подключение
        </Button>
      </div>
      <ErrorBox error={error} />
      {result && (
        <>
          {result.ok ? <Alert kind="ok" title="Подключение работает" /> : <Alert kind="error" title="Есть проблемы с подключением" />}
          <ul className="verdicts">
            {result.links.map((l) => (
              <li key={l.link} className={`verdict verdict-${l.status}`} data-testid="verdict" data-status={l.status}>
                <span className="verdict-icon">{l.status === 'ok' ? '✓' : l.status === 'error' ? '!' : '–'}</span>
                <div>
                  <div className="strong">
                    {l.title} <Badge tone={l.status === 'ok' ? 'green' : l.status === 'error' ? 'red' : 'gray'}>{l.status === 'ok' ? 'работает' : l.status === 'error' ? 'ошибка' : 'не задан'}</Badge>
                  </div>
                  <div className="small">{l.message}</div>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Notifications({ base }: { base: string }) {
  const data = useAsync(() => get<UisNotifications>(`${base}/uis-notifications`), [base]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Spinner />;
  return (
    <div data-testid="uis-notifications">
      <p className="muted small">
        В личном кабинете UIS откройте «Уведомления» → «Добавить» и создайте по одному уведомлению на каждое событие ниже: метод POST, адрес и тело — скопируйте отсюда.
      </p>
      {data.data.notifications.map((n) => (
        <div key={n.eventKey} className="notif" data-testid="uis-notification">
          <div className="notif-head">
            <div>
              <div className="strong">{n.eventType}</div>
              <div className="muted small">Название уведомления: {n.name}</div>
            </div>
            <Badge tone="blue">{n.method}</Badge>
          </div>
          <CopyField label="Адрес (URL)" value={n.url} />
          <BodyTemplate text={n.bodyTemplate} />
        </div>
      ))}
      {data.data.routingUrl && (
        <div className="notif">
          <CopyField label="Адрес интерактивной обработки вызова" value={data.data.routingUrl} hint="Для переадресации звонка на персонального менеджера клиента." />
        </div>
      )}
    </div>
  );
}

function BodyTemplate({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="field">
      <div className="notif-head">
        <div className="field-label">Тело запроса</div>
        <Button size="sm" onClick={() => void copy()}>
          <Icon name={copied ? 'check' : 'copy'} size={14} /> {copied ? 'Скопировано' : 'Копировать тело'}
        </Button>
      </div>
      <pre className="raw-body">{text}</pre>
    </div>
  );
}

function Employees({ base }: { base: string }) {
  const { isOwner } = useSession();
  const toast = useToast();
  const data = useAsync(() => get<EmployeesView>(`${base}/employees`), [base]);
  const [busy, setBusy] = useState(false);
  const refresh = async () => {
    setBusy(true);
    try {
      data.setData(await post<EmployeesView>(`${base}/employees/refresh`));
      toast.ok('Списки сотрудников обновлены');
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  };
  const link = async (employeeId: string, value: string) => {
    const uisEmployeeId = value === 'auto' ? 'auto' : value === 'never' ? null : Number(value);
    try {
      data.setData(await put<EmployeesView>(`${base}/employees/${encodeURIComponent(employeeId)}`, { uisEmployeeId }));
      toast.ok('Связь сохранена');
    } catch (err) {
      toast.error(err);
    }
  };
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Spinner />;
  const v = data.data;
  const uisAll = [...v.matched.map((m) => m.uis), ...v.unmatchedUis];
  const select = (employeeId: string, current: string) => (
    <select className="input input-inline" aria-label="Сотрудник UIS" disabled={!isOwner} value={current} onChange={(e) => void link(employeeId, e.target.value)}>
      <option value="auto">Автоматически</option>
      <option value="never">Не связывать</option>
      {uisAll.map((u) => (
        <option key={u.employeeId} value={String(u.employeeId)}>
          {u.name ?? u.employeeId}
          {u.extension ? ` (доб. ${u.extension})` : ''}
        </option>
      ))}
    </select>
  );
  return (
    <div className="stack" data-testid="employees">
      <div className="notif-head">
        <span className="muted small">Обновлено: {formatDate(v.refreshedAt)}</span>
        {isOwner && (
          <Button busy={busy} onClick={() => void refresh()}>
            <Icon name="refresh" size={16} /> Обновить списки
          </Button>
        )}
      </div>
      {v.error && <Alert kind="error" title="Не удалось обновить сотрудников">{v.error}</Alert>}
      {v.matched.length + v.unmatchedMoysklad.length === 0 ? (
        <EmptyState icon="users" title="Сотрудников пока нет">Нажмите «Обновить списки». В МойСклад у сотрудников должны быть указаны добавочные номера.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Сотрудник МойСклад</th>
              <th>Доб.</th>
              <th>Сотрудник UIS</th>
              <th>Как связан</th>
            </tr>
          </thead>
          <tbody>
            {v.matched.map((m) => (
              <tr key={m.moysklad.employeeId}>
                <td>{m.moysklad.name ?? m.moysklad.employeeId}</td>
                <td className="mono">{m.moysklad.extension ?? '—'}</td>
                <td>{select(m.moysklad.employeeId, m.matchedBy === 'manual' ? String(m.uis.employeeId) : 'auto')}</td>
                <td className="muted small">{m.matchedBy === 'manual' ? 'вручную' : `автоматически, ${MATCHED_BY[m.matchedBy] ?? m.matchedBy}`} → {m.uis.name ?? m.uis.employeeId}</td>
              </tr>
            ))}
            {v.unmatchedMoysklad.map((m) => (
              <tr key={m.employeeId}>
                <td>{m.name ?? m.employeeId}</td>
                <td className="mono">{m.extension ?? '—'}</td>
                <td>{select(m.employeeId, m.overridden ? 'never' : 'auto')}</td>
                <td>
                  <Badge tone="amber">{m.overridden ? 'не связывать' : 'не найден в UIS'}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.unmatchedUis.length > 0 && <p className="muted small">В UIS без пары: {v.unmatchedUis.map((u) => u.name ?? u.employeeId).join(', ')}</p>}
    </div>
  );
}

const C2C_STATUS: Record<string, { label: string; tone: 'green' | 'red' | 'amber' | 'blue' | 'gray' }> = {
  queued: { label: 'В очереди', tone: 'blue' },
  dialing: { label: 'Набор', tone: 'blue' },
  started: { label: 'Звонок начат', tone: 'green' },
  failed: { label: 'Ошибка', tone: 'red' },
  rejected: { label: 'Отклонён', tone: 'red' },
};
const MATCHED_BY: Record<string, string> = { extension: 'по добавочному', email: 'по e-mail', phone: 'по телефону', manual: 'вручную' };

function ClickToCallLog({ base }: { base: string }) {
  const data = useAsync(() => get<ClickToCall[]>(`${base}/click-to-call?limit=50`), [base]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Spinner />;
  if (data.data.length === 0) return <EmptyState icon="phone" title="Звонков в один клик ещё не было">Нажмите на номер телефона в карточке контрагента в МойСклад — запрос появится здесь.</EmptyState>;
  return (
    <table className="table" data-testid="click-to-call">
      <thead>
        <tr>
          <th>Когда</th>
          <th>Кто</th>
          <th>Куда</th>
          <th>Итог</th>
          <th>Причина</th>
        </tr>
      </thead>
      <tbody>
        {data.data.map((c) => (
          <tr key={c.id}>
            <td className="nowrap mono small">{formatMoment(c.receivedAt)}</td>
            <td className="mono">{c.srcNumber ?? c.uid ?? '—'}</td>
            <td className="mono">{c.destNumber ?? '—'}</td>
            <td>
              <Badge tone={C2C_STATUS[c.status]?.tone ?? 'gray'}>{C2C_STATUS[c.status]?.label ?? c.status}</Badge>
            </td>
            <td className="small">{c.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RoutingTest({ base }: { base: string }) {
  const [phone, setPhone] = useState('');
  const [result, setResult] = useState<RoutingDecision | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await get<RoutingDecision>(`${base}/routing/test?phone=${encodeURIComponent(phone)}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <p className="muted small">Что ответит переадресация на персонального менеджера, если позвонит этот номер.</p>
      <TextField label="Номер звонящего" placeholder="+7 999 123-45-67" value={phone} required onChange={(e) => setPhone(e.target.value)} />
      <div>
        <Button type="submit" variant="primary" busy={busy}>
          Проверить
        </Button>
      </div>
      <ErrorBox error={error} />
      {result && (
        <Alert kind={'phones' in result.answer ? 'ok' : 'info'} title={'phones' in result.answer ? `Звонок уйдёт на ${result.answer.phones.join(', ')}` : 'Звонок пойдёт по обычному сценарию UIS'}>
          <div>{result.reason}</div>
          {result.counterparty && <div>Контрагент: {result.counterparty.name ?? result.counterparty.id}</div>}
          <div className="muted small">Ответ за {result.ms} мс</div>
        </Alert>
      )}
    </form>
  );
}

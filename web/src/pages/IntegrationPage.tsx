// One integration: the connection steps from the product description, in their order, then
// the extras (optional credentials, other URLs, new secret address, delete).
import { useState, type ReactNode } from 'react';
import { del, get, patch, post } from '../api/client.ts';
import type { Credential, Integration, KindInfo } from '../api/types.ts';
import { Alert, Badge, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, SelectField, Switch, TextField } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { HookUrlField, ProblemAlert, RolePicker } from '../components/integration-parts.tsx';
import { ConfirmDialog } from '../components/Modal.tsx';
import { TelephonyTools } from '../components/telephony/TelephonyTools.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import type { PageProps } from '../routes.ts';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

type Loaded = { integration: Integration; kinds: KindInfo[]; credentials: Credential[] };

export function IntegrationPage({ params }: PageProps) {
  const data = useAsync<Loaded>(async () => {
    const [integration, kinds, credentials] = await Promise.all([
      get<Integration>(`/api/v1/integrations/${encodeURIComponent(params.id!)}`),
      get<KindInfo[]>('/api/v1/integration-kinds'),
      get<Credential[]>('/api/v1/credentials'),
    ]);
    return { integration, kinds, credentials };
  }, [params.id]);

  const back = (
    <Link to="/integrations" className="back-link">
      <Icon name="back" size={16} /> Интеграции
    </Link>
  );
  if (data.error) {
    return (
      <>
        <PageHeader title="Интеграция" back={back} />
        <ErrorBox error={data.error} />
      </>
    );
  }
  if (!data.data) return <Spinner />;
  const loaded = data.data;
  return (
    <IntegrationEditor
      key={loaded.integration.updatedAt}
      loaded={loaded}
      back={back}
      onChanged={(integration) => data.setData({ ...loaded, integration })}
      onCredentialCreated={(c) => data.setData({ ...loaded, credentials: [...loaded.credentials, c] })}
    />
  );
}

type Form = { name: string; active: boolean; credentialIds: Record<string, string | undefined>; settings: Record<string, unknown> };

function IntegrationEditor({
  loaded,
  back,
  onChanged,
  onCredentialCreated,
}: {
  loaded: Loaded;
  back: ReactNode;
  onChanged: (i: Integration) => void;
  onCredentialCreated: (c: Credential) => void;
}) {
  const { integration: it, kinds, credentials } = loaded;
  const { isOwner } = useSession();
  const toast = useToast();
  const { query } = useLocation();
  const isNew = query.get('new') === '1';
  const kind = kinds.find((k) => k.kind === it.kind);
  const [form, setForm] = useState<Form>({ name: it.name, active: it.active, credentialIds: { ...it.credentialIds }, settings: { ...it.settings } });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'rotate' | 'delete' | null>(null);
  const ro = !isOwner;

  const roles = Object.entries(kind?.roles ?? {});
  const setRole = (role: string, id: string | undefined) => setForm((f) => ({ ...f, credentialIds: { ...f.credentialIds, [role]: id } }));
  const setSetting = (key: string, value: unknown) => setForm((f) => ({ ...f, settings: { ...f.settings, [key]: value } }));
  const addCredential = onCredentialCreated;

  const save = async () => {
    setError(null);
    const missing = roles.filter(([role, def]) => def.required && !form.credentialIds[role]);
    if (form.active && missing.length > 0) {
      setLocalError(`Чтобы включить интеграцию, укажите: ${missing.map(([, def]) => `«${def.label}»`).join(', ')}.`);
      return;
    }
    setLocalError(null);
    setSaving(true);
    try {
      const credentialIds = Object.fromEntries(Object.entries(form.credentialIds).filter((e): e is [string, string] => !!e[1]));
      const updated = await patch<Integration>(`/api/v1/integrations/${it.id}`, { name: form.name, active: form.active, credentialIds, settings: form.settings });
      toast.ok('Сохранено', updated.active ? 'Интеграция включена.' : 'Интеграция выключена — включите «Активен», когда всё будет готово.');
      if (isNew) navigate(`/integrations/${it.id}`, { replace: true });
      onChanged(updated);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const steps = stepsFor(it, {
    credentials: (only?: string) =>
      roles
        .filter(([role, def]) => (only ? role === only : def.required))
        .map(([role, def]) => (
          <RolePicker
            key={role}
            role={role}
            def={def}
            credentials={credentials}
            value={form.credentialIds[role]}
            onChange={(id) => setRole(role, id)}
            onCreated={addCredential}
            disabled={ro}
          />
        )),
    active: (label: string, hint?: string) => <Switch checked={form.active} onChange={(v) => setForm((f) => ({ ...f, active: v }))} label={label} hint={hint} disabled={ro} />,
    url: (name: string) => (it.hookUrls[name] ? <HookUrlField name={name} url={it.hookUrls[name]!} /> : null),
    internalCalls: (
      <Switch
        checked={form.settings.showInternalCalls === true}
        onChange={(v) => setSetting('showInternalCalls', v)}
        label="Показывать внутренние звонки"
        hint="Фиксировать в МойСклад звонки между сотрудниками."
        disabled={ro}
      />
    ),
    save: (
      <div className="form-actions">
        <Button variant="primary" busy={saving} disabled={ro} onClick={() => void save()}>
          Сохранить
        </Button>
      </div>
    ),
  });

  const optionalRoles = roles.filter(([, def]) => !def.required);
  const shownUrls = new Set(steps.urlsInSteps);
  const otherUrls = Object.entries(it.hookUrls).filter(([name]) => !shownUrls.has(name));

  return (
    <>
      <PageHeader
        title={it.name}
        back={back}
        subtitle={
          <>
            {it.name !== it.title && <>{it.title} · </>}создана {formatDate(it.createdAt)}
          </>
        }
        actions={it.status === 'credentials_rejected' ? <Badge tone="red">Учетные данные отклонены</Badge> : it.active ? <Badge tone="green">Активна</Badge> : <Badge tone="gray">Выключена</Badge>}
      />
      <ProblemAlert integration={it} />
      {isNew && (
        <Alert kind="info" title="Интеграция создана и пока выключена">
          Пройдите шаги ниже и нажмите «Сохранить».
        </Alert>
      )}
      {ro && <Alert kind="info" title="Только просмотр">Изменять настройки может владелец аккаунта.</Alert>}

      {/* A section, not a form: it holds the inline «Добавить учетные данные» form, and forms cannot nest. */}
      <section className="card steps-card" aria-label="Подключение">
        <h2 className="card-title">Шаги по подключению</h2>
        <ol className="steps">
          {steps.items.map((s, i) => (
            <li key={i} className="step">
              <div className="step-num">{i + 1}</div>
              <div className="step-body">
                <div className="step-title">{s.title}</div>
                {s.body}
              </div>
            </li>
          ))}
        </ol>
        {localError && <Alert kind="error" title="Не хватает учетных данных">{localError}</Alert>}
        <ErrorBox error={error} title="Не удалось сохранить" />
        {steps.after && <p className="muted small">{steps.after}</p>}
      </section>

      <section className="card">
        <h2 className="card-title">Дополнительные настройки</h2>
        <div className="stack">
          <TextField label="Название интеграции" value={form.name} maxLength={200} disabled={ro} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} />
          {optionalRoles.map(([role, def]) => (
            <RolePicker key={role} role={role} def={def} credentials={credentials} value={form.credentialIds[role]} onChange={(id) => setRole(role, id)} onCreated={addCredential} disabled={ro} />
          ))}
          {it.kind === 'moysklad-telephony' && (
            <SelectField
              label="Проверка подписи звонков в один клик"
              hint="Сначала оставьте «только записывать»: так видно, совпадает ли подпись МойСклад, и звонки не теряются."
              value={String(form.settings.clickToCallSignature ?? 'log')}
              disabled={ro}
              onChange={(e) => setSetting('clickToCallSignature', e.target.value)}
            >
              <option value="log">Только записывать несовпадения</option>
              <option value="enforce">Отклонять запросы с неверной подписью</option>
            </SelectField>
          )}
          <div className="form-actions">
            <Button variant="primary" busy={saving} disabled={ro} onClick={() => void save()}>
              Сохранить
            </Button>
          </div>
        </div>
      </section>

      {it.kind === 'moysklad-telephony' && !isNew && <TelephonyTools integrationId={it.id} />}
      {(it.kind === 'moysklad-telephony' || it.kind === 'moysklad-chats') && !isNew && (
        <section className="card">
          <h2 className="card-title">Правила и журнал</h2>
          <div className="page-actions">
            <Link to={`/integrations/${it.id}/rules`} className="btn btn-secondary btn-md">
              <Icon name="list" size={16} /> Правила
            </Link>
            <Link to={`/integrations/${it.id}/activity`} className="btn btn-secondary btn-md">
              <Icon name="inbox" size={16} /> Журнал действий
            </Link>
          </div>
        </section>
      )}

      {otherUrls.length > 0 && (
        <section className="card">
          <h2 className="card-title">Адреса для UIS и МойСклад</h2>
          <div className="stack">
            {otherUrls.map(([name, url]) => (
              <HookUrlField key={name} name={name} url={url} />
            ))}
          </div>
        </section>
      )}

      {isOwner && (
        <section className="card danger-zone">
          <h2 className="card-title">Безопасность</h2>
          <div className="danger-row">
            <div>
              <div className="strong">Сменить секретные адреса</div>
              <div className="muted small">Если адрес попал к посторонним. Старые адреса сразу перестанут работать.</div>
            </div>
            <Button onClick={() => setDialog('rotate')}>
              <Icon name="refresh" size={16} /> Сменить адреса
            </Button>
          </div>
          <div className="danger-row">
            <div>
              <div className="strong">Удалить интеграцию</div>
              <div className="muted small">Учетные данные останутся в разделе «Учетные данные».</div>
            </div>
            <Button variant="danger" onClick={() => setDialog('delete')}>
              <Icon name="trash" size={16} /> Удалить
            </Button>
          </div>
        </section>
      )}

      {dialog === 'rotate' && (
        <ConfirmDialog
          title="Сменить секретные адреса?"
          confirmLabel="Сменить адреса"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const updated = await post<Integration>(`/api/v1/integrations/${it.id}/rotate-secret`);
            onChanged(updated);
            toast.ok('Адреса изменены', 'Вставьте новый Webhook URL в МойСклад и обновите адреса в UIS.');
          }}
        >
          Будут созданы новые адреса (Webhook URL и адреса уведомлений), а <b>старые перестанут работать сразу</b>. Пока вы не вставите новые адреса в МойСклад и UIS,
          звонки и события не будут доходить.
        </ConfirmDialog>
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title="Удалить интеграцию?"
          confirmLabel="Удалить"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await del(`/api/v1/integrations/${it.id}`);
            toast.ok('Интеграция удалена');
            navigate('/integrations');
          }}
        >
          «{it.name}» перестанет принимать события, её адреса перестанут работать.
        </ConfirmDialog>
      )}
    </>
  );
}

type Parts = {
  credentials: (only?: string) => ReactNode;
  active: (label: string, hint?: string) => ReactNode;
  url: (name: string) => ReactNode;
  internalCalls: ReactNode;
  save: ReactNode;
};

type Steps = { items: { title: string; body: ReactNode }[]; urlsInSteps: string[]; after?: string };

/** The steps in the order the product description gives them for each kind. */
function stepsFor(it: Integration, p: Parts): Steps {
  switch (it.kind) {
    case 'moysklad-telephony':
      return {
        urlsInSteps: ['webhookUrl'],
        items: [
          { title: 'Укажите учетные данные', body: <>{p.credentials()}<p className="field-hint">Выберите ранее добавленный «Ключ доступа» или нажмите «Добавить учетные данные»: название и Token из поля «Ключ доступа» приложения МойСклад (шаг 3).</p></> },
          { title: 'Включите интеграцию', body: p.active('Активен') },
          {
            title: 'Подключите в МойСклад модуль UIS',
            body: (
              <>
                <ul className="instructions">
                  <li>В МойСклад откройте раздел <b>Приложения</b> → <b>Выбрать приложение</b>, найдите <b>Телефония — UIS</b> и нажмите «Установить».</li>
                  <li>В поле <b>Адрес провайдера телефонии</b> вставьте Webhook URL ниже.</li>
                  <li>Скопируйте <b>Ключ доступа</b> — это Token для шага 1.</li>
                  <li>Введите внутренние номера сотрудников, как в личном кабинете UIS, отметьте <b>Установлено</b> и сохраните.</li>
                </ul>
                {p.url('webhookUrl')}
              </>
            ),
          },
          { title: 'Внутренние звонки', body: p.internalCalls },
          { title: 'Сохраните настройки', body: p.save },
        ],
        after: 'Проверьте работу на тестовом звонке: карточка звонка, запись в журнале МойСклад, звонок в один клик.',
      };
    case 'moysklad-deals':
      return {
        urlsInSteps: [],
        items: [
          { title: 'Включите передачу сделок', body: p.active('МойСклад — передача сделок') },
          { title: 'Авторизация в МойСклад', body: <>{p.credentials()}<p className="field-hint">Название авторизации и логин с паролем от МойСклад (или токен).</p></> },
          { title: 'Сохраните', body: p.save },
        ],
        after: 'После подключения сделки будут попадать в «Сырые данные → Сделки». Для проверки создайте тестовую сделку в МойСклад.',
      };
    case 'moysklad-chats':
      return {
        urlsInSteps: ['uisChats'],
        items: [
          { title: 'Авторизация в МойСклад', body: p.credentials() },
          { title: 'Включите интеграцию', body: p.active('Активен') },
          { title: 'Укажите адрес в настройках чатов UIS', body: p.url('uisChats') },
          { title: 'Сохраните', body: p.save },
        ],
      };
  }
}

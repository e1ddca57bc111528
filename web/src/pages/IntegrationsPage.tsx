// Интеграции: what is connected (status, on/off, webhook URLs) and what can be connected.
import { useState } from 'react';
import { get, patch, post } from '../api/client.ts';
import type { Integration, IntegrationKind } from '../api/types.ts';
import { Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, Switch } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { HookUrlField, ProblemAlert } from '../components/integration-parts.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { INTEGRATION_KINDS, KIND_ORDER } from '../labels.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

export function IntegrationsPage() {
  const { isOwner } = useSession();
  const toast = useToast();
  const list = useAsync(() => get<Integration[]>('/api/v1/integrations'), []);
  const [creating, setCreating] = useState<IntegrationKind | null>(null);

  const connect = async (kind: IntegrationKind) => {
    setCreating(kind);
    try {
      // Created switched off, so the Webhook URL exists while the user fills in the steps.
      const created = await post<Integration>('/api/v1/integrations', { kind, active: false });
      navigate(`/integrations/${created.id}?new=1`);
    } catch (err) {
      toast.error(err);
      setCreating(null);
    }
  };

  const toggle = async (it: Integration, active: boolean) => {
    try {
      const updated = await patch<Integration>(`/api/v1/integrations/${it.id}`, { active });
      list.setData((list.data ?? []).map((x) => (x.id === it.id ? updated : x)));
      toast.ok(active ? 'Интеграция включена' : 'Интеграция выключена');
    } catch (err) {
      toast.error(err);
    }
  };

  const integrations = list.data ?? [];

  return (
    <>
      <PageHeader title="Интеграции" subtitle="Связь UIS с МойСклад: телефония, сделки для сквозной аналитики и текстовые коммуникации." />
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? (
        <Spinner />
      ) : (
        <>
          {integrations.length > 0 ? (
            <section className="section">
              <h2 className="section-title">Подключенные</h2>
              <div className="integration-list">
                {integrations.map((it) => (
                  <IntegrationCard key={it.id} it={it} canEdit={isOwner} onToggle={(v) => toggle(it, v)} />
                ))}
              </div>
            </section>
          ) : (
            list.data && (
              <EmptyState icon="plug" title="Пока ничего не подключено">
                Выберите ниже, что подключить. Начните с телефонии: понадобится «Ключ доступа» из приложения «Телефония — UIS» в МойСклад.
              </EmptyState>
            )
          )}
          <section className="section">
            <h2 className="section-title">Подключить</h2>
            <div className="catalog">
              {KIND_ORDER.map((kind) => {
                const info = INTEGRATION_KINDS[kind];
                const existing = integrations.filter((i) => i.kind === kind).length;
                return (
                  <div key={kind} className="catalog-card" data-kind={kind}>
                    <div className="catalog-icon">
                      <Icon name={info.icon} size={22} />
                    </div>
                    <h3>{info.title}</h3>
                    <p>{info.description}</p>
                    <div className="catalog-foot">
                      {existing > 0 && <span className="muted small">Подключено: {existing}</span>}
                      {isOwner && (
                        <Button variant={existing ? 'secondary' : 'primary'} busy={creating === kind} disabled={!!creating} onClick={() => connect(kind)}>
                          {existing ? 'Подключить ещё' : 'Подключить'}
                        </Button>
                      )}
                    </div>
                  </div>
                );
              })}
            </div>
            {!isOwner && <p className="muted small">Подключать и настраивать интеграции может владелец аккаунта.</p>}
          </section>
        </>
      )}
    </>
  );
}

function IntegrationCard({ it, canEdit, onToggle }: { it: Integration; canEdit: boolean; onToggle: (v: boolean) => Promise<void> }) {
  const info = INTEGRATION_KINDS[it.kind];
  const [busy, setBusy] = useState(false);
  return (
    <article className={`card integration-card ${it.status !== 'ok' ? 'has-problem' : ''}`} data-testid="integration-card" data-kind={it.kind}>
      <div className="integration-head">
        <div className="catalog-icon">
          <Icon name={info.icon} size={22} />
        </div>
        <div className="integration-title">
          <Link to={`/integrations/${it.id}`} className="integration-name">
            {it.name}
          </Link>
          <div className="muted small">{INTEGRATION_KINDS[it.kind].title}</div>
        </div>
        <div className="integration-badges">
          {it.status === 'credentials_rejected' ? (
            <Badge tone="red">Учетные данные отклонены</Badge>
          ) : it.status !== 'ok' ? (
            <Badge tone="red">Ошибка</Badge>
          ) : it.active ? (
            <Badge tone="green">Активна</Badge>
          ) : (
            <Badge tone="gray">Выключена</Badge>
          )}
        </div>
      </div>
      <ProblemAlert integration={it} />
      <div className="integration-urls">
        {Object.entries(it.hookUrls).map(([name, url]) => (
          <HookUrlField key={name} name={name} url={url} compact />
        ))}
      </div>
      <div className="integration-foot">
        <Switch
          checked={it.active}
          disabled={!canEdit || busy}
          label="Активна"
          onChange={async (v) => {
            setBusy(true);
            await onToggle(v);
            setBusy(false);
          }}
        />
        <Link to={`/integrations/${it.id}`} className="btn btn-secondary btn-md">
          Настроить <Icon name="chevron" size={16} />
        </Link>
      </div>
    </article>
  );
}

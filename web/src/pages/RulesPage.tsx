// Правила: the ordered rules of a telephony/chats integration, told in Russian; switch rules on and
// off, reorder them, edit the main fields of each action, or the whole set as JSON (the server
// validates and its 400 message is shown). «Проверить на примере» runs the rules on a sample.
import { useState, type ReactNode } from 'react';
import { del, get, post, put } from '../api/client.ts';
import type { Preview, PreviewSample, Rule, RuleSet } from '../api/rules.ts';
import { Alert, Badge, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, SelectField, Switch, TextField } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { ConfirmDialog } from '../components/Modal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Link } from '../router.tsx';
import type { PageProps } from '../routes.ts';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

const CH = { call: 'звонок', chat: 'чат', offline: 'офлайн' } as const;
const DIR = { in: 'входящий', out: 'исходящий' } as const;
const OUT = { answered: 'отвеченный', missed: 'пропущенный', lost: 'потерянный' } as const;
const WHO = { answered: 'ответивший', counterparty_owner: 'ответственный за контрагента', last_rang: 'последний, кому звонили', default: 'по умолчанию' } as const;

function describeRule(r: Rule): { when: string; then: string[] } {
  const c = r.conditions;
  const parts: string[] = [];
  if (c.channels) parts.push(c.channels.map((x) => CH[x]).join(' или '));
  if (c.directions) parts.push(c.directions.map((x) => DIR[x]).join(' или '));
  if (c.outcomes) parts.push(c.outcomes.map((x) => OUT[x]).join(' или '));
  if (c.contact === 'first') parts.push('первое обращение');
  if (c.contact === 'returning') parts.push('повторное обращение');
  if (c.virtualNumbers) parts.push(`на номера ${c.virtualNumbers.join(', ')}`);
  if (c.campaigns) parts.push(`кампании ${c.campaigns.join(', ')}`);
  if (c.utmSources) parts.push(`utm_source ${c.utmSources.join(', ')}`);
  if (c.minTalkSec) parts.push(`разговор от ${c.minTalkSec} с`);
  if (c.workingHours === 'inside') parts.push('в рабочее время');
  if (c.workingHours === 'outside') parts.push('в нерабочее время');
  const then: string[] = [];
  const a = r.actions;
  if (a.counterparty) then.push(a.counterparty.mode === 'find_or_create' ? `найти или создать контрагента «${a.counterparty.nameTemplate}»` : 'найти контрагента (не создавать)');
  if (a.order && a.order.mode !== 'never')
    then.push(`${a.order.mode === 'always' ? 'создать заказ' : `создать заказ, если нет открытого за ${a.order.openWithinDays} дн.`}${a.order.stateName ? ` в статусе «${a.order.stateName}»` : ''}`);
  if (a.task) then.push(`создать задачу (ответственный: ${a.task.assignee.map((x) => WHO[x]).join(' → ')})${a.task.autoClose ? ', закрыть при дозвоне' : ''}`);
  if (r.stop) then.push('дальше правила не смотреть');
  return { when: parts.length ? parts.join(', ') : 'любое обращение', then };
}

export function RulesPage({ params }: PageProps) {
  const base = `/api/v1/integrations/${encodeURIComponent(params.id!)}/rules`;
  const data = useAsync(() => get<RuleSet>(base), [base]);
  const back = (
    <Link to={`/integrations/${params.id}`} className="back-link">
      <Icon name="back" size={16} /> Интеграция
    </Link>
  );
  if (data.error) {
    return (
      <>
        <PageHeader title="Правила" back={back} />
        <ErrorBox error={data.error} />
      </>
    );
  }
  if (!data.data) return <Spinner />;
  return <RulesEditor key={data.data.version} base={base} back={back} initial={data.data} onSaved={data.setData} />;
}

function RulesEditor({ base, back, initial, onSaved }: { base: string; back: ReactNode; initial: RuleSet; onSaved: (r: RuleSet) => void }) {
  const { isOwner } = useSession();
  const toast = useToast();
  const [rules, setRules] = useState<Rule[]>(initial.rules);
  const settings = initial.settings;
  const [json, setJson] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reset, setReset] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const body = (): unknown => (json !== null ? JSON.parse(json) : { rules, settings });
  const move = (i: number, d: -1 | 1) => setRules((rs) => {
    const next = [...rs];
    const [r] = next.splice(i, 1);
    next.splice(i + d, 0, r!);
    return next;
  });
  const patchRule = (i: number, f: (r: Rule) => Rule) => setRules((rs) => rs.map((r, j) => (j === i ? f(r) : r)));

  const save = async () => {
    setError(null);
    setBusy(true);
    try {
      const saved = await put<RuleSet>(base, body());
      toast.ok('Правила сохранены');
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Правила"
        back={back}
        subtitle="Что делать в МойСклад после звонка или чата. Правила проверяются сверху вниз."
        actions={initial.isDefault ? <Badge tone="gray">Правила по умолчанию</Badge> : <Badge tone="green">Настроены</Badge>}
      />
      {!isOwner && <Alert kind="info" title="Только просмотр">Изменять правила может владелец аккаунта.</Alert>}
      <section className="card" aria-label="Список правил">
        <div className="card-head">
          <h2 className="card-title">Правила по порядку</h2>
          <Button size="sm" variant="ghost" onClick={() => setJson(json === null ? JSON.stringify({ rules, settings }, null, 2) : null)}>
            {json === null ? 'Редактировать как JSON' : 'Вернуться к списку'}
          </Button>
        </div>
        {json !== null ? (
          <textarea className="input json-editor" aria-label="Правила в JSON" value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} />
        ) : (
          rules.map((r, i) => {
            const d = describeRule(r);
            return (
              <div key={r.id} className={`rule-card ${r.enabled ? '' : 'disabled'}`} data-testid="rule">
                <div className="rule-head">
                  <span className="rule-num">{i + 1}.</span>
                  <span className="rule-name">{r.name}</span>
                  <Switch checked={r.enabled} disabled={!isOwner} onChange={(v) => patchRule(i, (x) => ({ ...x, enabled: v }))} label={r.enabled ? 'Включено' : 'Выключено'} />
                  <Button size="sm" variant="ghost" aria-label="Выше" disabled={!isOwner || i === 0} onClick={() => move(i, -1)}>
                    <Icon name="up" size={16} />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label="Ниже" disabled={!isOwner || i === rules.length - 1} onClick={() => move(i, 1)}>
                    <Icon name="down" size={16} />
                  </Button>
                  <Button size="sm" onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {open === r.id ? 'Свернуть' : 'Изменить'}
                  </Button>
                </div>
                <div className="rule-text">
                  <b>Когда:</b> {d.when}
                  <ul>{d.then.map((t, k) => <li key={k}>{t}</li>)}</ul>
                </div>
                {open === r.id && <RuleFields rule={r} disabled={!isOwner} onChange={(f) => patchRule(i, f)} />}
              </div>
            );
          })
        )}
        <ErrorBox error={error} title="Правила не сохранены" />
        {isOwner && (
          <div className="form-actions">
            <Button variant="primary" busy={busy} onClick={() => void save()}>
              Сохранить
            </Button>
            <Button variant="ghost" onClick={() => setReset(true)}>
              Вернуть правила по умолчанию
            </Button>
          </div>
        )}
      </section>
      <PreviewForm base={base} current={() => body()} />
      {reset && (
        <ConfirmDialog
          title="Вернуть правила по умолчанию?"
          confirmLabel="Вернуть"
          danger
          onClose={() => setReset(false)}
          onConfirm={async () => {
            await del(base);
            onSaved(await get<RuleSet>(base));
            toast.ok('Правила по умолчанию восстановлены');
          }}
        >
          Ваши правила и настройки будут заменены правилами по умолчанию.
        </ConfirmDialog>
      )}
      <p className="muted small">Общие настройки (свои номера, рабочее время, доп. поля) — в режиме «Редактировать как JSON», раздел settings. Сейчас своих номеров: {(settings.ownNumbers ?? []).length}.</p>
    </>
  );
}

function RuleFields({ rule: r, disabled, onChange }: { rule: Rule; disabled: boolean; onChange: (f: (r: Rule) => Rule) => void }) {
  const a = r.actions;
  return (
    <div className="rule-edit">
      <TextField label="Название" value={r.name} disabled={disabled} onChange={(e) => onChange((x) => ({ ...x, name: e.target.value }))} />
      <SelectField
        label="Контрагент"
        disabled={disabled}
        value={a.counterparty?.mode ?? ''}
        onChange={(e) => {
          const mode = e.target.value as 'find' | 'find_or_create' | '';
          onChange((x) => {
            const { counterparty: _c, ...rest } = x.actions;
            return { ...x, actions: mode ? { ...rest, counterparty: { ...(x.actions.counterparty ?? { nameTemplate: 'Клиент {{phone}}', companyType: 'individual', tags: [], owner: ['answered', 'default'] }), mode } } : rest };
          });
        }}
      >
        <option value="">Не трогать</option>
        <option value="find">Найти (не создавать)</option>
        <option value="find_or_create">Найти или создать</option>
      </SelectField>
      {a.counterparty && (
        <TextField label="Имя нового контрагента" value={a.counterparty.nameTemplate} disabled={disabled}
          onChange={(e) => onChange((x) => ({ ...x, actions: { ...x.actions, counterparty: { ...x.actions.counterparty!, nameTemplate: e.target.value } } }))} />
      )}
      <SelectField
        label="Заказ"
        disabled={disabled}
        value={a.order?.mode ?? 'never'}
        onChange={(e) => {
          const mode = e.target.value as 'never' | 'always' | 'if_no_open';
          onChange((x) => {
            const { order: _o, ...rest } = x.actions;
            return { ...x, actions: mode === 'never' ? rest : { ...rest, order: { ...(x.actions.order ?? { openWithinDays: 30, owner: ['answered', 'counterparty_owner', 'default'], descriptionTemplate: 'Обращение: {{summary}} от {{phone}} ({{date}} {{time}}) {{campaign}}', overrides: [] }), mode } } };
          });
        }}
      >
        <option value="never">Не создавать</option>
        <option value="if_no_open">Создать, если нет открытого</option>
        <option value="always">Создавать всегда</option>
      </SelectField>
      {a.order && (
        <TextField label="Статус заказа (название)" value={a.order.stateName ?? ''} disabled={disabled}
          onChange={(e) => onChange((x) => {
            const { stateName: _s, ...o } = x.actions.order!;
            return { ...x, actions: { ...x.actions, order: e.target.value ? { ...o, stateName: e.target.value } : o } };
          })} />
      )}
      <Switch checked={!!a.task} disabled={disabled} label="Создать задачу"
        onChange={(v) => onChange((x) => {
          const { task: _t, ...rest } = x.actions;
          return { ...x, actions: v ? { ...rest, task: { assignee: ['counterparty_owner', 'last_rang', 'default'], due: { kind: 'minutes', minutes: 30 }, descriptionTemplate: 'Перезвонить клиенту {{phone}}: {{summary}} {{date}} {{time}} на {{virtual_number}}. {{counterparty_link}}', autoClose: true } } : rest };
        })} />
      {a.task && (
        <TextField label="Срок задачи, минут" type="number" min={0} value={String(a.task.due.minutes)} disabled={disabled}
          onChange={(e) => onChange((x) => ({ ...x, actions: { ...x.actions, task: { ...x.actions.task!, due: { ...x.actions.task!.due, minutes: Number(e.target.value) || 0 } } } }))} />
      )}
      <Switch checked={r.stop} disabled={disabled} label="Дальше правила не смотреть" onChange={(v) => onChange((x) => ({ ...x, stop: v }))} />
    </div>
  );
}

function PreviewForm({ base, current }: { base: string; current: () => unknown }) {
  const [s, setS] = useState<PreviewSample>({ channel: 'call', direction: 'in', outcome: 'missed', contactPhone: '+79991234567', talkDurationSec: 0, attribution: {} });
  const [result, setResult] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await post<Preview>(`${base}/preview`, { communication: s, rules: current() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-label="Проверить на примере">
      <h2 className="card-title">Проверить на примере</h2>
      <p className="muted small">Ничего не создаёт ни в МойСклад, ни в UIS: показывает, что сделали бы правила (в том числе несохранённые).</p>
      <div className="rule-edit" style={{ marginLeft: 0 }}>
        <SelectField label="Канал" value={s.channel} onChange={(e) => setS({ ...s, channel: e.target.value as PreviewSample['channel'] })}>
          <option value="call">Звонок</option>
          <option value="chat">Чат</option>
          <option value="offline">Офлайн</option>
        </SelectField>
        <SelectField label="Направление" value={s.direction} onChange={(e) => setS({ ...s, direction: e.target.value as PreviewSample['direction'] })}>
          <option value="in">Входящий</option>
          <option value="out">Исходящий</option>
        </SelectField>
        <SelectField label="Итог" value={s.outcome} onChange={(e) => setS({ ...s, outcome: e.target.value as PreviewSample['outcome'] })}>
          <option value="answered">Отвеченный</option>
          <option value="missed">Пропущенный</option>
          <option value="lost">Потерянный</option>
        </SelectField>
        <TextField label="Номер клиента" value={s.contactPhone ?? ''} onChange={(e) => setS({ ...s, contactPhone: e.target.value })} />
        <TextField label="Виртуальный номер" value={s.virtualNumber ?? ''} onChange={(e) => setS({ ...s, virtualNumber: e.target.value || undefined })} />
        <TextField label="Длительность разговора, с" type="number" min={0} value={String(s.talkDurationSec)} onChange={(e) => setS({ ...s, talkDurationSec: Number(e.target.value) || 0 })} />
      </div>
      <div className="form-actions">
        <Button variant="primary" busy={busy} onClick={() => void run()}>
          Проверить
        </Button>
      </div>
      <ErrorBox error={error} />
      {result && (
        <div data-testid="preview-result">
          {result.plan.excluded ? (
            <Alert kind="info" title="Обращение не обрабатывается">{result.plan.excluded.message}</Alert>
          ) : result.actions.length === 0 ? (
            <Alert kind="info" title="Ни одно правило не подошло" />
          ) : (
            <ul className="verdicts">
              {result.actions.map((a, i) => (
                <li key={i} className="verdict verdict-ok">
                  <span className="verdict-icon">✓</span>
                  <div>
                    <div className="strong">{a.text}</div>
                    {a.rule && <div className="muted small">Правило: {a.rule}</div>}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

// Учетные данные: named secrets for MoySklad and UIS. Secrets are write-only — the page only
// ever knows that one is set («задан») and can replace it.
import { useState } from 'react';
import { del, get, patch } from '../api/client.ts';
import { useSubmit } from '../api/use-submit.ts';
import type { Credential, CredentialKind } from '../api/types.ts';
import { CredentialForm } from '../components/CredentialForm.tsx';
import { Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, SelectField, TextField } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { ConfirmDialog, Modal } from '../components/Modal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate } from '../format.ts';
import { CREDENTIAL_KINDS } from '../labels.ts';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

const ALL_KINDS = Object.keys(CREDENTIAL_KINDS) as CredentialKind[];

export function CredentialsPage() {
  const { isOwner } = useSession();
  const toast = useToast();
  const list = useAsync(() => get<Credential[]>('/api/v1/credentials'), []);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Credential | null>(null);
  const [deleting, setDeleting] = useState<Credential | null>(null);
  const creds = list.data ?? [];

  const addButton = isOwner && (
    <Button variant="primary" onClick={() => setAdding(true)}>
      <Icon name="plus" size={16} /> Добавить учетные данные
    </Button>
  );

  return (
    <>
      <PageHeader title="Учетные данные" subtitle="Логины, токены и ключи доступа к МойСклад и UIS. Хранятся зашифрованными; показать их снова нельзя, только заменить." actions={addButton} />
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? (
        <Spinner />
      ) : creds.length === 0 ? (
        list.data && (
          <EmptyState icon="key" title="Учетных данных пока нет" action={addButton}>
            Для телефонии добавьте «Ключ доступа» из приложения «Телефония — UIS» в МойСклад, для передачи сделок — логин и пароль МойСклад.
          </EmptyState>
        )
      ) : (
        <div className="card table-card">
          <table className="table">
            <thead>
              <tr>
                <th>Название</th>
                <th>Тип</th>
                <th>Логин</th>
                <th>Секрет</th>
                <th>Изменены</th>
                {isOwner && <th />}
              </tr>
            </thead>
            <tbody>
              {creds.map((c) => (
                <tr key={c.id} data-testid="credential-row">
                  <td className="strong">{c.name}</td>
                  <td>{CREDENTIAL_KINDS[c.kind].title}</td>
                  <td>{c.login ?? <span className="muted">—</span>}</td>
                  <td>
                    <Badge tone="green">задан</Badge>
                  </td>
                  <td className="muted nowrap">{formatDate(c.updatedAt)}</td>
                  {isOwner && (
                    <td className="row-actions">
                      <Button size="sm" variant="ghost" onClick={() => setEditing(c)}>
                        Изменить
                      </Button>
                      <Button size="sm" variant="ghost" className="danger-text" onClick={() => setDeleting(c)}>
                        Удалить
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {adding && <AddCredentialDialog onClose={() => setAdding(false)} onCreated={(c) => { list.setData([...creds, c]); setAdding(false); toast.ok('Учетные данные добавлены', c.name); }} />}
      {editing && (
        <EditCredentialDialog
          credential={editing}
          onClose={() => setEditing(null)}
          onSaved={(c) => {
            list.setData(creds.map((x) => (x.id === c.id ? c : x)));
            setEditing(null);
            toast.ok('Сохранено', c.name);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Удалить учетные данные?"
          confirmLabel="Удалить"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await del(`/api/v1/credentials/${deleting.id}`);
            list.setData(creds.filter((x) => x.id !== deleting.id));
            toast.ok('Удалено', deleting.name);
          }}
        >
          «{deleting.name}» будут удалены безвозвратно. Если их использует интеграция, сначала выберите в ней другие учетные данные.
        </ConfirmDialog>
      )}
    </>
  );
}

function AddCredentialDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Credential) => void }) {
  const [kind, setKind] = useState<CredentialKind>('moysklad-phone-key');
  return (
    <Modal title="Новые учетные данные" onClose={onClose}>
      <div className="stack">
        <SelectField label="Тип" value={kind} onChange={(e) => setKind(e.target.value as CredentialKind)}>
          {ALL_KINDS.map((k) => (
            <option key={k} value={k}>
              {CREDENTIAL_KINDS[k].title}
            </option>
          ))}
        </SelectField>
        <CredentialForm key={kind} kinds={[kind]} onCreated={onCreated} onCancel={onClose} />
      </div>
    </Modal>
  );
}

function EditCredentialDialog({ credential, onClose, onSaved }: { credential: Credential; onClose: () => void; onSaved: (c: Credential) => void }) {
  const info = CREDENTIAL_KINDS[credential.kind];
  const [name, setName] = useState(credential.name);
  const [login, setLogin] = useState(credential.login ?? '');
  const [secret, setSecret] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const body: Record<string, string> = {};
    if (name.trim() !== credential.name) body.name = name;
    if (info.hasLogin && login.trim() !== (credential.login ?? '')) body.login = login;
    if (secret) body.secret = secret;
    const saved = Object.keys(body).length ? await patch<Credential>(`/api/v1/credentials/${credential.id}`, body) : credential;
    setSecret('');
    onSaved(saved);
  });

  return (
    <Modal title="Изменить учетные данные" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <div className="muted small">{info.title}</div>
        <TextField label="Название" required value={name} onChange={(e) => setName(e.target.value)} />
        {info.hasLogin && <TextField label="Логин МойСклад" required value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="off" />}
        <TextField
          label={`${info.secretLabel}: задан`}
          type="password"
          autoComplete="new-password"
          placeholder="Оставьте пустым, чтобы не менять"
          hint="Введите новое значение, только если хотите заменить текущее."
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
        <ErrorBox error={error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Сохранить
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Отмена
          </Button>
        </div>
      </form>
    </Modal>
  );
}

// Пользователи и API-токены. Owners add users and issue API tokens (shown once), members only look.
import { useState, type FormEvent } from 'react';
import { del, get, post } from '../api/client.ts';
import { useSubmit } from '../api/use-submit.ts';
import type { ApiToken, Role, User } from '../api/types.ts';
import { CopyField } from '../components/CopyField.tsx';
import { Alert, Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, SelectField, TextField } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { ConfirmDialog, Modal } from '../components/Modal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate, ROLE_LABELS } from '../format.ts';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

export function UsersPage() {
  const { isOwner } = useSession();
  return (
    <>
      <PageHeader title="Пользователи и API-токены" subtitle="Кто может входить в кабинет этого аккаунта, и токены для доступа к API из ваших систем." />
      <UsersSection isOwner={isOwner} />
      {isOwner ? <TokensSection /> : <Alert kind="info" title="API-токены">Создавать и отзывать API-токены может владелец аккаунта.</Alert>}
    </>
  );
}

function UsersSection({ isOwner }: { isOwner: boolean }) {
  const { me } = useSession();
  const toast = useToast();
  const users = useAsync(() => get<User[]>('/api/v1/users'), []);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<User | null>(null);

  return (
    <section className="card">
      <div className="card-head">
        <h2 className="card-title">Пользователи</h2>
        {isOwner && (
          <Button variant="primary" onClick={() => setAdding(true)}>
            <Icon name="plus" size={16} /> Добавить пользователя
          </Button>
        )}
      </div>
      <ErrorBox error={users.error} />
      {!users.data ? (
        users.loading && <Spinner />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Роль</th>
              <th>Добавлен</th>
              {isOwner && <th />}
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <td className="strong">
                  {u.email} {u.id === me.user?.id && <span className="muted">(вы)</span>}
                </td>
                <td>
                  <Badge tone={u.role === 'owner' ? 'violet' : 'gray'}>{ROLE_LABELS[u.role]}</Badge> {u.isOperator && <Badge tone="blue">Оператор</Badge>}
                </td>
                <td className="muted nowrap">{formatDate(u.createdAt)}</td>
                {isOwner && (
                  <td className="row-actions">
                    {u.id !== me.user?.id && (
                      <Button size="sm" variant="ghost" className="danger-text" onClick={() => setRemoving(u)}>
                        Удалить
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddUserDialog
          onClose={() => setAdding(false)}
          onCreated={(u) => {
            users.setData([...(users.data ?? []), u]);
            setAdding(false);
            toast.ok('Пользователь добавлен', 'Передайте ему e-mail и пароль для входа.');
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title="Удалить пользователя?"
          confirmLabel="Удалить"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await del(`/api/v1/users/${removing.id}`);
            users.setData((users.data ?? []).filter((x) => x.id !== removing.id));
            toast.ok('Пользователь удалён', removing.email);
          }}
        >
          {removing.email} больше не сможет войти в кабинет.
        </ConfirmDialog>
      )}
    </section>
  );
}

function AddUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (u: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const { busy, error, submit } = useSubmit(async () => {
    onCreated(await post<User>('/api/v1/users', { email: email.trim(), password, role }));
  });
  return (
    <Modal title="Новый пользователь" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <TextField label="E-mail" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        <TextField label="Пароль" type="password" required minLength={10} hint="Не короче 10 символов. Пользователь сможет сменить его после входа." value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        <SelectField label="Роль" value={role} onChange={(e) => setRole(e.target.value as Role)} hint="Участник видит данные, владелец ещё и меняет настройки, пользователей и токены.">
          <option value="member">Участник</option>
          <option value="owner">Владелец</option>
        </SelectField>
        <ErrorBox error={error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Добавить
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Отмена
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function TokensSection() {
  const toast = useToast();
  const tokens = useAsync(() => get<ApiToken[]>('/api/v1/api-tokens'), []);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fresh, setFresh] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ token: string; apiToken: ApiToken }>('/api/v1/api-tokens', { name });
      tokens.setData([...(tokens.data ?? []), r.apiToken]);
      setFresh({ token: r.token, name: r.apiToken.name });
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <div className="card-head">
        <h2 className="card-title">API-токены</h2>
      </div>
      <p className="muted small">
        Запросы к API с заголовком <code>Authorization: Bearer &lt;токен&gt;</code> работают от имени владельца этого аккаунта. Описание API: <a href="/api/openapi.json">openapi.json</a>.
      </p>
      <form className="inline-form" onSubmit={create}>
        <TextField label="Название нового токена" placeholder="Например: CRM-отчёты" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <Button type="submit" variant="primary" busy={busy}>
          Создать токен
        </Button>
      </form>
      <ErrorBox error={error} />
      <ErrorBox error={tokens.error} />
      {tokens.data && tokens.data.length === 0 && <p className="muted">Токенов пока нет. Создайте первый, чтобы обращаться к API из своих систем.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Название</th>
              <th>Начало токена</th>
              <th>Создан</th>
              <th>Последнее использование</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <td className="strong">{t.name}</td>
                <td className="mono">{t.prefix}…</td>
                <td className="muted nowrap">{formatDate(t.createdAt)}</td>
                <td className="muted nowrap">{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'не использовался'}</td>
                <td className="row-actions">
                  <Button size="sm" variant="ghost" className="danger-text" onClick={() => setRevoking(t)}>
                    Отозвать
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {fresh && (
        <Modal title="Токен создан" onClose={() => setFresh(null)} footer={<Button variant="primary" onClick={() => setFresh(null)}>Я скопировал токен</Button>}>
          <div className="stack">
            <Alert kind="warn" title="Скопируйте токен сейчас">
              Он показывается только один раз. Если потеряете — отзовите его и создайте новый.
            </Alert>
            <CopyField label={fresh.name} value={fresh.token} testId="new-token" />
          </div>
        </Modal>
      )}
      {revoking && (
        <ConfirmDialog
          title="Отозвать токен?"
          confirmLabel="Отозвать"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await del(`/api/v1/api-tokens/${revoking.id}`);
            tokens.setData((tokens.data ?? []).filter((x) => x.id !== revoking.id));
            toast.ok('Токен отозван', revoking.name);
          }}
        >
          Системы, которые используют «{revoking.name}», сразу потеряют доступ к API.
        </ConfirmDialog>
      )}
    </section>
  );
}

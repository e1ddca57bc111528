// Аккаунты (operators only): every tenant, creating one with its first owner, and switching the
// account the whole cabinet shows (sent as X-Account-Id).
import { useState } from 'react';
import { get, post } from '../api/client.ts';
import { useSubmit } from '../api/use-submit.ts';
import type { Account, User } from '../api/types.ts';
import { Badge, EmptyState, ErrorBox, Spinner } from '../components/feedback.tsx';
import { Button, TextField } from '../components/form.tsx';
import { Icon } from '../components/icons.tsx';
import { Modal } from '../components/Modal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate } from '../format.ts';
import { useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { useAsync } from '../use-async.ts';

export function AccountsPage() {
  const session = useSession();
  const toast = useToast();
  const accounts = useAsync(() => get<Account[]>('/api/v1/accounts'), []);
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState('');
  const viewing = session.account?.id;
  const own = session.me.user?.accountId;
  const shown = (accounts.data ?? []).filter((a) => !filter || a.name.toLowerCase().includes(filter.toLowerCase()) || a.id.startsWith(filter));

  return (
    <>
      <PageHeader
        title="Аккаунты"
        subtitle="Все клиенты сервиса. Откройте аккаунт, чтобы настраивать его интеграции от имени оператора."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={16} /> Создать аккаунт
          </Button>
        }
      />
      <ErrorBox error={accounts.error} />
      {!accounts.data ? (
        accounts.loading && <Spinner />
      ) : accounts.data.length === 0 ? (
        <EmptyState icon="building" title="Аккаунтов нет">Создайте первый аккаунт клиента с его владельцем.</EmptyState>
      ) : (
        <div className="card table-card">
          {accounts.data.length > 8 && (
            <div className="table-filter">
              <input className="input" placeholder="Поиск по названию или id" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Поиск аккаунта" />
            </div>
          )}
          <table className="table">
            <thead>
              <tr>
                <th>Название</th>
                <th>Создан</th>
                <th>Id</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.id} className={a.id === viewing ? 'row-current' : ''}>
                  <td className="strong">
                    {a.name} {a.id === own && <Badge tone="violet">ваш</Badge>} {a.id === viewing && <Badge tone="blue">открыт</Badge>}
                  </td>
                  <td className="muted nowrap">{formatDate(a.createdAt)}</td>
                  <td className="mono muted small">{a.id}</td>
                  <td className="row-actions">
                    {a.id !== viewing && (
                      <Button size="sm" onClick={() => session.switchAccount(a.id)}>
                        Открыть
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateAccountDialog
          onClose={() => setCreating(false)}
          onCreated={(a, owner) => {
            accounts.setData([...(accounts.data ?? []), a]);
            setCreating(false);
            toast.ok(`Аккаунт «${a.name}» создан`, `Владелец: ${owner.email}`);
          }}
        />
      )}
    </>
  );
}

function CreateAccountDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (a: Account, owner: User) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const r = await post<{ account: Account; owner: User }>('/api/v1/accounts', { name, owner: { email: email.trim(), password } });
    onCreated(r.account, r.owner);
  });
  return (
    <Modal title="Новый аккаунт" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <TextField label="Название аккаунта" placeholder="ООО «Ромашка»" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="form-section-label">Первый владелец</div>
        <TextField label="E-mail владельца" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        <TextField label="Пароль владельца" type="password" required minLength={10} hint="Не короче 10 символов." value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        <ErrorBox error={error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Создать
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Отмена
          </Button>
        </div>
      </form>
    </Modal>
  );
}

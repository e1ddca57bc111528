// Adding credentials: a name, the MoySklad login for login+password credentials, and the secret.
// The secret goes to the server once and is never shown again (the API cannot return it).
import { useState, type FormEvent } from 'react';
import { post } from '../api/client.ts';
import type { Credential, CredentialKind } from '../api/types.ts';
import { CREDENTIAL_KINDS } from '../labels.ts';
import { ErrorBox } from './feedback.tsx';
import { Button, TextField } from './form.tsx';

const SHORT_KIND_LABELS: Partial<Record<CredentialKind, string>> = { 'moysklad-basic': 'Логин и пароль', 'moysklad-token': 'Токен' };

export function CredentialForm({
  kinds,
  onCreated,
  onCancel,
  submitLabel = 'Добавить',
}: {
  kinds: readonly CredentialKind[];
  onCreated: (c: Credential) => void;
  onCancel?: () => void;
  submitLabel?: string;
}) {
  const [kind, setKind] = useState<CredentialKind>(kinds[0]!);
  const [name, setName] = useState('');
  const [login, setLogin] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const info = CREDENTIAL_KINDS[kind];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setBusy(true);
    setError(null);
    try {
      const body = info.hasLogin ? { kind, name, login, secret } : { kind, name, secret };
      const created = await post<Credential>('/api/v1/credentials', body);
      setSecret('');
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="credential-form" onSubmit={submit} aria-label="Новые учетные данные">
      {kinds.length > 1 && (
        <div className="segmented" role="radiogroup" aria-label="Тип учетных данных">
          {kinds.map((k) => (
            <button key={k} type="button" role="radio" aria-checked={k === kind} className={k === kind ? 'active' : ''} onClick={() => setKind(k)}>
              {kinds.length <= 2 ? (SHORT_KIND_LABELS[k] ?? CREDENTIAL_KINDS[k].title) : CREDENTIAL_KINDS[k].title}
            </button>
          ))}
        </div>
      )}
      <p className="field-hint">{info.hint}</p>
      <TextField label="Название" placeholder="Например: Основной МойСклад" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      {info.hasLogin && <TextField label="Логин МойСклад" autoComplete="off" required value={login} onChange={(e) => setLogin(e.target.value)} placeholder="admin@company" />}
      <TextField label={info.secretLabel} type="password" autoComplete="new-password" required value={secret} onChange={(e) => setSecret(e.target.value)} />
      <ErrorBox error={error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Отмена
          </Button>
        )}
      </div>
    </form>
  );
}

// Смена пароля. The server ends all of the user's sessions, so we go back to the login page.
import { useState, type FormEvent } from 'react';
import { put } from '../api/client.ts';
import { Alert, ErrorBox } from '../components/feedback.tsx';
import { Button, TextField } from '../components/form.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useSession } from '../session.tsx';

export function PasswordPage() {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = repeat.length > 0 && next !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return;
    setBusy(true);
    setError(null);
    try {
      await put('/api/v1/me/password', { currentPassword: current, newPassword: next });
      await session.logout('Пароль изменён. Войдите с новым паролем.');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (session.me.via !== 'session') return <Alert kind="info" title="У API-токена нет пароля" />;

  return (
    <>
      <PageHeader title="Смена пароля" subtitle={session.me.user?.email} />
      <form className="card narrow stack" onSubmit={submit}>
        <TextField label="Текущий пароль" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <TextField label="Новый пароль" type="password" autoComplete="new-password" required minLength={10} hint="Не короче 10 символов." value={next} onChange={(e) => setNext(e.target.value)} />
        <TextField label="Новый пароль ещё раз" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        {mismatch && <div className="field-error">Пароли не совпадают.</div>}
        <ErrorBox error={error} title="Пароль не изменён" />
        <p className="muted small">После смены пароля все ваши сеансы завершатся — войдите снова с новым паролем.</p>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={mismatch}>
            Сменить пароль
          </Button>
        </div>
      </form>
    </>
  );
}

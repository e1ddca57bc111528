// Вход: e-mail + password → session cookie.
import { useState } from 'react';
import { post } from '../api/client.ts';
import { useSubmit } from '../api/use-submit.ts';
import { ErrorBox } from '../components/feedback.tsx';
import { Button, TextField } from '../components/form.tsx';

export function LoginPage({ onLoggedIn, notice }: { onLoggedIn: () => Promise<void>; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await post('/api/v1/auth/login', { email: email.trim(), password });
    await onLoggedIn();
  });

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit} aria-label="Вход">
        <div className="brand brand-lg">
          <span className="brand-mark">U</span>
          <span>
            UIS <span className="brand-x">×</span> МойСклад
          </span>
        </div>
        <h1>Вход в кабинет</h1>
        <p className="muted">Интеграция телефонии, чатов и сделок с МойСклад.</p>
        {notice && <div className="alert alert-ok">{notice}</div>}
        <TextField label="E-mail" type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Пароль" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorBox error={error} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Войти
        </Button>
      </form>
    </div>
  );
}

// Decides between the login page and the signed-in shell, and keeps the session state.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, get, getActingAccountId, onUnauthorized, post, setActingAccountId } from './api/client.ts';
import type { Me } from './api/types.ts';
import { ErrorBox, Spinner } from './components/feedback.tsx';
import { Button } from './components/form.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { navigate, useLocation } from './router.tsx';
import { SessionContext, type Session } from './session.tsx';
import { Shell } from './Shell.tsx';

type State = { kind: 'loading' } | { kind: 'anonymous'; notice?: string | null } | { kind: 'failed'; error: unknown } | { kind: 'signed-in'; me: Me };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [epoch, setEpoch] = useState(0);
  const { path } = useLocation();

  const refresh = useCallback(async () => {
    try {
      const me = await get<Me>('/api/v1/me');
      setState({ kind: 'signed-in', me });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return setState({ kind: 'anonymous' });
      // The account an operator was looking at is gone (or they lost the operator role).
      if (err instanceof ApiError && getActingAccountId() && (err.status === 403 || err.status === 404)) {
        setActingAccountId(null);
        return refresh();
      }
      setState({ kind: 'failed', error: err });
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => setState({ kind: 'anonymous', notice: 'Сессия закончилась — войдите снова.' }));
  }, [refresh]);

  const session = useMemo<Session | null>(() => {
    if (state.kind !== 'signed-in') return null;
    const { me } = state;
    return {
      me,
      account: me.account,
      actingForOther: !!me.user && !!me.account && me.user.accountId !== me.account.id,
      isOwner: me.role === 'owner',
      switchAccount: (id) => {
        setActingAccountId(id && id !== me.user?.accountId ? id : null);
        // Every page reloads its data for the newly chosen account.
        setEpoch((n) => n + 1);
        navigate('/integrations');
        void refresh();
      },
      refresh,
      logout: async (notice) => {
        await post('/api/v1/auth/logout').catch(() => {});
        setActingAccountId(null);
        setState({ kind: 'anonymous', notice: notice ?? null });
        navigate('/login', { replace: true });
      },
    };
  }, [state, refresh]);

  if (state.kind === 'loading') return <div className="center-screen"><Spinner /></div>;
  if (state.kind === 'failed') {
    return (
      <div className="center-screen">
        <div className="login-card">
          <ErrorBox error={state.error} title="Не удалось открыть кабинет" />
          <Button variant="primary" onClick={() => void refresh()}>
            Повторить
          </Button>
        </div>
      </div>
    );
  }
  if (state.kind === 'anonymous' || !session) {
    return (
      <LoginPage
        notice={state.kind === 'anonymous' ? state.notice : null}
        onLoggedIn={async () => {
          setActingAccountId(null);
          await refresh();
          if (path === '/login') navigate('/', { replace: true });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell key={epoch} />
    </SessionContext.Provider>
  );
}

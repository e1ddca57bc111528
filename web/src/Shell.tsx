// The signed-in layout: sidebar navigation, the operator's "viewing another account" banner, the page.
import { useEffect } from 'react';
import { Icon } from './components/icons.tsx';
import { EmptyState } from './components/feedback.tsx';
import { Button } from './components/form.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import { HOME, ROUTES, type RouteDef } from './routes.ts';
import { useSession } from './session.tsx';

function findRoute(path: string, isOperator: boolean): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    if (route.operatorOnly && !isOperator) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

export function Shell() {
  const session = useSession();
  const { me, account } = session;
  const { path } = useLocation();

  useEffect(() => {
    if (path === '/' || path === '/login') navigate(HOME, { replace: true });
  }, [path]);

  const found = findRoute(path, me.isOperator);
  const nav = ROUTES.filter((r) => r.nav && (!r.operatorOnly || me.isOperator));
  let lastGroup: string | undefined;

  return (
    <div className="layout">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark">U</span>
          <span>
            UIS <span className="brand-x">×</span> МойСклад
          </span>
        </div>
        <div className="sidebar-account" title={account?.id}>
          <div className="sidebar-account-label">Аккаунт</div>
          <div className="sidebar-account-name">{account?.name ?? '—'}</div>
        </div>
        <nav className="nav" aria-label="Разделы">
          {nav.map((r) => {
            const group = r.nav!.group;
            const heading = group !== lastGroup ? group ? <div className="nav-group">{group}</div> : <div className="nav-sep" /> : null;
            lastGroup = r.nav!.group;
            const active = path === r.path || path.startsWith(r.path + '/');
            return (
              <div key={r.path}>
                {heading}
                <Link to={r.path} className={`nav-link ${active ? 'active' : ''} ${r.nav!.group ? 'nav-sub' : ''}`} aria-current={active ? 'page' : undefined}>
                  <Icon name={r.nav!.icon} />
                  {r.nav!.label}
                </Link>
              </div>
            );
          })}
        </nav>
        <div className="sidebar-foot">
          <div className="sidebar-user">
            <div className="avatar">{(me.user?.email ?? '?').slice(0, 1).toUpperCase()}</div>
            <div className="sidebar-user-text">
              <div className="sidebar-user-email">{me.user?.email}</div>
              <div className="sidebar-user-role">{me.isOperator ? 'Оператор' : me.role === 'owner' ? 'Владелец' : 'Участник'}</div>
            </div>
          </div>
          <Link to="/password" className={`nav-link ${path === '/password' ? 'active' : ''}`}>
            <Icon name="lock" />
            Сменить пароль
          </Link>
          <button type="button" className="nav-link" onClick={() => void session.logout()}>
            <Icon name="logout" />
            Выйти
          </button>
        </div>
      </aside>
      <main className="main">
        {session.actingForOther && (
          <div className="acting-banner">
            <span>
              Вы работаете в аккаунте <b>«{account?.name}»</b> как оператор.
            </span>
            <Button size="sm" variant="secondary" onClick={() => session.switchAccount(null)}>
              Вернуться в свой аккаунт
            </Button>
          </div>
        )}
        <div className="content">
          {found ? (
            <found.route.component key={found.route.path + JSON.stringify(found.params)} params={found.params} />
          ) : (
            <EmptyState icon="alert" title="Такой страницы нет" action={<Button onClick={() => navigate(HOME)}>К интеграциям</Button>}>
              Проверьте адрес или выберите раздел слева.
            </EmptyState>
          )}
        </div>
      </main>
    </div>
  );
}

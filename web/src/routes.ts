// The page table. A new page = one file in pages/ + one line here (and a nav entry if it has one).
import type { ComponentType } from 'react';
import type { IconName } from './components/icons.tsx';
import { AccountsPage } from './pages/AccountsPage.tsx';
import { ActivityPage } from './pages/ActivityPage.tsx';
import { CredentialsPage } from './pages/CredentialsPage.tsx';
import { DealPage } from './pages/DealPage.tsx';
import { DealsAttributionPage } from './pages/DealsAttributionPage.tsx';
import { DealsPage } from './pages/DealsPage.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { IntegrationPage } from './pages/IntegrationPage.tsx';
import { IntegrationsPage } from './pages/IntegrationsPage.tsx';
import { PasswordPage } from './pages/PasswordPage.tsx';
import { RulesPage } from './pages/RulesPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';

export type PageProps = { params: Record<string, string> };

export type RouteDef = {
  path: string;
  component: ComponentType<PageProps>;
  /** Shown in the sidebar when set; `group` puts it under a heading (e.g. «Сырые данные»). */
  nav?: { label: string; icon: IconName; group?: string };
  operatorOnly?: boolean;
};

export const ROUTES: RouteDef[] = [
  { path: '/integrations', component: IntegrationsPage, nav: { label: 'Интеграции', icon: 'plug' } },
  { path: '/integrations/:id', component: IntegrationPage },
  { path: '/integrations/:id/rules', component: RulesPage },
  { path: '/integrations/:id/activity', component: ActivityPage },
  { path: '/activity', component: ActivityPage, nav: { label: 'Журнал действий', icon: 'list' } },
  { path: '/credentials', component: CredentialsPage, nav: { label: 'Учетные данные', icon: 'key' } },
  { path: '/raw/deals', component: DealsPage, nav: { label: 'Сделки', icon: 'deals', group: 'Сырые данные' } },
  { path: '/raw/deals/attribution', component: DealsAttributionPage },
  { path: '/raw/deals/:id', component: DealPage },
  { path: '/raw/inbox', component: InboxPage, nav: { label: 'Входящие', icon: 'inbox', group: 'Сырые данные' } },
  { path: '/users', component: UsersPage, nav: { label: 'Пользователи и API-токены', icon: 'users' } },
  { path: '/accounts', component: AccountsPage, nav: { label: 'Аккаунты', icon: 'building' }, operatorOnly: true },
  { path: '/password', component: PasswordPage },
];

export const HOME = '/integrations';

// Errors, empty states, badges and a spinner: how a page tells the user what is going on.
import type { ReactNode } from 'react';
import { describeError } from '../api/errors.ts';
import { Icon, type IconName } from './icons.tsx';

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = describeError(error);
  return (
    <div className="alert alert-error" role="alert">
      <Icon name="alert" />
      <div>
        <div className="alert-title">{title ?? e.title}</div>
        {e.detail && <div className="alert-detail">{e.detail}</div>}
      </div>
    </div>
  );
}

export function Alert({ kind, title, children }: { kind: 'error' | 'warn' | 'info' | 'ok'; title: ReactNode; children?: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : undefined}>
      <Icon name={kind === 'ok' ? 'check' : kind === 'info' ? 'info' : 'alert'} />
      <div>
        <div className="alert-title">{title}</div>
        {children && <div className="alert-detail">{children}</div>}
      </div>
    </div>
  );
}

export function EmptyState({ icon, title, children, action }: { icon: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} size={26} />
      </div>
      <div className="empty-title">{title}</div>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'green' | 'gray' | 'red' | 'amber' | 'blue' | 'violet'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Spinner({ label = 'Загрузка…' }: { label?: string }) {
  return (
    <div className="spinner-row" aria-busy="true">
      <span className="spinner" /> {label}
    </div>
  );
}

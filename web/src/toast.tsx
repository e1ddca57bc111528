// Short confirmations in the corner ("Сохранено"), and errors that have no form to sit under.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { describeError } from './api/errors.ts';

type Toast = { id: number; kind: 'ok' | 'error'; title: string; detail?: string | null };
type Toaster = { ok: (title: string, detail?: string) => void; error: (err: unknown) => void };

const ToastContext = createContext<Toaster>({ ok: () => {}, error: () => {} });
export const useToast = () => useContext(ToastContext);

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((t: Omit<Toast, 'id'>) => {
    const id = nextId++;
    setToasts((list) => [...list.slice(-3), { ...t, id }]);
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), t.kind === 'ok' ? 3500 : 8000);
  }, []);
  const [api] = useState<Toaster>(() => ({
    ok: (title, detail) => push({ kind: 'ok', title, detail }),
    error: (err) => push({ kind: 'error', ...describeError(err) }),
  }));
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <div className="toast-title">{t.title}</div>
            {t.detail && <div className="toast-detail">{t.detail}</div>}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

// The one place that talks HTTP to the cabinet API: JSON in and out, the session cookie rides
// along by itself, an operator's chosen account goes in `X-Account-Id`, and every failure becomes
// an ApiError carrying the server's `{error:{code,message}}`.

const ACTING_ACCOUNT_KEY = 'usm.actingAccountId';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the session is gone (401), so the shell can show the login page. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export function getActingAccountId(): string | null {
  return sessionStorage.getItem(ACTING_ACCOUNT_KEY);
}

export function setActingAccountId(id: string | null): void {
  if (id) sessionStorage.setItem(ACTING_ACCOUNT_KEY, id);
  else sessionStorage.removeItem(ACTING_ACCOUNT_KEY);
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const acting = getActingAccountId();
  if (acting) headers['x-account-id'] = acting;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    const error = new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? (text.slice(0, 300) || res.statusText));
    if (res.status === 401 && !path.endsWith('/auth/login')) unauthorizedListeners.forEach((fn) => fn());
    throw error;
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = (path: string) => api<void>('DELETE', path);

import type { FastifyRequest } from 'fastify';
import type { AccountRegistry, Principal } from '../model/accounts.ts';
import { err } from './errors.ts';

/** Basic login:password or Bearer token → principal; anything else is 401 / 1056. */
export function authenticate(registry: AccountRegistry, req: FastifyRequest): Principal {
  const h = req.headers.authorization;
  if (!h) throw err.auth('не указаны данные для аутентификации');
  const [scheme = '', value = ''] = h.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const p = i > 0 ? registry.byBasic(decoded.slice(0, i), decoded.slice(i + 1)) : undefined;
    if (!p) throw err.auth();
    return p;
  }
  if (scheme.toLowerCase() === 'bearer') {
    const p = registry.byBearer(value);
    if (!p) throw err.auth();
    return p;
  }
  throw err.auth();
}

/** Cheap account lookup for counters/faults (no password check, no limits). */
export function accountNameOf(registry: AccountRegistry, req: FastifyRequest): string | undefined {
  const phoneKey = req.headers['lognex-phone-auth-token'];
  if (typeof phoneKey === 'string') return registry.byPhoneKey(phoneKey)?.name;
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme = '', value = ''] = h.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return registry.byBearer(value)?.account.name;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return registry.byLogin(decoded.slice(0, decoded.indexOf(':')))?.name;
  }
  return undefined;
}

/** Every value of a header that may be repeated (Node joins repeats with ", "). */
export function headerValues(req: FastifyRequest, name: string): string[] {
  const out: string[] = [];
  const raw = req.raw.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) out.push(raw[i + 1] ?? '');
  return out;
}

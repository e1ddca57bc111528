// MoySklad → vendor calls (activation PUT, deactivation DELETE) with a fresh HS256 JWT each attempt
// and the documented retry rule: 4xx or 551 is final; other 5xx, timeouts and network errors are
// retried (every 10 s for 3 min by default) with the same X_Lognex_RequestId.
import { randomBytes, randomUUID } from 'node:crypto';
import { signHs256 } from './jwt.ts';
import type { VendorApp } from './port.ts';

export interface DeliveryAttempt {
  method: 'PUT' | 'DELETE';
  url: string;
  requestId: string;
  /** Claims of the JWT we sent (the token itself is a credential and is not kept). */
  jwtClaims: { iat: number; exp: number; jti: string };
  body: unknown;
  at: number;
  status?: number;
  responseBody?: string;
  error?: string;
}

export interface RetryPolicy {
  retryDelayMs: number;
  retryWindowMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryDelayMs: 10_000, retryWindowMs: 180_000, timeoutMs: 10_000 };

export const appUrl = (app: VendorApp, accountId: string): string =>
  `${app.endpointBase.replace(/\/+$/, '')}/api/moysklad/vendor/1.0/apps/${encodeURIComponent(app.appId)}/${encodeURIComponent(accountId)}`;

const isFinal = (status: number): boolean => status < 500 || status === 551;

export async function deliver(
  app: VendorApp,
  method: 'PUT' | 'DELETE',
  url: string,
  body: unknown,
  policy: RetryPolicy,
  log: DeliveryAttempt[],
): Promise<DeliveryAttempt> {
  const requestId = randomUUID();
  const started = Date.now();
  for (;;) {
    const iat = Math.floor(Date.now() / 1000);
    const jwtClaims = { iat, exp: iat + 300, jti: randomBytes(16).toString('hex') };
    const attempt: DeliveryAttempt = { method, url, requestId, jwtClaims, body, at: Date.now() };
    log.push(attempt);
    try {
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${signHs256(jwtClaims, app.secretKey)}`,
          'content-type': 'application/json',
          X_Lognex_RequestId: requestId,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      attempt.status = res.status;
      attempt.responseBody = await res.text();
      if (res.status >= 200 && res.status < 300) return attempt;
      if (isFinal(res.status)) return attempt;
    } catch (err) {
      attempt.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (Date.now() + policy.retryDelayMs - started > policy.retryWindowMs) return attempt;
    await new Promise((r) => setTimeout(r, policy.retryDelayMs));
  }
}

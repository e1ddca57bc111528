// The one way to build a JSON API client from a stored credential, so every module that talks to
// MoySklad for an account is charged against the same gate row (principal) with the same weight.
import type { FetchLike } from '../transport.ts';
import type { RequestGate } from '../gate.ts';
import { JsonApiClient } from './client.ts';

export type StoredMoyskladCredential = { id: string; kind: string; login: string | null; secret: string };

export function jsonApiClientForCredential(
  cred: StoredMoyskladCredential,
  opts: { accountId: string; baseUrl: string; gate: RequestGate; publicUrl: string; timeoutMs?: number; fetch?: FetchLike },
): JsonApiClient {
  const basic = cred.kind === 'moysklad-basic';
  return new JsonApiClient({
    auth: basic ? { kind: 'basic', login: cred.login ?? '', password: cred.secret } : { kind: 'bearer', token: cred.secret },
    baseUrl: opts.baseUrl,
    // Who MoySklad counts: the credential (its id, never the secret).
    principal: `${opts.accountId}:json:${cred.id}`,
    gate: opts.gate,
    // Login/password and user tokens both weigh 4 units from 2026-12-01 (only solution tokens weigh 1,
    // and customers give us user tokens).
    weight: 4,
    // Our own writes must not come back to us as webhooks.
    webhookDisablePrefix: `${opts.publicUrl}/hooks/moysklad/`,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

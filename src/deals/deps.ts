// What the deals module needs from the program, assembled once by the composition root.
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import type { IntegrationRow, IntegrationsRepository } from '../integrations/index.ts';
import { AuthError, jsonApiClientForCredential, type JsonApiClient, type RequestGate } from '../moysklad/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { DealsRepository } from './deals-repository.ts';

export type DealsDeps = {
  db: Db;
  repo: DealsRepository;
  credentials: CredentialsRepository;
  integrations: IntegrationsRepository;
  queue: () => JobQueue;
  gate: RequestGate;
  log: Logger;
  jsonApiUrl: string;
  publicUrl: string;
  /** Pages fetched at once by the backfill (the gate still caps requests in flight). */
  backfillParallel?: number;
};

export type DealsClient = { client: JsonApiClient; authKind: 'basic' | 'bearer' };

export class CredentialsMissingError extends Error {}

/** A JSON API client for the integration's MoySklad credential; never calls /security/token. */
export async function clientFor(deps: DealsDeps, integration: IntegrationRow): Promise<DealsClient> {
  const credentialId = integration.credentialIds['moysklad'];
  const cred = credentialId ? await deps.credentials.reveal(integration.accountId, credentialId) : undefined;
  if (!cred) throw new CredentialsMissingError('no MoySklad credential');
  const basic = cred.kind === 'moysklad-basic';
  const client = jsonApiClientForCredential(cred, { accountId: integration.accountId, baseUrl: deps.jsonApiUrl, gate: deps.gate, publicUrl: deps.publicUrl });
  return { client, authKind: basic ? 'basic' : 'bearer' };
}

/** Marks the integration's credentials as rejected so the cabinet shows it; true when it was an auth error. */
export async function reportAuthFailure(deps: DealsDeps, integration: IntegrationRow, err: unknown): Promise<boolean> {
  if (!(err instanceof AuthError) && !(err instanceof CredentialsMissingError)) return false;
  await deps.integrations.update(integration.accountId, integration.id, {
    status: 'credentials_rejected',
    statusReason: 'МойСклад не принял логин/пароль или токен. Проверьте учетные данные и сохраните интеграцию снова.',
  });
  return true;
}

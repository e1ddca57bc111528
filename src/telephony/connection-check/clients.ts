// Builds the API clients of one moysklad-telephony integration from its credentials. Every
// telephony service goes through here, so the gate and the base URLs are decided in one place.
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../../accounts/index.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { IntegrationRow, IntegrationsRepository } from '../../integrations/index.ts';
import { jsonApiClientForCredential, PhoneApiClient, type JsonApiClient, type RequestGate } from '../../moysklad/index.ts';
import { createUisCallApiClient, createUisDataApiClient, type UisCallApiClient, type UisDataApiClient } from '../../uis/index.ts';

/** What the telephony services need from the program (a subset of AppContext). */
export type TelephonyDeps = {
  db: Db;
  config: Pick<Config, 'apis' | 'publicUrl'>;
  credentials: CredentialsRepository;
  integrationsRepo: IntegrationsRepository;
  log: Logger;
  /** The MoySklad request gate (the process's DbRateGate). */
  gate: RequestGate;
};

export type TelephonySettings = {
  showInternalCalls: boolean;
  clickToCallSignature: 'log' | 'enforce';
  clickToCallVirtualNumber?: string;
  routingEnabled: boolean;
  routingReturnedCode: number;
  routingColdLookupTimeoutMs: number;
};

/** Settings with defaults applied even for rows written before a setting existed. */
export function telephonySettings(row: Pick<IntegrationRow, 'settings'>): TelephonySettings {
  const s = row.settings as Partial<TelephonySettings>;
  return {
    showInternalCalls: s.showInternalCalls ?? false,
    clickToCallSignature: s.clickToCallSignature ?? 'log',
    ...(s.clickToCallVirtualNumber ? { clickToCallVirtualNumber: s.clickToCallVirtualNumber } : {}),
    routingEnabled: s.routingEnabled ?? true,
    routingReturnedCode: s.routingReturnedCode ?? 1,
    routingColdLookupTimeoutMs: s.routingColdLookupTimeoutMs ?? 800,
  };
}

export class MissingCredentialError extends Error {
  constructor(readonly role: 'phoneKey' | 'moysklad' | 'uis', messageRu: string) {
    super(messageRu);
  }
}

const ROLE_MISSING: Record<'phoneKey' | 'moysklad' | 'uis', string> = {
  phoneKey: 'Не выбран «Ключ доступа» решения «Телефония» МойСклад',
  moysklad: 'Не выбраны учётные данные JSON API МойСклад',
  uis: 'Не выбран ключ API UIS',
};

export async function revealRole(deps: TelephonyDeps, row: IntegrationRow, role: 'phoneKey' | 'moysklad' | 'uis') {
  const id = row.credentialIds[role];
  if (!id) return undefined;
  const cred = await deps.credentials.reveal(row.accountId, id);
  if (!cred) throw new MissingCredentialError(role, `${ROLE_MISSING[role]}: выбранные учётные данные удалены`);
  return cred;
}

export async function phoneApiFor(deps: TelephonyDeps, row: IntegrationRow, opts: { timeoutMs?: number } = {}): Promise<{ client: PhoneApiClient; key: string }> {
  const cred = await revealRole(deps, row, 'phoneKey');
  if (!cred) throw new MissingCredentialError('phoneKey', ROLE_MISSING.phoneKey);
  const client = new PhoneApiClient({
    token: cred.secret,
    baseUrl: deps.config.apis.moyskladPhone,
    principal: `${row.accountId}:phone:${cred.id}`,
    gate: deps.gate,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return { client, key: cred.secret };
}

/** The JSON API client, or undefined when the integration has no JSON API credential (it is optional). */
export async function jsonApiFor(deps: TelephonyDeps, row: IntegrationRow, opts: { timeoutMs?: number } = {}): Promise<JsonApiClient | undefined> {
  const cred = await revealRole(deps, row, 'moysklad');
  if (!cred) return undefined;
  return jsonApiClientForCredential(cred, {
    accountId: row.accountId,
    baseUrl: deps.config.apis.moyskladJson,
    gate: deps.gate,
    publicUrl: deps.config.publicUrl,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
}

export async function uisClientsFor(
  deps: TelephonyDeps,
  row: IntegrationRow,
  opts: { timeoutMs?: number } = {},
): Promise<{ call: UisCallApiClient; data: UisDataApiClient }> {
  const cred = await revealRole(deps, row, 'uis');
  if (!cred) throw new MissingCredentialError('uis', ROLE_MISSING.uis);
  const common = { accessToken: cred.secret, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  return {
    call: createUisCallApiClient({ ...common, baseUrl: deps.config.apis.uisCall }),
    data: createUisDataApiClient({ ...common, baseUrl: deps.config.apis.uisData }),
  };
}

// Adapters that let the Phone API and Vendor API emulators read the JSON API store they do not own.
import { Ref } from './model/ref.ts';
import type { Account, AccountRegistry } from './model/accounts.ts';
import type { ContactPerson, Entity } from './model/types.ts';
import { newSecret } from './model/accounts.ts';
import { serializeEntity } from './json/serialize.ts';
import type { PhoneCounterparty, PhoneDirectory, PhoneEmployee } from './phone/index.ts';
import type { VendorDirectory } from './vendor/index.ts';

/** Last ten digits of each number in a free-text phone field ("+7 (999) 123-45-67, 8 495 …"). */
export function phoneKeys(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of text.split(/[,;]|доб\.?|ext\.?/i)) {
    const digits = part.replace(/\D+/g, '');
    if (digits.length >= 10) out.push(digits.slice(-10));
    else if (digits.length >= 5) out.push(digits);
  }
  return out;
}

interface PhoneIndex {
  version: number;
  byKey: Map<string, string>;
}

export function createPhoneDirectory(registry: AccountRegistry, jsonBase: () => string): PhoneDirectory {
  const indexes = new WeakMap<Account, PhoneIndex>();
  const employeeHref = (id: string): string => `${jsonBase()}/${Ref.entity('employee', id).path}`;
  const toCounterparty = (e: Entity): PhoneCounterparty => {
    const owner = e['owner'];
    return {
      id: e.id,
      href: `${jsonBase()}/entity/counterparty/${e.id}`,
      name: String(e['name'] ?? ''),
      ...(owner instanceof Ref ? { ownerId: owner.id } : {}),
    };
  };
  // counterparty phone first, then contact persons; the first counterparty (creation order) wins
  const indexOf = (a: Account): PhoneIndex => {
    const col = a.data.col('counterparty');
    let idx = indexes.get(a);
    if (idx && idx.version === col.version) return idx;
    const byKey = new Map<string, string>();
    for (const e of col.all()) {
      if (e['archived'] === true) continue;
      for (const k of phoneKeys(e['phone'] as string | undefined)) if (!byKey.has(k)) byKey.set(k, e.id);
    }
    for (const e of col.all()) {
      if (e['archived'] === true) continue;
      for (const cp of (e['_contactpersons'] as ContactPerson[] | undefined) ?? []) {
        for (const k of phoneKeys(cp.phone)) if (!byKey.has(k)) byKey.set(k, e.id);
      }
    }
    idx = { version: col.version, byKey };
    indexes.set(a, idx);
    return idx;
  };
  return {
    accountByPhoneKey: (key) => registry.byPhoneKey(key)?.id,
    phoneSettings: (accountId) => {
      const a = registry.byId(accountId);
      if (!a) return undefined;
      return { apiKey: a.creds.phoneKey, ...(a.phoneProviderUrl ? { providerUrl: a.phoneProviderUrl } : {}) };
    },
    employees: (accountId) => {
      const a = registry.byId(accountId);
      if (!a) return [];
      return a.data.col('employee').all().filter((e) => e['archived'] !== true).map((e): PhoneEmployee => {
        const ext = a.data.extensions.get(e.id);
        return {
          id: e.id, href: employeeHref(e.id), name: String(e['name'] ?? ''),
          ...(ext ? { extension: ext } : {}),
          ...(e['uid'] ? { uid: String(e['uid']) } : {}),
          ...(e['email'] ? { email: String(e['email']) } : {}),
        };
      });
    },
    counterpartyByPhone: (accountId, number) => {
      const a = registry.byId(accountId);
      if (!a) return undefined;
      const key = phoneKeys(number)[0];
      const id = key ? indexOf(a).byKey.get(key) : undefined;
      const e = id ? a.data.col('counterparty').get(id) : undefined;
      return e ? toCounterparty(e) : undefined;
    },
    counterpartyById: (accountId, id) => {
      const e = registry.byId(accountId)?.data.col('counterparty').get(id);
      return e ? toCounterparty(e) : undefined;
    },
  };
}

export function createVendorDirectory(registry: AccountRegistry, jsonBase: () => string): VendorDirectory {
  return {
    accountName: (accountId) => registry.byId(accountId)?.name,
    contextEmployee: (accountId, employeeId) => {
      const a = registry.byId(accountId);
      const e = a?.data.col('employee').get(employeeId);
      if (!a || !e) return undefined;
      return { ...serializeEntity({ base: jsonBase(), account: a }, 'employee', e), permissions: { admin: employeeId === a.data.adminEmployeeId } };
    },
    issueSolutionToken: (accountId, appId) => {
      const a = registry.byId(accountId);
      if (!a) throw new Error(`unknown account ${accountId}`);
      const token = newSecret();
      a.solutionTokens.set(appId, token);
      return token;
    },
    revokeSolutionToken: (accountId, appId) => {
      registry.byId(accountId)?.solutionTokens.delete(appId);
    },
  };
}

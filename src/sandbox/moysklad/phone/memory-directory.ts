// A tiny in-memory PhoneDirectory, for tests and quick demos; the sandbox core supplies the real one.
import type { PhoneAccountSettings, PhoneCounterparty, PhoneDirectory, PhoneEmployee } from './port.ts';

export interface MemoryPhoneAccount {
  id: string;
  settings: PhoneAccountSettings;
  employees: PhoneEmployee[];
  counterparties: (PhoneCounterparty & { phones: string[] })[];
}

const digits = (s: string): string => s.replace(/\D/g, '').replace(/^8(?=\d{10}$)/, '7');

export function createMemoryPhoneDirectory(accounts: MemoryPhoneAccount[]): PhoneDirectory & { accounts: MemoryPhoneAccount[] } {
  const get = (id: string) => accounts.find((a) => a.id === id);
  return {
    accounts,
    accountByPhoneKey: (key) => accounts.find((a) => a.settings.apiKey === key)?.id,
    phoneSettings: (id) => get(id)?.settings,
    employees: (id) => get(id)?.employees ?? [],
    counterpartyByPhone: (id, number) => get(id)?.counterparties.find((c) => c.phones.some((p) => digits(p) === digits(number))),
    counterpartyById: (id, cpId) => get(id)?.counterparties.find((c) => c.id === cpId),
  };
}

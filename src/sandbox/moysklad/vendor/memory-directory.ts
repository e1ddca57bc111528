// A tiny in-memory VendorDirectory for tests and demos; the sandbox core supplies the real one.
import { randomBytes } from 'node:crypto';
import type { VendorDirectory } from './port.ts';

export interface MemoryVendorAccount {
  id: string;
  name: string;
  employees: Record<string, Record<string, unknown>>;
}

export function createMemoryVendorDirectory(accounts: MemoryVendorAccount[]): VendorDirectory & { tokens: Map<string, string> } {
  const tokens = new Map<string, string>(); // `${accountId}|${appId}` → token
  const get = (id: string) => accounts.find((a) => a.id === id);
  return {
    tokens,
    accountName: (id) => get(id)?.name,
    contextEmployee: (id, employeeId) => {
      const e = get(id)?.employees[employeeId];
      return e ? { ...e, id: employeeId, accountId: id } : undefined;
    },
    issueSolutionToken: (id, appId) => {
      const t = randomBytes(20).toString('hex');
      tokens.set(`${id}|${appId}`, t);
      return t;
    },
    revokeSolutionToken: (id, appId) => void tokens.delete(`${id}|${appId}`),
  };
}

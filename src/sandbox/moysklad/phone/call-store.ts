// Calls as MoySklad keeps them, per account. Faithful quirks: a second POST with the same
// externalId makes a second call (there is no lookup by externalId in the real API); PUT never
// overwrites a field that already has a value, except `comment`; `recordUrl` appends.
import { randomUUID } from 'node:crypto';
import type { Stamp } from './port.ts';

export interface LinkedEmployee {
  id: string;
  href: string;
  name?: string;
  extension?: string;
}

export interface LinkedCounterparty {
  id: string;
  href: string;
  name?: string;
  owner?: LinkedEmployee;
}

export interface CallWrite {
  at: Stamp;
  via: string;
  /** Fields that took the sent value. */
  applied: string[];
  /** Fields that were sent but kept their old value (the no-overwrite rule). */
  ignored: string[];
}

export interface StoredCall {
  id: string;
  accountId: string;
  externalId: string;
  number: string;
  isIncoming: boolean;
  /** Naive (zone-less) epoch ms, see moment.ts. */
  startTime: number;
  endTime?: number;
  duration?: number;
  extension?: string;
  employee?: LinkedEmployee;
  counterparty?: LinkedCounterparty;
  comment?: string;
  recordUrl: string[];
  /** Id of the first call created with the same externalId, when this one is a duplicate. */
  duplicateOf?: string;
  createdAt: Stamp;
  writes: CallWrite[];
}

export class CallStore {
  private readonly byAccount = new Map<string, StoredCall[]>();

  add(call: Omit<StoredCall, 'id' | 'duplicateOf'>): StoredCall {
    const list = this.list(call.accountId);
    const first = list.find((c) => c.externalId === call.externalId);
    const stored: StoredCall = { ...call, id: randomUUID() };
    if (first) stored.duplicateOf = first.id;
    list.push(stored);
    return stored;
  }

  list(accountId: string): StoredCall[] {
    let l = this.byAccount.get(accountId);
    if (!l) this.byAccount.set(accountId, (l = []));
    return l;
  }

  byId(accountId: string, id: string): StoredCall | undefined {
    return this.byAccount.get(accountId)?.find((c) => c.id === id);
  }

  /**
   * [UNKNOWN] which call the real API updates when an externalId was posted twice; we take the
   * newest, and `duplicates()` lets tests notice that the situation arose at all.
   */
  byExternalId(accountId: string, externalId: string): StoredCall | undefined {
    const l = this.byAccount.get(accountId) ?? [];
    for (let i = l.length - 1; i >= 0; i--) if (l[i]!.externalId === externalId) return l[i];
    return undefined;
  }

  /** externalIds that were created more than once, with every call id they produced. */
  duplicates(accountId: string): { externalId: string; callIds: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const c of this.byAccount.get(accountId) ?? []) {
      const ids = groups.get(c.externalId) ?? [];
      ids.push(c.id);
      groups.set(c.externalId, ids);
    }
    return [...groups].filter(([, ids]) => ids.length > 1).map(([externalId, callIds]) => ({ externalId, callIds }));
  }

  clear(accountId?: string): void {
    if (accountId === undefined) this.byAccount.clear();
    else this.byAccount.delete(accountId);
  }
}

// What a counterparty contributes to the routing index: one entry per normalised phone of the
// counterparty itself and of each of its contact persons.
import type { Counterparty } from '../../moysklad/index.ts';
import { extractPhones } from '../../phone/index.ts';

export type IndexEntry = {
  phoneKey: string;
  counterpartyId: string;
  counterpartyName: string | null;
  ownerEmployeeId: string | null;
  via: 'counterparty' | 'contactperson';
};

export const idFromHref = (href: string | undefined): string | null => {
  if (!href) return null;
  const path = href.split('?')[0] ?? '';
  return path.slice(path.lastIndexOf('/') + 1) || null;
};

const keyOf = (e164: string) => e164.replace(/^\+/, '');

export function entriesOf(cp: Counterparty): IndexEntry[] {
  if (cp.archived) return [];
  const base = { counterpartyId: cp.id!, counterpartyName: cp.name ?? null, ownerEmployeeId: idFromHref(cp.owner?.meta.href) };
  const out = new Map<string, IndexEntry>();
  for (const p of cp.contactpersons?.rows ?? []) {
    for (const e164 of extractPhones(p.phone)) out.set(keyOf(e164), { ...base, phoneKey: keyOf(e164), via: 'contactperson' });
  }
  for (const e164 of extractPhones(cp.phone)) if (!out.has(keyOf(e164))) out.set(keyOf(e164), { ...base, phoneKey: keyOf(e164), via: 'counterparty' });
  return [...out.values()];
}

// Finding counterparties by phone. MoySklad stores phones as free text and filters only on exact
// strings, so we `search=` with the significant digits (search also covers contact persons) and
// then confirm each hit on our side with the shared phone normaliser.
import { extractPhones, normalizePhone, phoneSearchTerm } from '../../phone/index.ts';
import type { Counterparty, ContactPerson } from './entities.ts';
import type { CallOptions, JsonApiClient } from './client.ts';

export interface CounterpartyPhoneMatch {
  counterparty: Counterparty;
  /** Where the number was found; contact-person hits are listed first (more specific). */
  via: 'contactperson' | 'counterparty';
  contactPerson?: ContactPerson;
}

export async function findCounterpartiesByPhone(
  client: JsonApiClient,
  rawPhone: string,
  opts: CallOptions & { includeArchived?: boolean } = {},
): Promise<CounterpartyPhoneMatch[]> {
  const e164 = normalizePhone(rawPhone);
  if (!e164) return [];
  const page = await client.list('counterparty', {
    ...opts,
    search: phoneSearchTerm(e164),
    expand: 'contactpersons',
    limit: 100,
    ...(opts.includeArchived ? { filter: { archived: [true, false] } } : {}),
  });
  const viaContact: CounterpartyPhoneMatch[] = [];
  const viaOwn: CounterpartyPhoneMatch[] = [];
  for (const cp of page.rows) {
    const person = cp.contactpersons?.rows?.find((p) => extractPhones(p.phone).includes(e164));
    if (person) viaContact.push({ counterparty: cp, via: 'contactperson', contactPerson: person });
    else if (extractPhones(cp.phone).includes(e164)) viaOwn.push({ counterparty: cp, via: 'counterparty' });
  }
  return [...viaContact, ...viaOwn];
}

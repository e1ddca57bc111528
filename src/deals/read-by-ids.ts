// Objects by id, 100 per request (`filter=id=a;id=b;…`), archived ones included: MoySklad hides
// archived counterparties from lists unless the filter names `archived`, yet orders point at them.
import type { Counterparty, CustomerOrder, GateLane, JsonApiClient } from '../moysklad/index.ts';
import { ALL_ARCHIVED } from './backfill.ts';

export const IDS_PER_REQUEST = 100;

export async function readByIds<E extends 'counterparty' | 'customerorder'>(
  client: JsonApiClient,
  entity: E,
  ids: string[],
  opts: { lane: GateLane; expand?: string },
): Promise<{ rows: Array<E extends 'counterparty' ? Counterparty : CustomerOrder>; requests: number }> {
  const rows: Array<E extends 'counterparty' ? Counterparty : CustomerOrder> = [];
  let requests = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const part = ids.slice(i, i + IDS_PER_REQUEST);
    const filter: Array<[string, '=', string | boolean]> = [...part.map((id): [string, '=', string] => ['id', '=', id]), ...(entity === 'counterparty' ? ALL_ARCHIVED : [])];
    const page = await client.list(entity, { filter, limit: part.length, lane: opts.lane, ...(opts.expand && { expand: opts.expand }) });
    requests++;
    rows.push(...(page.rows as Array<E extends 'counterparty' ? Counterparty : CustomerOrder>));
  }
  return { rows, requests };
}

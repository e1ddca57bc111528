export {
  JsonApiClient,
  DEFAULT_JSON_API_BASE_URL,
  BULK_LIMIT,
  EXPAND_PAGE_LIMIT,
  type JsonApiAuth,
  type JsonApiClientOptions,
  type CallOptions,
  type ListOptions,
  type BulkItemResult,
  type AnyEntity,
} from './client.ts';
export { findCounterpartiesByPhone, type CounterpartyPhoneMatch } from './phone-search.ts';
export { buildFilter, buildOrder, buildExpand, type FilterInput, type FilterCondition, type FilterOp, type OrderInput } from './filter.ts';
export * from './entities.ts';
export { jsonApiClientForCredential, type StoredMoyskladCredential } from './for-credential.ts';

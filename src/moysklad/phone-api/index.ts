export { PhoneApiClient, DEFAULT_PHONE_API_BASE_URL, type PhoneApiClientOptions, type PhoneCallOptions } from './client.ts';
export {
  CALL_EVENT_TYPES,
  callSchema,
  flatMetaSchema,
  type CallEvent,
  type CallEventType,
  type CallPatch,
  type FlatMeta,
  type NewCall,
  type PhoneCall,
  type PhoneEmployee,
} from './types.ts';

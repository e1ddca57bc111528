export { createUisCallApiClient, UIS_CALL_API_URL } from './call-api-client.ts';
export type {
  UisCallApiClient,
  UisCallApiClientOptions,
  StartEmployeeCallInput,
  StartCallResult,
  UisCallMessage,
} from './call-api-client.ts';
export { UisApiError, isUisApiError } from './uis-api-error.ts';
export type { UisApiName, UisApiErrorInit } from './uis-api-error.ts';
export { UIS_ERROR_WORDING, uisErrorWording } from './error-messages.ts';
export type { UisErrorWording } from './error-messages.ts';
export type { UisLimits } from './limits.ts';
// Shared JSON-RPC transport (the Data API client reuses it).
export { callUisJsonRpc } from './jsonrpc-transport.ts';
export type { UisJsonRpcOptions, UisRpcResult, UisRpcMeta } from './jsonrpc-transport.ts';

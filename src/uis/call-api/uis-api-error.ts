import { uisErrorWording } from './error-messages.ts';

export type UisApiName = 'call' | 'data';

export interface UisApiErrorInit {
  api: UisApiName;
  method: string;
  mnemonic: string;
  code: number | null;
  /** The raw `error.message` from UIS (English, may name the exceeded limit). */
  uisMessage?: string | undefined;
  field?: string | undefined;
  value?: unknown;
  httpStatus?: number | undefined;
  cause?: unknown;
}

/**
 * A failed UIS API call. `mnemonic` is UIS's `error.data.mnemonic` (or one of ours:
 * `timeout`, `network_error`, `http_error`, `invalid_response`), `message` is clear English
 * for logs, `messageRu` is for the user. Never carries the access token.
 */
export class UisApiError extends Error {
  override readonly name = 'UisApiError';
  readonly api: UisApiName;
  readonly method: string;
  readonly mnemonic: string;
  readonly code: number | null;
  readonly uisMessage: string | undefined;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly httpStatus: number | undefined;
  readonly messageRu: string;
  readonly retryable: boolean;

  constructor(init: UisApiErrorInit) {
    const wording = uisErrorWording(init.mnemonic, init.code);
    const where = init.field ? ` (field "${init.field}")` : '';
    const detail = init.uisMessage ? `: ${init.uisMessage}` : '';
    super(`UIS ${init.api === 'call' ? 'Call' : 'Data'} API ${init.method}: ${wording.en}${where} [${init.mnemonic}]${detail}`, {
      cause: init.cause,
    });
    this.api = init.api;
    this.method = init.method;
    this.mnemonic = init.mnemonic;
    this.code = init.code;
    this.uisMessage = init.uisMessage;
    this.field = init.field;
    // The token is a parameter too; UIS may echo a bad value back — never keep it.
    this.value = init.field === 'access_token' ? undefined : init.value;
    this.httpStatus = init.httpStatus;
    this.messageRu = wording.ru + (init.field && !init.field.startsWith('access_token') ? ` (${init.field})` : '');
    this.retryable = wording.retryable;
  }
}

export function isUisApiError(e: unknown): e is UisApiError {
  return e instanceof UisApiError;
}

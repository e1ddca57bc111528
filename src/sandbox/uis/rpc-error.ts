// JSON-RPC errors exactly as UIS shapes them: `code` is a group, `data.mnemonic` the real reason.

export class UisRpcError extends Error {
  constructor(
    readonly code: number,
    readonly mnemonic: string,
    message: string,
    readonly field: string | null = null,
    readonly value: unknown = null,
    readonly params: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJson(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      data: {
        mnemonic: this.mnemonic,
        field: this.field,
        value: this.value,
        params: this.params,
        extended_helper: null,
      },
    };
  }
}

export const rpcErrors = {
  parse: () => new UisRpcError(-32700, 'parse_error', 'Parse error'),
  invalidRequest: (why: string) => new UisRpcError(-32600, 'invalid_request', `Invalid request: ${why}`),
  batch: () => new UisRpcError(-32099, 'batch_operations_not_supported', 'Batch operations are not supported'),
  notification: () => new UisRpcError(-32099, 'notifications_not_supported', 'Notifications are not supported'),
  methodNotFound: (m: string) => new UisRpcError(-32601, 'method_not_found', `Method ${m} not found`),
  required: (field: string) =>
    new UisRpcError(-32602, 'required_parameter_missed', `Required parameter ${field} is missed`, field),
  invalidValue: (field: string, value: unknown, why = '') =>
    new UisRpcError(-32602, 'invalid_parameter_value', `Invalid value of parameter ${field}${why ? `: ${why}` : ''}`, field, value),
  dataType: (field: string, value: unknown, type: string) =>
    new UisRpcError(-32602, 'data_type_error', `Parameter ${field} must be of type ${type}`, field, value),
  unexpected: (field: string) => new UisRpcError(-32602, 'unexpected_parameters', `Unexpected parameter ${field}`, field),
  combination: (field: string) =>
    new UisRpcError(-32602, 'invalid_parameters_combination', `Invalid combination of parameters (${field})`, field),
  tokenInvalid: () => new UisRpcError(-32001, 'access_token_invalid', 'Access token is invalid', 'access_token'),
  tokenExpired: () => new UisRpcError(-32001, 'access_token_expired', 'Access token has expired', 'access_token'),
  tokenBlocked: () => new UisRpcError(-32001, 'access_token_blocked', 'Access token is blocked', 'access_token'),
  limit: (limitType: 'day_limit' | 'minute_limit') =>
    new UisRpcError(-32029, 'limit_exceeded', `Limit exceeded: ${limitType}`, null, null, { limit_type: limitType }),
  dateInterval: () =>
    new UisRpcError(-32602, 'date_interval_limit_reached', 'Date interval limit reached: the period must not exceed 3 months', 'date_till'),
};

/** Code group for a mnemonic, used when a test injects a failure by mnemonic only. */
export const CODE_BY_MNEMONIC: Readonly<Record<string, number>> = {
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  internal_error: -32603,
  access_token_expired: -32001,
  access_token_blocked: -32001,
  access_token_invalid: -32001,
  auth_error: -32001,
  contact_in_blacklist: -32002,
  ip_not_whitelisted: -32003,
  forbidden: -32003,
  invalid_state: -32004,
  virtual_phone_number_not_found: -32007,
  component_disabled: -32008,
  method_component_disabled: -32008,
  parameter_component_disabled: -32008,
  account_inactive: -32009,
  limit_exceeded: -32029,
  batch_operations_not_supported: -32099,
  notifications_not_supported: -32099,
};

export function codeForMnemonic(mnemonic: string): number {
  return CODE_BY_MNEMONIC[mnemonic] ?? -32602;
}

export { signJwt, verifyJwt, vendorToken, bearerToken, type JwtPayload, type JwtVerifyOptions, type JwtVerifyResult } from './jwt.ts';
export {
  parseActivation,
  parseDeactivation,
  activationReply,
  activationBodySchema,
  deactivationBodySchema,
  type Activation,
  type ActivationBody,
  type DeactivationBody,
  type VendorParse,
} from './activation.ts';
export {
  VendorApiClient,
  DEFAULT_VENDOR_API_BASE_URL,
  contextEmployeeSchema,
  type VendorApiClientOptions,
  type ContextEmployee,
  type AppStatus,
} from './client.ts';

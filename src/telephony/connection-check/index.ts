export { checkConnection, type ConnectionCheck, type LinkVerdict } from './check-connection.ts';
export {
  jsonApiFor,
  phoneApiFor,
  uisClientsFor,
  revealRole,
  telephonySettings,
  MissingCredentialError,
  type TelephonyDeps,
  type TelephonySettings,
} from './clients.ts';
export { moyskladProblem, uisProblem, problemText } from './wording.ts';

// Options of the sandbox and the documented local defaults (see README.md).
export interface SeedOptions {
  /** number of customer orders (0 … 100 000+) */
  orders?: number;
  /** PRNG seed; the same seed and sizes always give the same data */
  seed?: number;
  counterparties?: number;
  employees?: number;
}

export interface Weights {
  /** Basic login/password; MoySklad: 4 from 2026-12-01 */
  password: number;
  /** user token from /security/token */
  userToken: number;
  /** solution (Marketplace app) token of a published solution */
  solution: number;
}

export interface AccountOptions {
  /** account name; logins look like admin@<name> */
  name: string;
  login?: string;
  password?: string;
  /** a JSON API user token that works from the start (revoked like any other by POST /security/token) */
  token?: string;
  /** a JSON API solution token (weight `weights.solution`) */
  solutionToken?: string;
  /** Phone API key (Lognex-Phone-Auth-Token) */
  phoneKey?: string;
  /** «Адрес провайдера телефонии»: where click-to-call requests of the Phone API go */
  phoneProviderUrl?: string;
  weights?: Partial<Weights>;
  seed?: SeedOptions;
}

export const DEFAULT_ACCOUNT_NAME = 'sandbox';
export const DEFAULT_WEIGHTS: Weights = { password: 4, userToken: 4, solution: 1 };
export const DEFAULT_SEED: Required<Pick<SeedOptions, 'orders' | 'seed'>> = { orders: 200, seed: 1 };

export function defaultCredentials(name: string): Required<Pick<AccountOptions, 'login' | 'password' | 'token' | 'solutionToken' | 'phoneKey'>> {
  return {
    login: `admin@${name}`,
    password: `${name}-password`,
    token: `${name}-user-token`,
    solutionToken: `${name}-solution-token`,
    phoneKey: `${name}-phone-key`,
  };
}

/** Rate window of the JSON API: 45 units per 3 s per principal. */
export const RATE_UNITS = 45;
export const RATE_WINDOW_MS = 3000;
export const MAX_PARALLEL_PER_PRINCIPAL = 5;
export const MAX_PARALLEL_PER_ACCOUNT = 20;
export const WEBHOOK_TIMEOUT_MS = 1500;
export const WEBHOOK_RETRIES = 3;

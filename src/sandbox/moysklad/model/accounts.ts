import { randomBytes, randomUUID } from 'node:crypto';
import { AccountData } from './account-data.ts';
import { DEFAULT_WEIGHTS, defaultCredentials, type AccountOptions, type SeedOptions, type Weights } from '../options.ts';

export interface Credentials {
  login: string;
  password: string;
  phoneKey: string;
}

/** appId of the solution whose token is configured by options (`solutionToken`). */
export const DEFAULT_APP_ID = 'sandbox-app';

export interface Account {
  id: string;
  name: string;
  creds: Credentials;
  /** valid user tokens (the configured one plus any issued by /security/token) */
  userTokens: Set<string>;
  /** JSON API solution tokens by appId (configured one + those issued at app install) */
  solutionTokens: Map<string, string>;
  /** «Адрес провайдера телефонии» for click-to-call */
  phoneProviderUrl?: string;
  weights: Weights;
  seed: SeedOptions;
  data: AccountData;
}

export type AuthKind = 'password' | 'userToken' | 'solution';

export interface Principal {
  account: Account;
  kind: AuthKind;
  /** rate/parallel budget key: per user (login and user token share it) or per solution */
  key: string;
  weight: number;
  appId?: string;
}

/** All tenants of the sandbox and credential lookup. */
export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();

  add(opts: AccountOptions, accountId?: string): Account {
    if (this.accounts.has(opts.name)) throw new Error(`account ${opts.name} exists`);
    const d = defaultCredentials(opts.name);
    const account: Account = {
      id: accountId ?? randomUUID(),
      name: opts.name,
      creds: {
        login: opts.login ?? d.login,
        password: opts.password ?? d.password,
        phoneKey: opts.phoneKey ?? d.phoneKey,
      },
      userTokens: new Set([opts.token ?? d.token]),
      solutionTokens: new Map([[DEFAULT_APP_ID, opts.solutionToken ?? d.solutionToken]]),
      weights: { ...DEFAULT_WEIGHTS, ...(opts.weights ?? {}) },
      seed: opts.seed ?? {},
      ...(opts.phoneProviderUrl ? { phoneProviderUrl: opts.phoneProviderUrl } : {}),
      data: new AccountData(),
    };
    this.accounts.set(opts.name, account);
    return account;
  }

  get(name: string): Account | undefined {
    return this.accounts.get(name);
  }

  list(): Account[] {
    return [...this.accounts.values()];
  }

  remove(name: string): boolean {
    return this.accounts.delete(name);
  }

  byId(accountId: string): Account | undefined {
    return this.list().find((a) => a.id === accountId);
  }

  byLogin(login: string): Account | undefined {
    return this.list().find((a) => a.creds.login === login);
  }

  byPhoneKey(key: string): Account | undefined {
    return this.list().find((a) => a.creds.phoneKey === key);
  }

  /** Resolves a Bearer token to a principal without checking limits. */
  byBearer(token: string): Principal | undefined {
    for (const a of this.accounts.values()) {
      for (const [appId, t] of a.solutionTokens) {
        if (t === token) return { account: a, kind: 'solution', key: `${a.id}:solution:${appId}`, weight: a.weights.solution, appId };
      }
      if (a.userTokens.has(token)) {
        return { account: a, kind: 'userToken', key: `${a.id}:user:${a.data.adminEmployeeId}`, weight: a.weights.userToken };
      }
    }
    return undefined;
  }

  byBasic(login: string, password: string): Principal | undefined {
    const a = this.byLogin(login);
    if (!a || a.creds.password !== password) return undefined;
    return { account: a, kind: 'password', key: `${a.id}:user:${a.data.adminEmployeeId}`, weight: a.weights.password };
  }

  /** Like POST /security/token: a new token revokes every earlier user token of that user. */
  issueUserToken(account: Account): string {
    const token = randomBytes(20).toString('hex');
    account.userTokens.clear();
    account.userTokens.add(token);
    return token;
  }
}

export function newSecret(): string {
  return randomBytes(20).toString('hex');
}

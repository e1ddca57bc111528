// The port through which the Phone API emulator reads the sandbox store it does not own.
// The sandbox core implements it over its accounts/employees/counterparties; tests use
// `createMemoryPhoneDirectory`. Everything is synchronous on purpose: the store is in memory.

export interface PhoneEmployee {
  id: string;
  /** JSON API 1.2 href, e.g. `<base>/api/remap/1.2/entity/employee/<id>`. */
  href: string;
  name: string;
  /** The "добавочный номер"; employees without one are invisible to `GET /employee`. */
  extension?: string;
  /** Login `user@account`; MoySklad sends it as `uid` in click-to-call. */
  uid?: string;
  email?: string;
}

export interface PhoneCounterparty {
  id: string;
  href: string;
  name: string;
  /** Employee id of the owner ("ответственный"); becomes `counterpartyowner` on a call. */
  ownerId?: string;
}

export interface PhoneAccountSettings {
  /** The Phone API access key: `Lognex-Phone-Auth-Token`, also the click-to-call MD5 key. */
  apiKey: string;
  /** «Адрес провайдера телефонии»: where click-to-call POSTs go. */
  providerUrl?: string;
}

export interface PhoneDirectory {
  /** Account that owns this Phone API key; undefined → 401/1056. */
  accountByPhoneKey(key: string): string | undefined;
  phoneSettings(accountId: string): PhoneAccountSettings | undefined;
  employees(accountId: string): readonly PhoneEmployee[];
  /** MoySklad links a call by `number`; number normalisation is the store's business. */
  counterpartyByPhone(accountId: string, number: string): PhoneCounterparty | undefined;
  counterpartyById(accountId: string, id: string): PhoneCounterparty | undefined;
}

/** What a generic latency/fault/counter hook may answer instead of the emulator. */
export interface InterceptReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InterceptContext {
  api: 'phone' | 'vendor';
  method: string;
  /** Route pattern, e.g. `/call/:id`. */
  route: string;
  accountId?: string;
}

/** Runs after auth and limits, before the handler: await to add latency, return a reply to fault. */
export type Intercept = (ctx: InterceptContext) => Promise<InterceptReply | undefined> | InterceptReply | undefined;

/** Both clocks: wall time for humans, `performance.now()` for latency measurements. */
export interface Stamp {
  wallMs: number;
  perfMs: number;
}

export function stampNow(): Stamp {
  return { wallMs: Date.now(), perfMs: performance.now() };
}

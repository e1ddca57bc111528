// Typed errors for every MoySklad API. Callers branch on the class (or `kind`), never on text.

/** One item of MoySklad's `{"errors":[…]}` body (same shape in JSON API, Phone API, Vendor API). */
export interface MoyskladErrorItem {
  error: string;
  code?: number;
  parameter?: string;
  error_message?: string;
  moreInfo?: string;
  [extra: string]: unknown;
}

export type MoyskladErrorKind =
  | 'rate-limited'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'precondition'
  | 'bad-request'
  | 'conflict'
  | 'server'
  | 'unexpected-redirect'
  | 'timeout'
  | 'network'
  | 'bad-response'
  | 'not-installed'
  | 'collection';

export class MoyskladError extends Error {
  readonly kind: MoyskladErrorKind;
  constructor(kind: MoyskladErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
  }
}

export interface HttpErrorInit {
  status: number;
  method: string;
  url: string;
  errors: MoyskladErrorItem[];
  /** `X-Lognex-Auth` extended auth code, when sent. */
  authCode?: string;
  location?: string;
}

/** MoySklad answered with a non-2xx status. `code` is the first error's code, if any. */
export class MoyskladHttpError extends MoyskladError {
  readonly status: number;
  readonly code: number | undefined;
  readonly errors: MoyskladErrorItem[];
  readonly method: string;
  readonly url: string;
  readonly authCode: string | undefined;
  readonly location: string | undefined;
  constructor(kind: MoyskladErrorKind, init: HttpErrorInit) {
    const first = init.errors[0];
    const text = first ? `${first.code ?? ''} ${first.error}`.trim() : 'no error body';
    super(kind, `MoySklad ${init.method} ${redactUrl(init.url)} → ${init.status}: ${text}`);
    this.status = init.status;
    this.code = first?.code;
    this.errors = init.errors;
    this.method = init.method;
    this.url = init.url;
    this.authCode = init.authCode;
    this.location = init.location;
  }
  hasCode(code: number): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/** 429 (codes 1049 rate window, 1073 parallel requests, Phone API 1095). The gate catches this. */
export class RateLimitedError extends MoyskladHttpError {
  readonly retryAfterMs: number;
  /** False when MoySklad sent no `X-Lognex-Retry-After` and `retryAfterMs` is our default. */
  readonly retryAfterFromServer: boolean;
  constructor(init: HttpErrorInit & { retryAfterMs: number; retryAfterFromServer: boolean }) {
    super('rate-limited', init);
    this.retryAfterMs = init.retryAfterMs;
    this.retryAfterFromServer = init.retryAfterFromServer;
  }
}

/** 401, or code 1056 / 1048 / 1061: the credential is wrong, revoked or blocked. */
export class AuthError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('auth', init);
  }
}

export class ForbiddenError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('forbidden', init);
  }
}

export class NotFoundError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('not-found', init);
  }
}

/** 412 (e.g. code 3000 "required field empty"). */
export class PreconditionError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('precondition', init);
  }
}

/** Phone API code 55008: the telephony solution is not installed on the account. */
export class NotInstalledError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('not-installed', init);
  }
}

export class ServerError extends MoyskladHttpError {
  constructor(init: HttpErrorInit) {
    super('server', init);
  }
}

export class MoyskladTimeoutError extends MoyskladError {
  readonly timeoutMs: number;
  constructor(method: string, url: string, timeoutMs: number) {
    super('timeout', `MoySklad ${method} ${redactUrl(url)} timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class MoyskladNetworkError extends MoyskladError {
  constructor(method: string, url: string, cause: unknown) {
    super('network', `MoySklad ${method} ${redactUrl(url)} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A 2xx body that is not JSON or does not match the expected shape. */
export class BadResponseError extends MoyskladError {
  readonly issues: string;
  constructor(what: string, issues: string) {
    super('bad-response', `MoySklad response for ${what} has an unexpected shape: ${issues}`);
    this.issues = issues;
  }
}

/** True for errors worth retrying later (rate limit, 5xx, timeouts, network); never for other 4xx. */
export function isRetryable(err: unknown): boolean {
  return (
    err instanceof MoyskladError &&
    (err.kind === 'rate-limited' || err.kind === 'server' || err.kind === 'timeout' || err.kind === 'network')
  );
}

// Filter values can contain customer phone numbers; keep messages to the path.
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

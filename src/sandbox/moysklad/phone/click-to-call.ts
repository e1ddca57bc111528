// MoySklad → provider: "employee clicks a number". POST {srcNumber, destNumber, uid} to the account's
// «Адрес провайдера телефонии» with `Lognex-Content-MD5`. The docs only say the signature is MD5 of
// "the user's access key concatenated with the request parameter values"; order, separators and case
// are unknown and the doc example is not reproducible. Default = the reference's most natural
// reading, MD5(key + srcNumber + destNumber + uid), upper-case hex like the doc example.
import { createHash } from 'node:crypto';
import { stampNow, type Stamp } from './port.ts';

export const MD5_VARIANTS = ['key+src+dest+uid', 'src+dest+uid+key', 'key+sorted-values', 'key+raw-body', 'none'] as const;
export type Md5Variant = (typeof MD5_VARIANTS)[number];

export interface ClickToCallBody {
  srcNumber: string;
  destNumber: string;
  uid: string;
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

/** The header value MoySklad would send under a given reading of the docs (undefined for 'none'). */
export function lognexContentMd5(variant: Md5Variant, key: string, body: ClickToCallBody, rawBody: string): string | undefined {
  const { srcNumber, destNumber, uid } = body;
  switch (variant) {
    case 'key+src+dest+uid':
      return md5(key + srcNumber + destNumber + uid);
    case 'src+dest+uid+key':
      return md5(srcNumber + destNumber + uid + key);
    case 'key+sorted-values':
      return md5(key + [srcNumber, destNumber, uid].sort().join(''));
    case 'key+raw-body':
      return md5(key + rawBody);
    case 'none':
      return undefined;
  }
}

export interface ClickToCallAttempt {
  accountId: string;
  url: string;
  body: ClickToCallBody;
  variant: Md5Variant;
  signature?: string;
  sentAt: Stamp;
  /** HTTP status, or undefined when the provider could not be reached. */
  status?: number;
  responseBody?: string;
  error?: string;
  durationMs: number;
}

export async function postClickToCall(opts: {
  accountId: string;
  url: string;
  key: string;
  body: ClickToCallBody;
  variant: Md5Variant;
  timeoutMs: number;
}): Promise<ClickToCallAttempt> {
  const raw = JSON.stringify(opts.body);
  const signature = lognexContentMd5(opts.variant, opts.key, opts.body, raw);
  const sentAt = stampNow();
  const attempt: ClickToCallAttempt = {
    accountId: opts.accountId,
    url: opts.url,
    body: opts.body,
    variant: opts.variant,
    sentAt,
    durationMs: 0,
    ...(signature !== undefined ? { signature } : {}),
  };
  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined ? { 'lognex-content-md5': signature } : {}),
      },
      body: raw,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    attempt.status = res.status;
    attempt.responseBody = await res.text();
  } catch (err) {
    attempt.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  attempt.durationMs = performance.now() - sentAt.perfMs;
  return attempt;
}

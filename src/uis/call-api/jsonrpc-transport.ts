import { z } from 'zod';
import { nodeHttpFetch, type FetchLike, type HttpAnswer } from '../../net/index.ts';
import { UisApiError, type UisApiName } from './uis-api-error.ts';
import { toUisLimits, uisApiVersionSchema, uisLimitsSchema, type UisLimits } from './limits.ts';

export interface UisJsonRpcOptions {
  api: UisApiName;
  /** Endpoint, e.g. https://callapi.uiscom.ru/v4.0 or the sandbox's URL. */
  baseUrl: string;
  accessToken: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Default: node:http with keep-alive (see src/net). */
  fetch?: FetchLike;
  /** Called with `metadata.limits` of every response that carries them. */
  onLimits?: (limits: UisLimits, method: string) => void;
}

export interface UisRpcMeta {
  limits: UisLimits | null;
  totalItems: number | null;
  apiVersion: z.infer<typeof uisApiVersionSchema> | null;
}

export interface UisRpcResult<T> {
  data: T;
  meta: UisRpcMeta;
}

const metadataSchema = z
  .looseObject({
    limits: uisLimitsSchema.nullable().optional(),
    total_items: z.number().nullable().optional(),
    api_version: uisApiVersionSchema.nullable().optional(),
  })
  .nullable()
  .optional();

const errorSchema = z.looseObject({
  code: z.number(),
  message: z.string().optional(),
  data: z
    .looseObject({
      mnemonic: z.string().optional(),
      field: z.string().nullable().optional(),
      value: z.unknown().optional(),
    })
    .nullable()
    .optional(),
});

const envelopeSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]).nullable().optional(),
  result: z.looseObject({ data: z.unknown(), metadata: metadataSchema }).optional(),
  error: errorSchema.optional(),
});

let nextId = 1;

/**
 * One JSON-RPC 2.0 call to UIS (no batches: UIS rejects them). The token travels only in the
 * request body; nothing here logs or embeds the request.
 */
export async function callUisJsonRpc<S extends z.ZodType>(
  opts: UisJsonRpcOptions,
  method: string,
  params: Record<string, unknown>,
  dataSchema: S,
): Promise<UisRpcResult<z.infer<S>>> {
  const doFetch = opts.fetch ?? nodeHttpFetch;
  const id = `${opts.api}-${nextId++}`;
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: { access_token: opts.accessToken, ...params } });
  const fail = (mnemonic: string, extra: Partial<ConstructorParameters<typeof UisApiError>[0]> = {}) =>
    new UisApiError({ api: opts.api, method, mnemonic, code: null, ...extra });

  let res: HttpAnswer;
  try {
    res = await doFetch(opts.baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (e) {
    const name = (e as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') throw fail('timeout', { cause: e });
    throw fail('network_error', { uisMessage: (e as Error)?.message, cause: e });
  }

  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    const name = (e as { name?: string } | null)?.name;
    throw fail(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network_error', { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(res.ok ? 'invalid_response' : 'http_error', { httpStatus: res.status, uisMessage: `HTTP ${res.status}` });
  }
  const env = envelopeSchema.safeParse(json);
  if (!env.success) {
    throw fail(res.ok ? 'invalid_response' : 'http_error', { httpStatus: res.status, uisMessage: `HTTP ${res.status}` });
  }
  const meta: UisRpcMeta = {
    limits: toUisLimits(env.data.result?.metadata?.limits),
    totalItems: env.data.result?.metadata?.total_items ?? null,
    apiVersion: env.data.result?.metadata?.api_version ?? null,
  };
  if (env.data.error) {
    const err = env.data.error;
    throw new UisApiError({
      api: opts.api,
      method,
      mnemonic: err.data?.mnemonic ?? 'unknown_error',
      code: err.code,
      uisMessage: err.message,
      field: err.data?.field ?? undefined,
      value: err.data?.value,
      httpStatus: res.status,
    });
  }
  if (!env.data.result) throw fail('invalid_response', { httpStatus: res.status, uisMessage: 'no result and no error' });
  if (meta.limits && opts.onLimits) opts.onLimits(meta.limits, method);
  const data = dataSchema.safeParse(env.data.result.data);
  if (!data.success) {
    throw fail('invalid_response', { httpStatus: res.status, uisMessage: z.prettifyError(data.error).slice(0, 500) });
  }
  return { data: data.data, meta };
}

// Fastify plugin: Phone API 1.0, to be registered with prefix `/api/phone/1.0`.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseCreateCall, parseEvent, parseJsonBody, parseUpdateCall, type InputOptions } from './call-input.ts';
import { matches, parseFilter } from './employee-filter.ts';
import { PhoneApiError, authError, msError } from './errors.ts';
import { PhoneLimiter } from './limits.ts';
import type { CallLocator, PhoneState } from './phone-state.ts';
import { stampNow, type Intercept, type Stamp } from './port.ts';
import { acceptsGzip, gzipOnSend, rawBodies, sendJson } from './wire.ts';

export interface PhonePluginDeps extends InputOptions {
  state: PhoneState;
  limiter?: PhoneLimiter;
  intercept?: Intercept;
  /** Base of call hrefs; default `<protocol>://<host><prefix>` of the request. */
  phoneBaseUrl?: string;
  /** The real API answers 415 with an empty body without `Accept-Encoding: gzip`. Default true. */
  requireGzip?: boolean;
}

interface RequestCtx {
  accountId: string;
  receivedAt: Stamp;
}

// Method sets of the documented paths, to tell 405/1039 from 404/1002.
const KNOWN: [RegExp, string[]][] = [
  [/^\/call\/?$/, ['POST']],
  [/^\/call\/extid\/[^/]+\/event\/?$/, ['POST']],
  [/^\/call\/extid\/[^/]+\/?$/, ['PUT']],
  [/^\/call\/[^/]+\/event\/?$/, ['POST']],
  [/^\/call\/[^/]+\/?$/, ['GET', 'PUT']],
  [/^\/employee\/?$/, ['GET']],
];

const ACCEPT_OK = /^(\*\/\*|application\/json(;\s*charset=utf-8)?|application\/\*)$/i;

export function phoneApiPlugin(deps: PhonePluginDeps): FastifyPluginAsync {
  const limiter = deps.limiter ?? new PhoneLimiter();
  const { state } = deps;
  const inputOpts: InputOptions = deps.coerceStringBooleans ? { coerceStringBooleans: true } : {};

  return async (app) => {
    const ctxs = new WeakMap<FastifyRequest, RequestCtx>();
    const ctx = (req: FastifyRequest): RequestCtx => ctxs.get(req)!;
    const base = (req: FastifyRequest): string => deps.phoneBaseUrl ?? `${req.protocol}://${req.host}${app.prefix}`;
    const withMillis = (req: FastifyRequest): boolean =>
      String(req.headers['x-lognex-format-millisecond'] ?? '').toLowerCase() === 'true';
    const fail = (req: FastifyRequest, reply: FastifyReply, e: PhoneApiError): FastifyReply =>
      sendJson(req, reply.headers(e.headers), e.status, e.body());

    rawBodies(app);
    gzipOnSend(app);

    app.addHook('onRequest', async (req, reply) => {
      const receivedAt = stampNow();
      if ((deps.requireGzip ?? true) && !acceptsGzip(req)) return reply.code(415).send('');
      const accept = req.headers.accept;
      if (accept !== undefined && !accept.split(',').some((a) => ACCEPT_OK.test(a.trim()))) {
        return fail(req, reply, new PhoneApiError(400, [msError(1062, "Неверное значение заголовка 'Accept'. Поддерживается только значение 'application/json;charset=utf-8'")]));
      }
      const key = req.headers['lognex-phone-auth-token'];
      if (typeof key !== 'string' || key === '') return fail(req, reply, authError('не указан заголовок Lognex-Phone-Auth-Token'));
      const accountId = state.directory.accountByPhoneKey(key);
      if (accountId === undefined) return fail(req, reply, authError('неверный ключ доступа'));
      const got = limiter.acquire(key, req.ip);
      if (!got.ok) {
        if (got.kind === 'rate') {
          reply.headers({ 'X-Lognex-Retry-After': String(got.retryAfterMs), 'X-Lognex-Auth': '429002' });
          return fail(req, reply, new PhoneApiError(429, [msError(1049, 'Превышено ограничение на количество запросов в единицу времени')]));
        }
        reply.header('X-Lognex-Auth', '429005');
        return fail(req, reply, new PhoneApiError(429, [msError(1073, 'Превышено ограничение на количество параллельных запросов')]));
      }
      reply.raw.once('close', got.release);
      reply.headers({
        'X-RateLimit-Limit': String(limiter.perWindow),
        'X-RateLimit-Remaining': String(got.remaining),
        'X-Lognex-Retry-TimeInterval': String(limiter.windowMs),
        'X-Lognex-Reset': String(got.resetMs),
      });
      ctxs.set(req, { accountId, receivedAt });
    });

    app.addHook('preHandler', async (req, reply) => {
      if (!deps.intercept) return;
      const c = ctxs.get(req);
      const r = await deps.intercept({
        api: 'phone',
        method: req.method,
        route: req.routeOptions.url?.slice(app.prefix.length) ?? req.url,
        ...(c ? { accountId: c.accountId } : {}),
      });
      if (r) {
        reply.headers(r.headers ?? {});
        return r.body === undefined ? reply.code(r.status).send('') : sendJson(req, reply, r.status, r.body);
      }
    });

    app.setErrorHandler((err, req, reply) => {
      if (err instanceof PhoneApiError) return fail(req, reply, err);
      const e = err as { statusCode?: number; code?: string };
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return fail(req, reply, new PhoneApiError(413, [msError(1044, 'Превышен максимальный размер запроса')]));
      }
      req.log.error({ err }, 'phone sandbox: unexpected error');
      return fail(req, reply, new PhoneApiError(500, [msError(1999, 'Неизвестная ошибка')]));
    });

    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]!.slice(app.prefix.length);
      const known = KNOWN.find(([re]) => re.test(path));
      if (known && !known[1].includes(req.method)) {
        return fail(req, reply, new PhoneApiError(405, [msError(1039, `Операция ${req.method} не поддерживается для данного ресурса`)]));
      }
      return fail(req, reply, new PhoneApiError(404, [msError(1002, `Неопознанный путь: ${req.url.split('?')[0]}`)]));
    });

    const body = (req: FastifyRequest) => parseJsonBody(typeof req.body === 'string' ? req.body : undefined);
    const callReply = (req: FastifyRequest, reply: FastifyReply, call: Parameters<PhoneState['toJson']>[0]) =>
      sendJson(req, reply, 200, state.toJson(call, base(req), withMillis(req)));

    app.post('/call', async (req, reply) => {
      const c = ctx(req);
      const call = state.createCall(c.accountId, parseCreateCall(body(req), inputOpts), c.receivedAt);
      return callReply(req, reply, call);
    });

    app.get<{ Params: { id: string } }>('/call/:id', async (req, reply) => {
      return callReply(req, reply, state.find(ctx(req).accountId, { id: req.params.id }));
    });

    const put = (loc: (req: FastifyRequest) => CallLocator) => async (req: FastifyRequest, reply: FastifyReply) => {
      const c = ctx(req);
      const call = state.updateCall(c.accountId, loc(req), parseUpdateCall(body(req)), c.receivedAt);
      return callReply(req, reply, call);
    };
    app.put('/call/:id', put((req) => ({ id: (req.params as { id: string }).id })));
    app.put('/call/extid/:extid', put((req) => ({ externalId: (req.params as { extid: string }).extid })));

    const event = (loc: (req: FastifyRequest) => CallLocator) => async (req: FastifyRequest, reply: FastifyReply) => {
      const c = ctx(req);
      state.postEvent(c.accountId, loc(req), parseEvent(body(req)), c.receivedAt);
      return reply.code(204).send();
    };
    app.post('/call/:id/event', event((req) => ({ id: (req.params as { id: string }).id })));
    app.post('/call/extid/:extid/event', event((req) => ({ externalId: (req.params as { extid: string }).extid })));

    app.get<{ Querystring: { filter?: string } }>('/employee', async (req, reply) => {
      const conditions = parseFilter(req.query.filter ?? '');
      const employees = state.directory
        .employees(ctx(req).accountId)
        .filter((e) => e.extension !== undefined && e.extension !== '' && matches(conditions, e.extension))
        .map((e) => ({ meta: { href: e.href, type: 'employee', mediaType: 'application/json' }, extention: e.extension }));
      return sendJson(req, reply, 200, { employees });
    });
  };
}

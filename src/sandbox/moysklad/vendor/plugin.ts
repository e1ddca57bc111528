// Fastify plugin (register at the root): the Vendor API MoySklad exposes to solutions
// (`/api/vendor/1.0/...`, vendor JWT auth) and the sandbox's widget host page.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MsApiError, acceptsGzip, gzipOnSend, msError, rawBodies, sendJson, type Intercept } from '../phone/index.ts';
import { peekClaims, verifyHs256 } from './jwt.ts';
import type { AppStatus, VendorApp } from './port.ts';
import type { VendorState } from './vendor-state.ts';
import { renderWidgetHostPage } from './widget-host.ts';

export interface VendorPluginDeps {
  state: VendorState;
  intercept?: Intercept;
  requireGzip?: boolean;
}

export const VENDOR_API_PREFIX = '/api/vendor/1.0';
export const WIDGET_HOST_PATH = '/sandbox/vendor/widget-host';
const MAX_TOKEN_LIFETIME_S = 300;
const CLOCK_SKEW_S = 5;

const authFail = (detail: string): MsApiError =>
  new MsApiError(401, [msError(1056, `Ошибка аутентификации: ${detail}`)], {
    'X-Lognex-Auth': '1056',
    'X-Lognex-Auth-Message': encodeURIComponent(detail),
  });

export function vendorPlugin(deps: VendorPluginDeps): FastifyPluginAsync {
  const { state } = deps;

  /** The vendor's one-time JWT: HS256 with the app's secretKey, sub = appUid, iat + unique jti. */
  function authenticate(req: FastifyRequest): VendorApp {
    const m = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) throw authFail('нужен заголовок Authorization: Bearer <JWT>');
    const token = m[1]!.trim();
    const sub = peekClaims(token)?.sub;
    const app = [...state.apps.values()].find((a) => a.appUid === sub);
    if (!app) throw authFail('неизвестный sub (appUid)');
    const v = verifyHs256(token, app.secretKey);
    if (!v.ok) throw authFail(v.reason);
    const { iat, exp, jti } = v.claims;
    const nowS = state.now() / 1000;
    if (typeof iat !== 'number') throw authFail('нет iat');
    if (typeof jti !== 'string' || jti === '') throw authFail('нет jti');
    if (iat > nowS + CLOCK_SKEW_S) throw authFail('iat в будущем');
    if (nowS - iat > MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S) throw authFail('токен старше maxTokenLifetime');
    if (exp !== undefined && (typeof exp !== 'number' || exp < nowS - CLOCK_SKEW_S)) throw authFail('токен истёк');
    for (const [k, until] of state.usedJti) if (until < state.now()) state.usedJti.delete(k);
    if (state.usedJti.has(jti)) throw authFail('jti уже использован');
    state.usedJti.set(jti, (iat + MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S) * 1000);
    return app;
  }

  return async (app) => {
    rawBodies(app);
    gzipOnSend(app);
    const fail = (req: FastifyRequest, reply: FastifyReply, e: MsApiError) => sendJson(req, reply.headers(e.headers), e.status, e.body());

    app.setErrorHandler((err, req, reply) => {
      if (err instanceof MsApiError) return fail(req, reply, err);
      req.log.error({ err }, 'vendor sandbox: unexpected error');
      return fail(req, reply, new MsApiError(500, [msError(1999, 'Неизвестная ошибка')]));
    });

    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith(VENDOR_API_PREFIX)) return;
      if ((deps.requireGzip ?? true) && !acceptsGzip(req)) return reply.code(415).send('');
    });
    app.addHook('preHandler', async (req, reply) => {
      if (!deps.intercept || !req.url.startsWith(VENDOR_API_PREFIX)) return;
      const r = await deps.intercept({ api: 'vendor', method: req.method, route: req.routeOptions.url ?? req.url });
      if (r) return r.body === undefined ? reply.headers(r.headers ?? {}).code(r.status).send('') : sendJson(req, reply.headers(r.headers ?? {}), r.status, r.body);
    });

    app.post<{ Params: { contextKey: string } }>(`${VENDOR_API_PREFIX}/context/:contextKey`, async (req, reply) => {
      const vendorApp = authenticate(req);
      const ctx = state.contextKeys.get(req.params.contextKey);
      if (!ctx || ctx.expiresAt < state.now()) {
        throw new MsApiError(404, [msError(1021, `Объект с типом 'context' и идентификатором '${req.params.contextKey}' не найден`)]);
      }
      if (ctx.appId !== vendorApp.appId) throw new MsApiError(403, [msError(1016, 'Контекст принадлежит другому решению')]);
      const employee = state.directory.contextEmployee(ctx.accountId, ctx.employeeId);
      if (!employee) throw new MsApiError(404, [msError(1021, `Объект с типом 'employee' и идентификатором '${ctx.employeeId}' не найден`)]);
      return sendJson(req, reply, 200, employee);
    });

    const installFor = (req: FastifyRequest<{ Params: { appId: string; accountId: string } }>) => {
      const vendorApp = authenticate(req);
      if (vendorApp.appId !== req.params.appId) throw new MsApiError(403, [msError(1016, 'JWT выписан другим решением')]);
      const inst = state.install(req.params.appId, req.params.accountId);
      if (!inst) throw new MsApiError(404, [msError(2004, 'Решение не установлено на аккаунт')]);
      return inst;
    };

    app.get<{ Params: { appId: string; accountId: string } }>(`${VENDOR_API_PREFIX}/apps/:appId/:accountId/status`, async (req, reply) => {
      const inst = installFor(req);
      return sendJson(req, reply, 200, { status: inst.status, cause: inst.cause, subscription: inst.subscription });
    });

    // Async activation: Activating/SettingsRequired → Activated or SettingsRequired.
    app.put<{ Params: { appId: string; accountId: string } }>(`${VENDOR_API_PREFIX}/apps/:appId/:accountId/status`, async (req, reply) => {
      const inst = installFor(req);
      let next: unknown;
      try {
        next = (JSON.parse(String(req.body ?? '')) as { status?: unknown }).status;
      } catch {
        throw new MsApiError(400, [msError(2001, 'Ошибка формата: входящий запрос не соответствует формату JSON')]);
      }
      const allowed: AppStatus[] = ['Activated', 'SettingsRequired'];
      if (!allowed.includes(next as AppStatus) || !['Activating', 'SettingsRequired', 'Activated'].includes(inst.status)) {
        throw new MsApiError(409, [msError(3007, `Ошибка валидации сохраняемого объекта: переход ${inst.status} → ${String(next)} невозможен`)]);
      }
      inst.status = next as AppStatus;
      return sendJson(req, reply, 200, { status: inst.status });
    });

    app.get<{ Querystring: Record<string, string | undefined> }>(WIDGET_HOST_PATH, async (req, reply) => {
      const q = req.query;
      const extensionPoint = q.extensionPoint ?? 'entity.counterparty.edit';
      if (!q.accountId || !q.appId || !q.employeeId) {
        return reply.code(400).type('text/plain; charset=utf-8').send('Нужны параметры accountId, appId, employeeId');
      }
      const vendorApp = state.apps.get(q.appId);
      const sourceUrl = vendorApp?.widgets?.[extensionPoint];
      if (!vendorApp || !sourceUrl) return reply.code(404).type('text/plain; charset=utf-8').send('У решения нет виджета для этой точки расширения');
      const contextKey = state.createContextKey(q.accountId, q.appId, q.employeeId);
      const html = renderWidgetHostPage({
        sourceUrl,
        contextKey,
        appUid: vendorApp.appUid,
        appId: vendorApp.appId,
        accountId: q.accountId,
        extensionPoint,
        // Create pages open with objectId null.
        objectId: extensionPoint.endsWith('.create') ? null : (q.objectId ?? null),
        heightPx: Number(q.height ?? 200),
        messagesUrl: `${WIDGET_HOST_PATH}/messages`,
      });
      return reply.type('text/html; charset=utf-8').send(html);
    });

    app.post(`${WIDGET_HOST_PATH}/messages`, async (req, reply) => {
      try {
        const m = JSON.parse(String(req.body ?? '')) as { accountId?: string; appId?: string; extensionPoint?: string; direction?: string; message?: unknown };
        state.widgetMessages.push({
          at: state.now(),
          accountId: String(m.accountId ?? ''),
          appId: String(m.appId ?? ''),
          extensionPoint: String(m.extensionPoint ?? ''),
          direction: m.direction === 'widget->host' ? 'widget->host' : 'host->widget',
          message: m.message,
        });
      } catch {
        return reply.code(400).send('');
      }
      return reply.code(204).send();
    });
  };
}

// The UIS sandbox: Call API v4.0 and Data API v2.0 over HTTP with UIS's JSON-RPC envelopes and
// errors, recordings under /system/media/talk/, and the traffic simulator wired to the same account.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCallApiMethod, type EmployeeCallRequest } from './call-api-methods.ts';
import { runDataApiMethod, type MethodResult } from './data-api-methods.ts';
import { codeForMnemonic, rpcErrors, UisRpcError } from './rpc-error.ts';
import { seedDefaultAccount, UisSandboxState, type InjectedFailure, type SandboxLimitsConfig } from './state.ts';
import { createUisSimulator, type UisSimulator, type UisSimulatorOptions } from './simulator/index.ts';

export const SANDBOX_ACCESS_TOKEN = 'uis-sandbox-token';

export interface UisSandboxOptions extends Omit<UisSimulatorOptions, 'state' | 'mediaBaseUrl'> {
  port?: number;
  host?: string;
  /** Valid access tokens; default [SANDBOX_ACCESS_TOKEN]. */
  accessTokens?: string[];
  limits?: Partial<SandboxLimitsConfig>;
  /** Start with the default staff (4 employees, 2 virtual numbers); default true. */
  seedAccount?: boolean;
  /** Play a click-to-call for every accepted start.employee_call; default true. */
  playEmployeeCalls?: boolean;
}

export interface UisSandboxControl {
  readonly state: UisSandboxState;
  readonly simulator: UisSimulator;
  addEmployee: UisSandboxState['addEmployee'];
  /** Make the next matching request(s) fail with this mnemonic. */
  failNext(f: InjectedFailure): void;
  setLimits(l: Partial<SandboxLimitsConfig>): void;
  expireToken(token: string): void;
  blockToken(token: string): void;
  disableMethod(method: string): void;
  /** Click-to-call requests accepted by the Call API, in order. */
  readonly employeeCalls: EmployeeCallRequest[];
}

export interface UisSandbox {
  url: string;
  callApiUrl: string;
  dataApiUrl: string;
  control: UisSandboxControl;
  close(): Promise<void>;
}

type Api = 'call' | 'data';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startUisSandbox(opts: UisSandboxOptions = {}): Promise<UisSandbox> {
  const state = new UisSandboxState();
  if (opts.seedAccount !== false) seedDefaultAccount(state);
  for (const t of opts.accessTokens ?? [SANDBOX_ACCESS_TOKEN]) state.validTokens.add(t);
  state.limits = { ...state.limits, ...opts.limits };
  const employeeCalls: EmployeeCallRequest[] = [];
  const simulator = createUisSimulator({ ...opts, state });
  const playEmployeeCalls = opts.playEmployeeCalls !== false;

  function handleRpc(api: Api, raw: string): Record<string, unknown> {
    let id: unknown = null;
    try {
      let msg: unknown;
      try {
        msg = JSON.parse(raw);
      } catch {
        throw rpcErrors.parse();
      }
      if (Array.isArray(msg)) throw rpcErrors.batch();
      if (!msg || typeof msg !== 'object') throw rpcErrors.invalidRequest('not an object');
      const m = msg as Record<string, unknown>;
      if (typeof m.id === 'string' || typeof m.id === 'number') id = m.id;
      if (m.jsonrpc !== '2.0') throw rpcErrors.invalidRequest('jsonrpc must be "2.0"');
      if (typeof m.method !== 'string') throw rpcErrors.invalidRequest('method is missing');
      if (m.id === undefined || m.id === null) throw rpcErrors.notification();
      const params = (m.params ?? {}) as Record<string, unknown>;
      if (typeof params !== 'object' || Array.isArray(params)) throw rpcErrors.invalidRequest('params must be an object');
      const method = m.method;
      try {
        const result = dispatch(api, method, params);
        state.requestLog.push({ api, method, ok: true });
        return { jsonrpc: '2.0', id, result };
      } catch (e) {
        if (e instanceof UisRpcError) state.requestLog.push({ api, method, ok: false, mnemonic: e.mnemonic });
        throw e;
      }
    } catch (e) {
      const err = e instanceof UisRpcError ? e : new UisRpcError(-32603, 'internal_error', 'Internal error');
      return { jsonrpc: '2.0', id, error: err.toJson() };
    }
  }

  const KNOWN: Record<Api, Set<string>> = {
    call: new Set(['start.employee_call', 'release.call', 'list.calls']),
    data: new Set(['get.account', 'get.employees', 'get.calls_report', 'get.chats_report', 'get.chat_messages_report', 'get.offline_messages_report']),
  };

  function dispatch(api: Api, method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (!KNOWN[api].has(method)) throw rpcErrors.methodNotFound(method);
    const token = params.access_token;
    if (token === undefined || token === null || token === '') throw rpcErrors.required('access_token');
    if (typeof token !== 'string') throw rpcErrors.dataType('access_token', null, 'string');
    if (state.expiredTokens.has(token)) throw rpcErrors.tokenExpired();
    if (state.blockedTokens.has(token)) throw rpcErrors.tokenBlocked();
    if (!state.validTokens.has(token)) throw rpcErrors.tokenInvalid();
    const injected = state.takeFailure(api, method);
    if (injected) {
      throw new UisRpcError(codeForMnemonic(injected.mnemonic), injected.mnemonic, injected.message ?? `Injected ${injected.mnemonic}`);
    }
    if (api === 'data' && state.disabledMethods.has(method)) {
      throw new UisRpcError(-32008, 'method_component_disabled', `Component required by ${method} is disabled`);
    }
    if (api === 'call' && state.disabledMethods.has(method)) {
      throw new UisRpcError(-32008, 'component_disabled', `Component required by ${method} is disabled`);
    }
    const exceeded = state.checkLimits();
    if (exceeded) throw rpcErrors.limit(exceeded);
    const r: MethodResult =
      api === 'call'
        ? runCallApiMethod(state, method, params, (req) => {
            employeeCalls.push(req);
            if (playEmployeeCalls) void simulator.playEmployeeCall(req);
          })
        : runDataApiMethod(state, method, params);
    // Only successful requests cost points.
    state.spendPoint();
    const metadata: Record<string, unknown> = { limits: state.limitsMeta() };
    if (api === 'data') metadata.total_items = r.totalItems ?? (Array.isArray(r.data) ? r.data.length : 1);
    return { data: r.data, metadata };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const api: Api | null = path === '/v4.0' || path === '/v4.0/' ? 'call' : path === '/v2.0' || path === '/v2.0/' ? 'data' : null;
      if (api) {
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
        const raw = await readBody(req);
        return sendJson(res, 200, handleRpc(api, raw));
      }
      const media = /^\/system\/media\/talk\/(\d+)\/([0-9a-f]+)\/?$/.exec(path) ?? /^\/media\/(\d+)\/([0-9a-f]+)$/.exec(path);
      if (media && req.method === 'GET') {
        const rec = state.recordings.get(media[2]!);
        if (!rec || String(rec.communicationId) !== media[1]) return sendJson(res, 404, { error: 'not found' });
        // A tiny fake MP3: an ID3 header followed by silence-ish bytes sized by duration.
        const bytes = Buffer.concat([Buffer.from('ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'), Buffer.alloc(Math.min(rec.durationS * 16, 64_000))]);
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': bytes.length });
        return res.end(bytes);
      }
      sendJson(res, 404, { error: 'not found' });
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'sandbox failure' });
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  simulator.configure({ mediaBaseUrl: url });

  const control: UisSandboxControl = {
    state,
    simulator,
    addEmployee: (e) => state.addEmployee(e),
    failNext: (f) => void state.failures.push(f),
    setLimits: (l) => {
      state.limits = { ...state.limits, ...l };
    },
    expireToken: (t) => void state.expiredTokens.add(t),
    blockToken: (t) => void state.blockedTokens.add(t),
    disableMethod: (m) => void state.disabledMethods.add(m),
    employeeCalls,
  };

  return {
    url,
    callApiUrl: `${url}/v4.0`,
    dataApiUrl: `${url}/v2.0`,
    control,
    async close() {
      await simulator.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

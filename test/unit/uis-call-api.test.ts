import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUisCallApiClient, UisApiError, type UisLimits } from '../../src/uis/index.ts';
import { startUisSandbox, SANDBOX_ACCESS_TOKEN, type UisSandbox } from '../../src/sandbox/uis/index.ts';

const TOKEN = SANDBOX_ACCESS_TOKEN;
const base = { virtualPhoneNumber: '74950000001', contact: '79261234567', employee: { id: 1001 }, direction: 'out' as const, externalId: 'ms-1' };

async function rejects(p: Promise<unknown>, mnemonic: string): Promise<UisApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UisApiError, `expected UisApiError, got ${String(e)}`);
    assert.equal(e.mnemonic, mnemonic, e.message);
    return e;
  }
  assert.fail(`expected ${mnemonic}`);
}

describe('UIS Call API client against the sandbox', () => {
  let sb: UisSandbox;
  before(async () => {
    sb = await startUisSandbox({ playEmployeeCalls: false });
  });
  after(async () => {
    await sb.close();
  });
  const client = (token = TOKEN, extra: Partial<Parameters<typeof createUisCallApiClient>[0]> = {}) =>
    createUisCallApiClient({ baseUrl: sb.callApiUrl, accessToken: token, timeoutMs: 2000, ...extra });

  test('start.employee_call sends explicit direction and external_id and returns the session id', async () => {
    const seen: UisLimits[] = [];
    const c = client(TOKEN, { onLimits: (l) => seen.push(l) });
    const r = await c.startEmployeeCall({ ...base, externalId: 'ms-order-77', employee: { id: 1002, phoneNumber: '79161110102' } });
    assert.ok(r.callSessionId > 0);
    const req = sb.control.employeeCalls.at(-1)!;
    assert.equal(req.callSessionId, r.callSessionId);
    assert.equal(req.directionWasExplicit, true);
    assert.equal(req.direction, 'out');
    assert.equal(req.externalId, 'ms-order-77');
    assert.equal(req.firstCall, 'employee');
    assert.equal(req.employeePhone, '79161110102');
    assert.ok(r.limits && r.limits.minuteLimit !== null && r.limits.minuteRemaining !== null);
    assert.equal(r.limits.minuteRemaining, r.limits.minuteLimit! - sb.control.state.requestLog.filter((l) => l.ok).length);
    assert.deepEqual(c.lastLimits, r.limits);
    assert.equal(seen.length, 1);
  });

  test('the sandbox applies the documented default direction "in" when it is missing', async () => {
    const res = await fetch(sb.callApiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0', id: 1, method: 'start.employee_call',
        params: { access_token: TOKEN, first_call: 'employee', virtual_phone_number: '74950000001', contact: '79261234567', employee: { id: 1001 } },
      }),
    });
    const json = (await res.json()) as { result: { data: { call_session_id: number } } };
    const req = sb.control.employeeCalls.find((c) => c.callSessionId === json.result.data.call_session_id)!;
    assert.equal(req.direction, 'in');
    assert.equal(req.directionWasExplicit, false);
  });

  test('auth errors map to mnemonics with Russian user messages, token never exposed', async () => {
    const bad = 'secret-token-value-123';
    const e = await rejects(client(bad).startEmployeeCall(base), 'access_token_invalid');
    assert.equal(e.code, -32001);
    assert.match(e.messageRu, /ключ доступа UIS/i);
    assert.ok(!e.message.includes(bad) && !JSON.stringify(e).includes(bad) && !e.messageRu.includes(bad));
    sb.control.state.validTokens.add('old');
    sb.control.expireToken('old');
    await rejects(client('old').startEmployeeCall(base), 'access_token_expired');
    sb.control.blockToken('blocked');
    await rejects(client('blocked').startEmployeeCall(base), 'access_token_blocked');
  });

  test('method errors map by data.mnemonic', async () => {
    const c = client();
    let e = await rejects(c.startEmployeeCall({ ...base, employee: { id: 999 } }), 'employee_not_found');
    assert.equal(e.field, 'employee.id');
    assert.match(e.message, /employee was not found/);
    e = await rejects(c.startEmployeeCall({ ...base, virtualPhoneNumber: '74959999999' }), 'virtual_phone_number_not_found');
    assert.equal(e.code, -32007);
    await rejects(c.startEmployeeCall({ ...base, employee: { id: 1001, phoneNumber: '74951231010' } }), 'no_active_phone_number');
    await rejects(c.startEmployeeCall({ ...base, contact: '74950000002' }), 'own_virtual_phone_number_not_allowed');
    await rejects(c.startEmployeeCall({ ...base, earlySwitching: true }), 'invalid_parameters_combination');
    await rejects(c.startEmployeeCall({ ...base, contactMessage: { type: 'media', value: '42' } }), 'media_file_not_found');
    await rejects(c.startEmployeeCall({ ...base, contactMessage: { type: 'tts', value: 'х'.repeat(1001) } }), 'tts_text_exceeded');
    sb.control.state.blacklist.add('79260000666');
    e = await rejects(c.startEmployeeCall({ ...base, contact: '79260000666' }), 'contact_in_blacklist');
    assert.equal(e.code, -32002);
    assert.match(e.messageRu, /чёрном списке/);
  });

  test('account-level errors (IP, component, account, internal) map to clear messages', async () => {
    const c = client();
    for (const [mnemonic, ru] of [
      ['ip_not_whitelisted', /IP-адрес/],
      ['component_disabled', /опция/],
      ['account_inactive', /неактивен/],
      ['internal_error', /Внутренняя ошибка/],
    ] as const) {
      sb.control.failNext({ api: 'call', mnemonic });
      const e = await rejects(c.startEmployeeCall(base), mnemonic);
      assert.match(e.messageRu, ru);
    }
  });

  test('limit_exceeded is retryable and reports the limit type', async () => {
    sb.control.state.resetLimits();
    sb.control.setLimits({ minuteLimit: 1 });
    const c = client();
    await c.startEmployeeCall(base);
    const e = await rejects(c.startEmployeeCall(base), 'limit_exceeded');
    assert.equal(e.code, -32029);
    assert.equal(e.retryable, true);
    assert.match(e.uisMessage ?? '', /minute_limit/);
    sb.control.setLimits({ minuteLimit: 10_000 });
    sb.control.state.resetLimits();
  });
});

describe('UIS Call API client transport failures', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 500);
      if (req.url === '/html') return void res.writeHead(502).end('<html>bad gateway</html>');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { data: { nope: 1 } } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  test('a request that exceeds its timeout fails with mnemonic timeout', async () => {
    const c = createUisCallApiClient({ baseUrl: `${url}/slow`, accessToken: 't', timeoutMs: 50 });
    const e = await rejects(c.startEmployeeCall(base), 'timeout');
    assert.equal(e.retryable, true);
  });

  test('non-JSON and unexpected shapes are http_error / invalid_response', async () => {
    const e = await rejects(createUisCallApiClient({ baseUrl: `${url}/html`, accessToken: 't' }).startEmployeeCall(base), 'http_error');
    assert.equal(e.httpStatus, 502);
    await rejects(createUisCallApiClient({ baseUrl: `${url}/shape`, accessToken: 't' }).startEmployeeCall(base), 'invalid_response');
  });
});

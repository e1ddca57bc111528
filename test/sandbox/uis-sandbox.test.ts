import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startUisSandbox, runUisSandboxCli, SANDBOX_ACCESS_TOKEN, type UisSandbox } from '../../src/sandbox/uis/index.ts';

async function rpc(url: string, body: string): Promise<{ id?: unknown; result?: { data: unknown; metadata: Record<string, unknown> }; error?: { code: number; data: { mnemonic: string; field: string | null } } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(res.status, 200);
  return (await res.json()) as never;
}
const call = (method: string, params: Record<string, unknown>, id: unknown = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

describe('UIS sandbox JSON-RPC envelopes', () => {
  let sb: UisSandbox;
  before(async () => {
    sb = await startUisSandbox({ playEmployeeCalls: false });
  });
  after(() => sb.close());

  test('protocol errors carry UIS codes and mnemonics', async () => {
    const cases: Array<[string, number, string]> = [
      ['{not json', -32700, 'parse_error'],
      [`[${call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN })}]`, -32099, 'batch_operations_not_supported'],
      [JSON.stringify({ jsonrpc: '2.0', method: 'get.employees', params: { access_token: SANDBOX_ACCESS_TOKEN } }), -32099, 'notifications_not_supported'],
      [JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'get.employees', params: {} }), -32600, 'invalid_request'],
      [call('get.nothing', { access_token: SANDBOX_ACCESS_TOKEN }), -32601, 'method_not_found'],
      [call('get.employees', {}), -32602, 'required_parameter_missed'],
      [call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN, bogus: 1 }), -32602, 'unexpected_parameters'],
      [call('get.calls_report', { access_token: SANDBOX_ACCESS_TOKEN, date_from: '2024-01-01 00:00:00', date_till: '2024-04-01 00:00:01' }), -32602, 'date_interval_limit_reached'],
      [call('get.calls_report', { access_token: SANDBOX_ACCESS_TOKEN, date_from: '2024-01-01', date_till: '2024-02-01 00:00:00' }), -32602, 'invalid_parameter_value'],
      [call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN, filter: { field: 'nope', operator: '=', value: 1 } }), -32602, 'filter_prohibited'],
    ];
    for (const [body, code, mnemonic] of cases) {
      const r = await rpc(sb.dataApiUrl, body);
      assert.equal(r.error?.code, code, body);
      assert.equal(r.error?.data.mnemonic, mnemonic, body);
    }
  });

  test('exactly 3 months is accepted; the id is echoed; metadata has limits and total_items', async () => {
    const r = await rpc(sb.dataApiUrl, call('get.calls_report', { access_token: SANDBOX_ACCESS_TOKEN, date_from: '2024-01-01 00:00:00', date_till: '2024-04-01 00:00:00' }, 'abc'));
    assert.equal(r.id, 'abc');
    assert.deepEqual(r.result?.data, []);
    assert.equal(r.result?.metadata.total_items, 0);
    assert.ok(typeof (r.result?.metadata.limits as { day_remaining: number }).day_remaining === 'number');
  });

  test('filters and sort work on employees', async () => {
    const r = await rpc(
      sb.dataApiUrl,
      call('get.employees', {
        access_token: SANDBOX_ACCESS_TOKEN,
        filter: { filters: [{ field: 'id', operator: '>=', value: 1002 }, { field: 'email', operator: 'like', value: '10%' }], condition: 'and' },
        sort: [{ field: 'id', order: 'desc' }],
        fields: ['id'],
      }),
    );
    assert.deepEqual(r.result?.data, [{ id: 1004 }, { id: 1003 }, { id: 1002 }]);
  });

  test('failed requests cost no points; the limit error names its type', async () => {
    sb.control.state.resetLimits();
    sb.control.setLimits({ dayLimit: 2 });
    await rpc(sb.dataApiUrl, call('get.employees', {}));
    const ok = await rpc(sb.dataApiUrl, call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN }));
    assert.equal((ok.result?.metadata.limits as { day_remaining: number }).day_remaining, 1);
    await rpc(sb.dataApiUrl, call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN }));
    const over = await rpc(sb.dataApiUrl, call('get.employees', { access_token: SANDBOX_ACCESS_TOKEN }));
    assert.equal(over.error?.code, -32029);
    assert.equal(over.error?.data.mnemonic, 'limit_exceeded');
    sb.control.setLimits({ dayLimit: 100_000 });
  });
});

describe('uis-moysklad sandbox uis (CLI)', () => {
  test('starts on the given port and prints the API URLs', async () => {
    const lines: string[] = [];
    const sb = await runUisSandboxCli(['--port', '0', '--target', 'http://127.0.0.1:9/hooks/uis/x'], (l) => lines.push(l));
    try {
      assert.ok(lines.some((l) => l.includes(sb.callApiUrl)));
      assert.ok(lines.some((l) => l.includes(sb.dataApiUrl)));
      const r = await rpc(sb.dataApiUrl, call('get.account', { access_token: SANDBOX_ACCESS_TOKEN }));
      assert.equal((r.result?.data as Array<{ timezone: string }>)[0]?.timezone, 'Europe/Moscow');
    } finally {
      await sb.close();
    }
    await assert.rejects(runUisSandboxCli(['--port', 'x'], () => undefined), /--port must be a number/);
  });
});

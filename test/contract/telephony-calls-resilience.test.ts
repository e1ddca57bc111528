// Resilience of the call pipeline (PGlite): MoySklad faults (429, 5xx) on the way still give exactly
// one call; a rejected key marks the integration and the calls wait until the key is fixed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallTruth } from '../../src/sandbox/uis/index.ts';
import { extOf, msCallsOf, settled, startCallsWorld, until, type CallsWorld } from './telephony-calls.helpers.ts';

describe('call pipeline resilience (PGlite)', () => {
  let w: CallsWorld;
  before(async () => {
    w = await startCallsWorld({ db: 'pglite' });
  });
  after(async () => {
    await w?.close();
  });

  const play = async (kind: Parameters<CallsWorld['sim']['play']>[0], o: Parameters<CallsWorld['sim']['play']>[1] = {}) =>
    (await w.sim.play(kind, { ringS: 40, talkS: 60, recordingDelayS: 1, ...o })).truth as CallTruth;

  test('MoySklad 429 and 5xx on the way: still exactly one call with every field', async () => {
    const f1 = w.sandbox.control.faults.add({ method: 'POST', path: '/api/phone/1.0/call', fault: { kind: 'status', status: 503 }, times: 1 });
    const f2 = w.sandbox.control.faults.add({ method: 'PUT', path: '/api/phone/1.0/call', fault: { kind: 'rate-limit', retryAfterMs: 300 }, times: 2 });
    try {
      const t = await play('incoming_answered', { employees: [1003] });
      const calls = await settled(w, t, 15_000);
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.extension, extOf(1003));
      assert.deepEqual(w.sandbox.phone.duplicates(w.accountId), []);
      const counters = w.sandbox.control.counters.get();
      assert.ok(Object.values(counters).some((e) => (e.statuses['503'] ?? 0) > 0), 'a 503 was answered');
      assert.ok(Object.values(counters).some((e) => (e.statuses['429'] ?? 0) > 0), 'a 429 was answered');
    } finally {
      w.sandbox.control.faults.remove(f1);
      w.sandbox.control.faults.remove(f2);
    }
  });

  test('rejected key: the integration says so; fixing the key replays the waiting calls', async () => {
    const fresh = 'rotated-phone-key-5f1c';
    w.sandbox.control.accounts.rotate('sandbox', { phoneKey: fresh });
    const t = await play('incoming_answered', { employees: [1001] });
    await until('integration marked', async () => (await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}`)).json.status === 'credentials_rejected');
    const view = (await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}`)).json;
    assert.match(view.statusReason, /ключ/);
    await w.sim.idle();
    assert.equal(msCallsOf(w, t).length, 0);
    const fixed = await w.admin.req('PATCH', `/api/v1/credentials/${w.credentialId}`, { secret: fresh });
    assert.equal(fixed.status, 200);
    const calls = await settled(w, t, 20_000);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.extension, extOf(1001));
    assert.equal((await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}`)).json.status, 'ok');
    assert.ok(!w.app.logs.join('').includes(fresh), 'the key never reaches the logs');
  });
});

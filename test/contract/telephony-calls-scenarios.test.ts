// Call scenarios beyond the core (PGlite): ring group, transfer, outgoing, internal calls with the
// option off/on, duplicated and shuffled deliveries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallTruth } from '../../src/sandbox/uis/index.ts';
import { cardsFor, extOf, msCallsOf, settled, startCallsWorld, until, type CallsWorld } from './telephony-calls.helpers.ts';

describe('call scenarios (PGlite)', () => {
  let w: CallsWorld;
  before(async () => {
    w = await startCallsWorld({ db: 'pglite' });
  });
  after(async () => {
    await w?.close();
  });

  const play = async (kind: Parameters<CallsWorld['sim']['play']>[0], o: Parameters<CallsWorld['sim']['play']>[1] = {}) =>
    (await w.sim.play(kind, { ringS: 40, talkS: 60, recordingDelayS: 1, ...o })).truth as CallTruth;

  test('ring group: SHOW for everyone ringing, STARTTIME for the one who answered, HIDE for the others', async () => {
    // Ring and talk long enough (0.5 s, 1 s here) that each step is pushed before the next is seen on a
    // loaded machine; otherwise the cards rightly coalesce (no HIDE for a card the hang-up hides anyway).
    const t = await play('ring_group', { employees: [1001, 1002, 1003], ringS: 250, talkS: 500 });
    const [c] = await settled(w, t);
    const answered = t.answeredBy[0]!;
    assert.equal(c!.extension, extOf(answered));
    for (const id of t.rang) {
      const seen = cardsFor(w, t, extOf(id));
      if (id === answered) assert.deepEqual(seen, ['SHOW', 'STARTTIME', 'HIDE_ALL']);
      // HIDE_ALL touches only cards still shown.
      else assert.deepEqual(seen, ['SHOW', 'HIDE'], `employee ${id}`);
    }
    assert.deepEqual(w.sandbox.phone.duplicates(w.accountId), []);
  });

  test('transfer: the call stays with the first who answered, the second gets a card, comment names both', async () => {
    // Real-ish time: the second talk must last longer than one reconcile round trip.
    w.sim.configure({ timeScale: 0.01 });
    const t = await play('transfer', { employees: [1001, 1004], ringS: 10, talkS: 20 }).finally(() => w.sim.configure({ timeScale: 0.002 }));
    const [c] = await settled(w, t);
    assert.equal(c!.extension, extOf(t.answeredBy[0]!));
    assert.deepEqual(cardsFor(w, t, extOf(1004)).slice(0, 2), ['SHOW', 'STARTTIME']);
    assert.match(c!.comment ?? '', /Переведён на/);
    assert.deepEqual(w.sandbox.phone.visibleCards(w.accountId, extOf(1001)), []);
    assert.deepEqual(w.sandbox.phone.visibleCards(w.accountId, extOf(1004)), []);
  });

  test('outgoing: isIncoming false, the caller owns the call', async () => {
    const t = await play('outgoing', { employees: [1002] });
    const [c] = await settled(w, t);
    assert.equal(c!.isIncoming, false);
    assert.equal(c!.extension, extOf(1002));
    assert.match(c!.comment ?? '', /Исходящий звонок — принят/);
  });

  test('internal calls: not logged with the option off, logged once switched on', async () => {
    const off = await play('internal', { employees: [1001, 1002] });
    await w.sim.idle();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(msCallsOf(w, off).length, 0);
    const patched = await w.admin.req('PATCH', `/api/v1/integrations/${w.integrationId}`, { settings: { showInternalCalls: true } });
    assert.equal(patched.status, 200);
    await new Promise((r) => setTimeout(r, 1100)); // the integration cache lives 1 s
    const on = await play('internal', { employees: [1003, 1004] });
    await until('internal call logged', () => msCallsOf(w, on)[0]?.endTime !== undefined);
    const [c] = msCallsOf(w, on);
    assert.equal(c!.number, extOf(1004));
    assert.match(c!.comment ?? '', /Внутренний звонок/);
    await w.admin.req('PATCH', `/api/v1/integrations/${w.integrationId}`, { settings: { showInternalCalls: false } });
  });

  test('duplicates and shuffled order never make a second call or a wrong field', async () => {
    w.sim.configure({ duplicateProbability: 0.5, shuffleWindowMs: 40 });
    try {
      const truths = await Promise.all([1, 2, 3, 4].map(() => play('incoming_answered')));
      for (const t of truths) {
        const calls = await settled(w, t);
        assert.equal(calls.length, 1);
        const c = calls[0]!;
        assert.equal(c.extension, extOf(t.answeredBy[0]!));
        assert.deepEqual(c.recordUrl, t.recordings.map((r) => r.url));
        assert.match(c.comment ?? '', /принят/);
      }
      assert.deepEqual(w.sandbox.phone.duplicates(w.accountId), []);
      assert.ok(w.sim.deliveries.some((d) => d.duplicate), 'the run delivered duplicates');
    } finally {
      w.sim.configure({ duplicateProbability: 0, shuffleWindowMs: 0 });
    }
  });
});

// The call pipeline end to end over real HTTP: the UIS simulator plays calls into the program's hook
// URL; what MoySklad (the sandbox) recorded and what every employee saw must match the truth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { normalizePhone } from '../../src/phone/index.ts';
import type { CallTruth } from '../../src/sandbox/uis/index.ts';
import { postgresSkip } from '../helpers/postgres.ts';
import { cardsFor, extOf, msCallsOf, settled, startCallsWorld, until, type CallsWorld } from './telephony-calls.helpers.ts';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`call pipeline core on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let w: CallsWorld;
    before(async () => {
      w = await startCallsWorld({ db: kind });
    });
    after(async () => {
      await w?.close();
    });

    test('answered incoming call: one MoySklad call with every field, cards shown then hidden', async () => {
      // Ring (0.5 s at this time scale) and talk (1 s) long enough that each step is pushed before the
      // next is seen even on a loaded machine: a create after the answer rightly carries the extension,
      // and a call already over when its answer is seen rightly gets no STARTTIME.
      const { truth } = await w.sim.play('incoming_answered', { employees: [1001], recordingDelayS: 1, ringS: 250, talkS: 500 });
      const t = truth as CallTruth;
      const calls = await settled(w, t);
      assert.equal(calls.length, 1);
      assert.deepEqual(w.sandbox.phone.duplicates(w.accountId), [], JSON.stringify(w.sandbox.phone.calls(w.accountId).map((c) => [c.externalId, c.writes]), null, 1));
      const c = calls[0]!;
      assert.equal(c.isIncoming, true);
      assert.equal(c.number, normalizePhone(t.contactPhoneNumber));
      assert.equal(c.extension, '101');
      assert.deepEqual(c.recordUrl, t.recordings.map((r) => r.url));
      assert.ok(c.duration !== undefined && Math.abs(c.duration - t.totalDurationS * 1000) <= 1500, `duration ${c.duration} vs ${t.totalDurationS}s`);
      assert.match(c.comment ?? '', /Входящий звонок — принят/);
      assert.match(c.comment ?? '', /Ожидание ответа: (\d+ мин )?\d+ с/);
      assert.match(c.comment ?? '', new RegExp(`Виртуальный номер: \\${normalizePhone(t.virtualPhoneNumber)}`));
      // extension was not set before the answer (PUT could not have changed it afterwards)
      const create = c.writes[0]!;
      assert.equal(create.via, 'POST /call');
      assert.ok(!create.applied.includes('extension'));
      assert.deepEqual(cardsFor(w, t, '101'), ['SHOW', 'STARTTIME', 'HIDE_ALL']);
      assert.deepEqual(w.sandbox.phone.visibleCards(w.accountId, '101'), []);
      // sequences strictly increase within the call
      const seqs = w.sandbox.phone.cardHistory(w.accountId).filter((r) => r.externalId === String(t.callSessionId)).map((r) => r.sequence);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.equal(new Set(seqs).size, seqs.length);
    });

    test('lost call in a ring group: every ringing employee saw the card, all hidden, comment says missed', async () => {
      const { truth } = await w.sim.play('incoming_lost', { employees: [1002, 1003], ringS: 500 });
      const t = truth as CallTruth;
      await until('lost call logged', () => msCallsOf(w, t)[0]?.endTime !== undefined);
      const [c] = msCallsOf(w, t);
      assert.match(c!.comment ?? '', /пропущен/);
      assert.equal(c!.extension, undefined, 'two employees rang: nobody owns the missed call');
      for (const id of t.rang) {
        assert.deepEqual(cardsFor(w, t, extOf(id)), ['SHOW', 'HIDE_ALL'], `employee ${id}`);
        assert.deepEqual(w.sandbox.phone.visibleCards(w.accountId, extOf(id)), []);
      }
    });
  });
}

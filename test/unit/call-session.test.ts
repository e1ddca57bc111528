import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEvent,
  sessionFromEvents,
  sessionFacts,
  legStatuses,
  answeredEmployee,
  eventFingerprint,
  stableStringify,
  type CallSession,
} from '../../src/telephony/call-session/index.ts';
import {
  notificationTemplatesFor,
  parseNotification,
  renderLikeUis,
  formatUisDateTime,
  type UisCallEvent,
  type UisEventKey,
  type UisValue,
} from '../../src/uis/index.ts';
import { uisEvent } from '../helpers/call-events.ts';

const T0 = Date.UTC(2024, 4, 14, 9, 0, 0);
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();
const SID = '3000111';

const ev = (kind: UisEventKey, sec: number, extra: Partial<UisCallEvent> = {}): UisCallEvent => uisEvent(SID, kind, at(sec), extra);
const emp = (id: string, name = `Сотрудник ${id}`) => ({ id, fullName: name });
const CONTACT = { contactPhoneNumber: '79260000001', virtualPhoneNumber: '74950000000' };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffledWithDuplicates(events: readonly UisCallEvent[], r: () => number): UisCallEvent[] {
  const out = [...events];
  const dups = Math.floor(r() * events.length) + 1;
  for (let i = 0; i < dups; i++) out.push(structuredClone(events[Math.floor(r() * events.length)]!));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const scenarios: Record<string, { events: UisCallEvent[]; check: (s: CallSession) => void }> = {
  answered: {
    events: [
      ev('call-start', 0, { ...CONTACT }),
      ev('ringing', 2, { ...CONTACT, direction: 'in', employee: emp('25'), legIds: ['901'] }),
      ev('talk-start', 10, { ...CONTACT, direction: 'in', employee: emp('25'), legIds: ['901', '902'] }),
      ev('talk-end', 70, { direction: 'in', employee: emp('25'), talkDurationSec: 60 }),
      ev('call-end', 71, {
        ...CONTACT,
        direction: 'in',
        employee: { ...emp('25'), extension: '101' },
        talkDurationSec: 60,
        waitDurationSec: 10,
        totalDurationSec: 71,
        tagNames: ['Целевой'],
        externalId: 'ms-1',
      }),
      ev('recording', 250, { employee: emp('25'), recording: { url: 'https://app.uiscom.ru/system/media/talk/1/a/', durationSec: 60 } }),
    ],
    check: (s) => {
      assert.equal(s.direction, 'in');
      assert.equal(s.outcome, 'answered');
      assert.equal(s.answeredBy, '25');
      assert.equal(s.lost, false);
      assert.equal(s.internal, false);
      assert.equal(s.finished, true);
      assert.equal(s.startedAt, at(0));
      assert.equal(s.answeredAt, at(10));
      assert.equal(s.endedAt, at(71));
      assert.equal(s.waitDurationSec, 10);
      assert.equal(s.talkDurationSec, 60);
      assert.equal(s.externalId, 'ms-1');
      assert.deepEqual(s.tagNames, ['Целевой']);
      assert.equal(s.recordings.length, 1);
      assert.equal(answeredEmployee(s)?.extension, '101');
      assert.deepEqual(answeredEmployee(s)?.legIds, ['901', '902']);
      assert.deepEqual([...legStatuses(s).values()], ['done']);
    },
  },
  lost: {
    events: [
      ev('call-start', 0, { ...CONTACT }),
      ev('ringing', 1, { employee: emp('25') }),
      ev('ringing', 1, { employee: emp('26') }),
      ev('lost', 31, { ...CONTACT, employeeIds: ['25', '26', '27'], waitDurationSec: 31 }),
      ev('call-end', 31, { ...CONTACT, direction: 'in', talkDurationSec: 0, totalDurationSec: 31 }),
    ],
    check: (s) => {
      assert.equal(s.outcome, 'lost');
      assert.equal(s.lost, true);
      assert.equal(s.answered, false);
      assert.equal(s.answeredBy, undefined);
      assert.equal(s.waitDurationSec, 31);
      assert.equal(s.talkDurationSec, 0);
      assert.deepEqual(
        s.employees.map((e) => [e.key, e.rang, e.answered, e.status]),
        [
          ['25', true, false, 'done'],
          ['26', true, false, 'done'],
          ['27', true, false, 'done'],
        ],
      );
    },
  },
  'ring group, one answers': {
    events: [
      ev('call-start', 0, { ...CONTACT }),
      ev('ringing', 1, { employee: emp('25') }),
      ev('ringing', 1, { employee: emp('26') }),
      ev('ringing', 1, { employee: emp('27') }),
      ev('talk-start', 8, { employee: emp('26') }),
      ev('talk-end', 40, { employee: emp('26'), talkDurationSec: 32 }),
      ev('call-end', 40, { ...CONTACT, direction: 'in', employee: emp('26'), talkDurationSec: 32, waitDurationSec: 8 }),
    ],
    check: (s) => {
      assert.equal(s.answeredBy, '26');
      assert.equal(s.lastAnsweredBy, '26');
      assert.deepEqual(
        s.employees.map((e) => [e.key, e.answered]),
        [
          ['25', false],
          ['26', true],
          ['27', false],
        ],
      );
    },
  },
  transfer: {
    events: [
      ev('call-start', 0, { ...CONTACT }),
      ev('ringing', 1, { employee: emp('25') }),
      ev('talk-start', 5, { employee: emp('25') }),
      ev('ringing', 40, { employee: emp('26') }),
      ev('talk-start', 45, { employee: emp('26') }),
      ev('talk-end', 45, { employee: emp('25'), talkDurationSec: 40 }),
      ev('talk-end', 100, { employee: emp('26'), talkDurationSec: 55 }),
      ev('call-end', 100, { ...CONTACT, direction: 'in', employee: emp('26'), totalDurationSec: 100 }),
    ],
    check: (s) => {
      assert.equal(s.answeredBy, '25');
      assert.equal(s.lastAnsweredBy, '26');
      assert.equal(s.talkDurationSec, 95); // no total talk in call-end: sum of talks
      assert.equal(s.waitDurationSec, 5);
      assert.equal(s.outcome, 'answered');
    },
  },
  outgoing: {
    events: [
      ev('outgoing', 0, { ...CONTACT, employee: { ...emp('25'), phoneNumber: '79031112233' } }),
      ev('outgoing-leg', 0, { callingPhoneNumber: '74950000000', calledPhoneNumber: '79260000001', direction: 'out', callSource: 'callapi' }),
      ev('talk-start', 12, { ...CONTACT, direction: 'out', employee: emp('25'), externalId: 'order-7' }),
      ev('call-end', 42, { ...CONTACT, direction: 'out', employee: emp('25'), talkDurationSec: 30, externalId: 'order-7' }),
    ],
    check: (s) => {
      assert.equal(s.direction, 'out');
      assert.equal(s.outcome, 'answered');
      assert.equal(s.externalId, 'order-7');
      assert.equal(s.callSource, 'callapi');
      assert.equal(s.lost, false);
      assert.equal(s.waitDurationSec, 12);
    },
  },
  'outgoing not answered': {
    events: [
      ev('outgoing', 0, { ...CONTACT, employee: emp('25') }),
      ev('call-end', 25, { ...CONTACT, direction: 'out', employee: emp('25'), talkDurationSec: 0 }),
    ],
    check: (s) => {
      assert.equal(s.outcome, 'missed');
      assert.equal(s.lost, false);
      assert.equal(s.answered, false);
    },
  },
  internal: {
    events: [
      ev('ringing', 0, { contactPhoneNumber: '102', employee: emp('25') }),
      ev('talk-start', 3, { contactPhoneNumber: '102', employee: emp('25') }),
      ev('call-end', 20, { contactPhoneNumber: '102', isInternal: true, employee: emp('25'), talkDurationSec: 17 }),
    ],
    check: (s) => {
      assert.equal(s.internal, true);
      assert.equal(s.outcome, 'answered');
    },
  },
  'late recordings': {
    events: [
      ev('call-start', 0, { ...CONTACT }),
      ev('talk-start', 4, { employee: emp('25') }),
      ev('call-end', 64, { ...CONTACT, direction: 'in', employee: emp('25'), talkDurationSec: 60, tagNames: ['A'] }),
      ev('recording', 180, { employee: emp('25'), recording: { url: 'https://r/2' }, tagNames: ['B'] }),
      ev('recording', 300, { employee: emp('25'), recording: { url: 'https://r/1', durationSec: 30 } }),
    ],
    check: (s) => {
      assert.deepEqual(
        s.recordings.map((r) => r.url),
        ['https://r/1', 'https://r/2'],
      );
      assert.deepEqual(s.tagNames, ['A', 'B']);
      assert.equal(s.endedAt, at(64)); // recordings do not move the end
    },
  },
};

describe('call session: scenarios', () => {
  for (const [name, { events, check }] of Object.entries(scenarios)) {
    test(`${name}: expected state`, () => {
      const s = sessionFromEvents(events);
      assert.ok(s);
      check(s);
    });

    test(`${name}: 300 shuffles with duplicates give the identical state; duplicates never change it`, () => {
      const reference = sessionFromEvents(events);
      assert.ok(reference);
      const expected = JSON.stringify(reference);
      const r = rng(name.length * 1000 + 17);
      for (let i = 0; i < 300; i++) {
        let state: CallSession | undefined;
        const seen = new Set<string>();
        for (const e of shuffledWithDuplicates(events, r)) {
          const res = applyEvent(state, e);
          const key = JSON.stringify(e);
          if (seen.has(key)) {
            assert.equal(res.changed, false);
            assert.equal(res.recorded, false);
            assert.equal(res.state, state);
          }
          seen.add(key);
          state = res.state;
        }
        assert.equal(JSON.stringify(state), expected);
      }
    });
  }
});

describe('call session: live views', () => {
  test('ring group: while one talks the others stop ringing; the talker is talking', () => {
    const s0 = sessionFromEvents(scenarios['ring group, one answers']!.events.slice(0, 4));
    assert.ok(s0);
    assert.deepEqual(Object.fromEntries(legStatuses(s0)), { '25': 'ringing', '26': 'ringing', '27': 'ringing' });
    assert.equal(s0.outcome, 'in_progress');
    assert.equal(s0.finished, false);
    const s1 = applyEvent(s0, scenarios['ring group, one answers']!.events[4]!);
    assert.equal(s1.changed, true);
    assert.deepEqual(Object.fromEntries(legStatuses(s1.state)), { '25': 'done', '26': 'talking', '27': 'done' });
    assert.equal(s1.state.outcome, 'answered');
  });

  test('transfer: the second employee rings while the first talks', () => {
    const ev5 = scenarios.transfer!.events.slice(0, 4);
    const s = sessionFromEvents(ev5);
    assert.ok(s);
    assert.deepEqual(Object.fromEntries(legStatuses(s)), { '25': 'talking', '26': 'ringing' });
  });

  test('a late recording changes the session; an identical re-delivery does not', () => {
    const evs = scenarios['late recordings']!.events;
    const before = sessionFromEvents(evs.slice(0, 3));
    const withRec = applyEvent(before, evs[3]!);
    assert.equal(withRec.changed, true);
    assert.notEqual(sessionFacts(withRec.state), sessionFacts(before!));
    assert.equal(applyEvent(withRec.state, structuredClone(evs[3]!)).changed, false);
  });

  test('an event of another session is refused', () => {
    const s = sessionFromEvents([ev('call-start', 0)]);
    assert.throws(() => applyEvent(s, { ...ev('call-end', 1), callSessionId: 'other' }));
  });
});

describe('call session from notifications rendered like UIS', () => {
  test('our templates → parser → model, shuffled, gives the expected answered call', () => {
    const templates = new Map(notificationTemplatesFor('https://h/hooks/uis/x').map((t) => [t.eventKey, t.bodyTemplate]));
    const time = (sec: number) => formatUisDateTime(new Date(T0 + sec * 1000));
    const base = { call_session_id: 3000222, virtual_phone_number: '74950000000', contact_phone_number: '79260000009' };
    const deliveries: Array<[UisEventKey, Record<string, UisValue>]> = [
      ['call-start', { ...base, notification_time: time(0), contact_id: null }],
      ['ringing', { ...base, notification_time: time(1), employee_id: 25, employee_full_name: 'Анна', direction: 'in', leg_id: 7 }],
      ['ringing', { ...base, notification_time: time(1), employee_id: 26, employee_full_name: 'Борис', direction: 'in', leg_id: 8 }],
      ['talk-start', { ...base, notification_time: time(9), employee_id: 26, employee_full_name: 'Борис', direction: 'in', leg_ids: [8] }],
      ['call-end', { ...base, notification_time: time(50), employee_id: 26, direction: 'in', talk_time_duration: 41, wait_time_duration: 9, is_internal: false, start_time: time(0) }],
      ['recording', { ...base, notification_time: time(200), employee_id: 26, file_link: 'https://app.uiscom.ru/system/media/talk/5/x/', file_duration: 41 }],
    ];
    const bodies = deliveries.map(([key, vars]) => [key, renderLikeUis(templates.get(key) ?? '', vars)] as const);
    const r = rng(5);
    let reference: string | undefined;
    for (let round = 0; round < 50; round++) {
      const order = [...bodies, ...bodies.slice(0, 2)].sort(() => r() - 0.5);
      let state: CallSession | undefined;
      for (const [key, body] of order) {
        const parsed = parseNotification({ eventKey: key, contentType: 'application/json', rawBody: body });
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
        state = applyEvent(state, parsed.event).state;
      }
      assert.ok(state);
      assert.equal(state.answeredBy, '26');
      assert.equal(state.outcome, 'answered');
      assert.equal(state.talkDurationSec, 41);
      assert.equal(state.startedAt, at(0));
      assert.equal(state.recordings[0]?.url, 'https://app.uiscom.ru/system/media/talk/5/x/');
      const json = JSON.stringify(state);
      reference ??= json;
      assert.equal(json, reference);
    }
  });
});

test('an event fingerprint is the digest of its canonical JSON: keys sorted at every depth, undefined fields left out', () => {
  const a = { kind: 'ringing', callSessionId: '7', employee: { id: '1', fullName: 'Ан' }, legIds: ['2', '1'], tagIds: [], x: undefined } as unknown as UisCallEvent;
  const b = { tagIds: [], legIds: ['2', '1'], employee: { fullName: 'Ан', id: '1' }, callSessionId: '7', kind: 'ringing' } as unknown as UisCallEvent;
  const canonical = '{"callSessionId":"7","employee":{"fullName":"Ан","id":"1"},"kind":"ringing","legIds":["2","1"],"tagIds":[]}';
  assert.equal(stableStringify(a), canonical);
  assert.equal(eventFingerprint(a), createHash('sha256').update(canonical).digest('base64'));
  assert.equal(eventFingerprint(b), eventFingerprint(a));
  const c = { ...b, legIds: ['1', '2'] } as unknown as UisCallEvent;
  assert.notEqual(eventFingerprint(c), eventFingerprint(a), 'array order is content');
  assert.equal(stableStringify({ kind: 'x', list: [null, 1, 'a'], n: null }), '{"kind":"x","list":[null,1,"a"],"n":null}');
});

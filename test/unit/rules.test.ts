import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyOrderOverride,
  CredentialCache,
  EvaluationWrites,
  RuleSetCache,
  type RulesStore,
  type WriteBatch,
  defaultRuleSet,
  failedConditions,
  fromCallSession,
  isWithinWorkingHours,
  nextWorkingStart,
  planActions,
  renderTemplate,
  ruleSetSchema,
  stableUuid,
  templateVars,
  zonedInstant,
  type Communication,
  type RuleSet,
} from '../../src/rules/index.ts';
import { sessionFromEvents } from '../../src/telephony/call-session/index.ts';
import type { UisCallEvent } from '../../src/uis/index.ts';
import { uisEvent } from '../helpers/call-events.ts';

const wh = ruleSetSchema.parse({ rules: [] }).settings.workingHours;

function comm(over: Partial<Communication> = {}): Communication {
  return {
    channel: 'call',
    ref: '1',
    direction: 'in',
    outcome: 'missed',
    lost: true,
    finished: true,
    internal: false,
    contactPhone: '+79261234567',
    virtualNumber: '74950000001',
    // Wednesday 2026-11-04 12:00 MSK
    startedAt: new Date('2026-11-04T09:00:00Z'),
    talkDurationSec: 0,
    rang: [],
    attribution: {},
    ...over,
  };
}

describe('working hours in a time zone', () => {
  test('Moscow 09:00–18:00 on weekdays', () => {
    assert.equal(isWithinWorkingHours(new Date('2026-11-04T06:00:00Z'), wh), true); // 09:00 MSK
    assert.equal(isWithinWorkingHours(new Date('2026-11-04T05:59:00Z'), wh), false); // 08:59 MSK
    assert.equal(isWithinWorkingHours(new Date('2026-11-04T15:00:00Z'), wh), false); // 18:00 MSK
    assert.equal(isWithinWorkingHours(new Date('2026-11-07T09:00:00Z'), wh), false); // Saturday
  });

  test('the same instant differs by zone', () => {
    const at = new Date('2026-11-04T05:30:00Z'); // 08:30 MSK, 10:30 in Yekaterinburg
    assert.equal(isWithinWorkingHours(at, wh), false);
    assert.equal(isWithinWorkingHours(at, { ...wh, timeZone: 'Asia/Yekaterinburg' }), true);
  });

  test('next working start: Friday evening → Monday 09:00 local', () => {
    const fri = new Date('2026-11-06T17:00:00Z'); // Fri 20:00 MSK
    assert.equal(nextWorkingStart(fri, wh)?.toISOString(), '2026-11-09T06:00:00.000Z');
    const night = new Date('2026-11-04T23:00:00Z'); // Thu 02:00 MSK
    assert.equal(nextWorkingStart(night, wh)?.toISOString(), '2026-11-05T06:00:00.000Z');
    assert.equal(nextWorkingStart(new Date(0), { ...wh, days: [null, null, null, null, null, null, null] }), null);
  });

  test('zonedInstant honours DST zones', () => {
    // Berlin: CET (+1) in January, CEST (+2) in July.
    assert.equal(zonedInstant(2026, 1, 15, 9 * 60, 'Europe/Berlin').toISOString(), '2026-01-15T08:00:00.000Z');
    assert.equal(zonedInstant(2026, 7, 15, 9 * 60, 'Europe/Berlin').toISOString(), '2026-07-15T07:00:00.000Z');
  });
});

describe('conditions', () => {
  const s = ruleSetSchema.parse({ rules: [] }).settings;

  test('first contact vs returning', () => {
    assert.deepEqual(failedConditions({ contact: 'first', workingHours: 'any' }, comm(), { firstContact: true }, s), []);
    assert.deepEqual(failedConditions({ contact: 'first', workingHours: 'any' }, comm(), { firstContact: false }, s), ['contact']);
    assert.deepEqual(failedConditions({ contact: 'returning', workingHours: 'any' }, comm(), { firstContact: false }, s), []);
  });

  test('outcome, direction, virtual number in any spelling, campaign, talk duration, working hours', () => {
    const c = comm({ outcome: 'answered', lost: false, talkDurationSec: 40, attribution: { campaign: 'Яндекс Директ', utm_source: 'yandex' } });
    const ok = failedConditions(
      { outcomes: ['answered'], directions: ['in'], virtualNumbers: ['+7 (495) 000-00-01'], campaigns: ['яндекс директ'], utmSources: ['Yandex'], minTalkSec: 30, contact: 'any', workingHours: 'inside' },
      c,
      { firstContact: true },
      s,
    );
    assert.deepEqual(ok, []);
    const bad = failedConditions(
      { outcomes: ['missed'], directions: ['out'], virtualNumbers: ['74950000002'], minTalkSec: 60, contact: 'any', workingHours: 'outside' },
      c,
      { firstContact: true },
      s,
    );
    assert.deepEqual(bad, ['directions', 'outcomes', 'virtualNumbers', 'minTalkSec', 'workingHours']);
    assert.deepEqual(failedConditions({ outcomes: ['lost'], contact: 'any', workingHours: 'any' }, comm({ lost: false }), { firstContact: true }, s), ['outcomes']);
  });
});

describe('plan', () => {
  test('defaults: new missed call → counterparty + task, no order; answered call closes tasks', () => {
    const rs = defaultRuleSet();
    const p = planActions(rs, comm(), { firstContact: true }, new Date('2026-11-04T09:05:00Z'));
    assert.equal(p.counterparty?.action.mode, 'find_or_create');
    assert.ok(p.task);
    assert.equal(p.order, undefined);
    assert.equal(p.closesTasks, false);
    assert.equal(p.task!.dueAt.toISOString(), '2026-11-04T09:35:00.000Z');
    const answered = planActions(rs, comm({ outcome: 'answered', lost: false }), { firstContact: false });
    assert.equal(answered.task, undefined);
    assert.equal(answered.closesTasks, true);
  });

  test('exclusions: internal calls and own numbers in any spelling', () => {
    const rs: RuleSet = ruleSetSchema.parse({ rules: defaultRuleSet().rules, settings: { ownNumbers: ['8 (926) 123-45-67'] } });
    assert.equal(planActions(rs, comm(), { firstContact: true }).excluded?.reason, 'own_number');
    assert.equal(planActions(rs, comm({ internal: true, contactPhone: '101' }), { firstContact: true }).excluded?.reason, 'internal');
    assert.equal(planActions(rs, comm({ contactPhone: '+79990000000' }), { firstContact: true }).excluded, undefined);
  });

  test('first matching rule wins per action; "never" blocks later orders; stop ends the search', () => {
    const rs = ruleSetSchema.parse({
      rules: [
        { id: 'a', name: 'A', conditions: { virtualNumbers: ['74950000001'] }, actions: { order: { mode: 'never' } } },
        { id: 'b', name: 'B', actions: { order: { mode: 'always', stateName: 'Новый' } } },
        { id: 'c', name: 'C', actions: { counterparty: {} }, stop: true },
        { id: 'd', name: 'D', actions: { task: {} } },
      ],
    });
    const p1 = planActions(rs, comm(), { firstContact: true });
    assert.equal(p1.order, undefined);
    assert.equal(p1.task, undefined, 'stop in C hides D');
    assert.deepEqual(p1.rules.map((r) => r.matched), [true, true, true, false]);
    const p2 = planActions(rs, comm({ virtualNumber: '74950000002' }), { firstContact: true });
    assert.equal(p2.order?.action.stateName, 'Новый');
  });

  test('order overrides by virtual number or campaign replace the stage', () => {
    const rs = ruleSetSchema.parse({
      rules: [
        {
          id: 'o',
          name: 'O',
          actions: { order: { mode: 'always', stateId: 'base', storeId: 'store-1', overrides: [{ campaigns: ['Весна'], stateName: 'Весенний' }, { virtualNumbers: ['8 495 000 00 02'], stateId: 'vip' }] } },
        },
      ],
    });
    const a = rs.rules[0]!.actions.order!;
    assert.equal(applyOrderOverride(a, comm()).action.stateId, 'base');
    const vip = applyOrderOverride(a, comm({ virtualNumber: '74950000002' }));
    assert.equal(vip.action.stateId, 'vip');
    assert.equal(vip.action.storeId, 'store-1');
    const spring = applyOrderOverride(a, comm({ attribution: { campaign: 'весна' } }));
    assert.equal(spring.action.stateName, 'Весенний');
    assert.equal(spring.action.stateId, undefined);
  });

  test('task due at the next working-hours start when the call came at night', () => {
    const rs = ruleSetSchema.parse({ rules: [{ id: 't', name: 'T', actions: { task: { due: { kind: 'next_working_start', minutes: 15 } } } }] });
    const night = comm({ startedAt: new Date('2026-11-04T20:00:00Z') }); // 23:00 MSK Wednesday
    const p = planActions(rs, night, { firstContact: true }, new Date('2026-11-04T20:01:00Z'));
    assert.equal(p.task!.dueAt.toISOString(), '2026-11-05T06:15:00.000Z');
  });

  test('field mappings take values from attribution, virtual number and channel', () => {
    const rs = ruleSetSchema.parse({
      rules: [],
      settings: {
        fields: [
          { source: 'utm_source', entity: 'counterparty', attribute: 'Источник' },
          { source: 'utm_term', entity: 'counterparty', attribute: 'Ключ' },
          { source: 'virtual_number', entity: 'customerorder', attribute: 'Номер', overwrite: true },
          { source: 'channel', entity: 'customerorder', attribute: 'Канал' },
        ],
      },
    });
    const p = planActions(rs, comm({ attribution: { utm_source: 'yandex' } }), { firstContact: true });
    assert.deepEqual(
      p.fields.map((f) => [f.attribute, f.value, f.overwrite]),
      [['Источник', 'yandex', false], ['Номер', '74950000001', true], ['Канал', 'Звонок', false]],
    );
  });
});

describe('templates', () => {
  test('placeholders, pretty phone, local date, unknown placeholders vanish', () => {
    const vars = templateVars(comm({ attribution: { campaign: 'Весна' } }), { timeZone: 'Europe/Moscow', extra: { counterparty_link: 'https://x/y' } });
    assert.equal(
      renderTemplate('Перезвонить {{phone}}: {{summary}} {{date}} {{time}} ({{campaign}}) {{nope}} {{counterparty_link}}', vars),
      'Перезвонить +7 (926) 123-45-67: пропущенный входящий звонок 04.11.2026 12:00 (Весна) https://x/y',
    );
    assert.equal(renderTemplate('{{summary}}', templateVars(comm({ channel: 'chat', outcome: 'missed' }), { timeZone: 'UTC' })), 'потерянный чат');
  });

  test('rule set validation refuses typos and duplicate ids', () => {
    assert.equal(ruleSetSchema.safeParse({ rules: [{ id: 'a', name: 'A', actions: {}, conditions: { outcome: ['missed'] } }] }).success, false);
    assert.equal(ruleSetSchema.safeParse({ rules: [{ id: 'a', name: 'A', actions: {} }, { id: 'a', name: 'B', actions: {} }] }).success, false);
  });

  test('stable syncIds are UUIDs and deterministic', () => {
    const a = stableUuid('x', '79261234567');
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a, stableUuid('x', '79261234567'));
    assert.notEqual(a, stableUuid('x', '79261234568'));
  });
});

describe('call session → communication', () => {
  const ev = (kind: UisCallEvent['kind'], sec: number, extra: Partial<UisCallEvent> = {}): UisCallEvent =>
    uisEvent('42', kind, new Date(Date.UTC(2026, 10, 4, 9, 0, sec)).toISOString(), extra);
  const contact = { contactPhoneNumber: '79260000001', virtualPhoneNumber: '74950000002' };

  test('a lost incoming call: missed, lost, both ringing employees in order, UTM carried', () => {
    const s = sessionFromEvents([
      ev('ringing', 1, { ...contact, direction: 'in', employee: { id: '25', fullName: 'Анна' } }),
      ev('ringing', 2, { employee: { id: '26', fullName: 'Борис' } }),
      ev('lost', 31, { ...contact, employeeIds: ['25', '26'], waitDurationSec: 31, utm: { source: 'yandex' } }),
    ])!;
    const c = fromCallSession(s);
    assert.equal(c.ref, '42');
    assert.equal(c.direction, 'in');
    assert.equal(c.outcome, s.finished ? 'missed' : 'in_progress');
    assert.equal(c.lost, true);
    assert.equal(c.virtualNumber, '74950000002');
    assert.deepEqual(c.rang.map((e) => e.uisEmployeeId), ['25', '26']);
    assert.equal(c.answeredBy, undefined);
    assert.equal(c.attribution.utm_source, 'yandex');
  });
});

describe('what evaluations keep between calls', () => {
  const body = (ownNumbers: string[]) => ({ rules: [{ id: 'cp', name: 'cp', actions: { counterparty: {} } }], settings: { ownNumbers } });

  test('rule sets: parsed once per stamp, the body left out only for the stamp held, defaults when never saved', () => {
    const cache = new RuleSetCache();
    assert.equal(cache.stampOf('i'), undefined);
    const a = cache.resolve('i', '1:100', body(['+79260000001']))!;
    assert.deepEqual(a.settings.ownNumbers, ['+79260000001']);
    assert.equal(cache.stampOf('i'), '1:100');
    assert.equal(cache.resolve('i', '1:100', null), a, 'same stamp: the held rule set');
    // Reset and saved again: version 1 once more, another time stamp.
    assert.equal(cache.resolve('i', '1:250', null), undefined, 'a stamp it does not hold cannot be answered without the body');
    const b = cache.resolve('i', '1:250', body([]))!;
    assert.deepEqual(b.settings.ownNumbers, []);
    assert.equal(cache.stampOf('i'), '1:250');
    const d = cache.resolve('i', null, null)!;
    assert.deepEqual(d.rules.map((r) => r.id), ['new-number-counterparty', 'missed-task']);
    assert.equal(cache.stampOf('i'), undefined, 'deleted rules are forgotten');
    assert.equal(cache.resolve('j', '3:1', { rules: 'broken' })!.rules[0]!.id, 'new-number-counterparty', 'an unparseable body acts as the defaults');
  });

  test('cached rule sets are frozen: one evaluation cannot change another one’s rules', () => {
    const rs = new RuleSetCache().resolve('i', '1:1', body([]))!;
    assert.throws(() => (rs.rules as unknown[]).push({}), TypeError);
    assert.throws(() => {
      (rs.settings as { excludeInternal: boolean }).excludeInternal = false;
    }, TypeError);
  });

  test('credentials: revealed once per stamp, again when it moves, forgotten when deleted', async () => {
    let reveals = 0;
    let secret = 'one';
    const cache = new CredentialCache({
      reveal: async (_accountId: string, id: string) => (id === 'gone' ? undefined : (reveals++, { id, kind: 'moysklad-token' as const, login: null, secret, version: 1 })),
    });
    assert.equal((await cache.get('a', 'c', '1:10'))!.secret, 'one');
    assert.equal((await cache.get('a', 'c', '1:10'))!.secret, 'one');
    assert.equal(reveals, 1);
    secret = 'two';
    assert.equal((await cache.get('a', 'c', '2:20'))!.secret, 'two', 'a new secret counts at once');
    assert.equal(reveals, 2);
    assert.equal(await cache.get('a', 'c', null), undefined, 'deleted');
    assert.equal((await cache.get('a', 'c', '2:20'))!.secret, 'two');
    assert.equal(reveals, 3, 'nothing kept for a deleted credential');
    assert.equal(await cache.get('a', 'gone', '1:1'), undefined);
  });

  test('writes of one evaluation go out together, in order, and only when there is something', async () => {
    const batches: WriteBatch[] = [];
    const store = { write: async (b: WriteBatch) => (batches.push(b), {}) } as unknown as RulesStore;
    const applied = new Map();
    const w = new EvaluationWrites(store, { accountId: 'a', integrationId: 'i' }, 'call:1', applied);
    await w.flush();
    assert.equal(batches.length, 0);
    w.mark('context', 'done', { firstContact: true });
    w.activity('counterparty.created', 'first');
    w.mark('counterparty', 'done', { id: 'cp' });
    w.activity('task.created', 'second');
    w.addTask({ phoneKey: '79260000001', msTaskId: 't', occurredAt: new Date(0), autoClose: true });
    w.closeTask(7);
    w.releaseLock({ phoneKey: '79260000001', token: 'x' });
    assert.deepEqual(applied.get('counterparty'), { status: 'done', result: { id: 'cp' } }, 'the ledger in memory is current at once');
    await w.flush();
    assert.equal(batches.length, 1);
    const b = batches[0]!;
    assert.deepEqual(b.marks.map(([a]) => a), ['context', 'counterparty']);
    assert.deepEqual(b.activities.map((e) => e.message), ['first', 'second']);
    assert.ok(b.activities.every((e) => e.communicationRef === 'call:1' && e.integrationId === 'i'));
    assert.equal(b.addTasks[0]!.commKey, 'call:1');
    assert.deepEqual(b.closeTasks, [7]);
    assert.equal(b.unlock?.token, 'x');
    await w.flush();
    assert.equal(batches.length, 1, 'nothing left');
    await w.flush({ history: { phoneKey: '79260000001', before: new Date(0), exceptRef: '1' } });
    assert.equal(batches.length, 2, 'a read alone is a statement too');
    assert.equal(batches[1]!.marks.length, 0);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  UIS_EVENT_KEYS,
  UIS_EVENT_TYPES,
  UIS_VARIABLES,
  notificationTemplatesFor,
  parseNotification,
  renderLikeUis,
  placeholdersIn,
  formatUisDateTime,
  type UisCallEvent,
  type UisEventTypeDefinition,
  type UisValue,
  type UisVariableName,
} from '../../src/uis/index.ts';

// Deterministic PRNG so failures reproduce.
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

const NAMES = ['Иванов Иван', 'O\'Brien "Bob"', 'Петрова Анна-Мария', 'Back\\slash / Слэш', 'Юникод ✓ ёжик'];
const TAGS = ['Целевой', 'Повторный, важный', 'VIP "gold"'];

function sampleValue(name: UisVariableName, r: () => number, at: Date): UisValue {
  const int = (max: number) => 1 + Math.floor(r() * max);
  switch (name) {
    case 'notification_time':
    case 'start_time':
      return formatUisDateTime(at);
    case 'notification_timestamp':
      return Math.floor(at.getTime() / 1000);
    case 'direction':
      return r() < 0.5 ? 'in' : 'out';
    case 'is_internal':
    case 'is_lost':
      return r() < 0.5;
    case 'virtual_phone_number':
    case 'contact_phone_number':
    case 'calling_phone_number':
    case 'called_phone_number':
    case 'employee_phone_number':
      return `7${String(9000000000 + int(999999999))}`;
    case 'extension_phone_number':
      return String(100 + int(899));
    case 'file_link':
      return `https://app.uiscom.ru/system/media/talk/${int(1e9)}/${'abcdef0123'.slice(0, 6)}${int(9999)}/`;
    case 'external_id':
      return `ms-${int(1e6)}`;
    case 'call_source':
      return r() < 0.5 ? 'va' : 'callapi';
    case 'tag_names':
      return TAGS.slice(0, int(TAGS.length));
    case 'attributes':
      return ['primary', 'target'].slice(0, int(2));
    default:
      break;
  }
  const shape: string = UIS_VARIABLES[name];
  switch (shape) {
    case 'integer':
      return int(2_000_000_000);
    case 'seconds':
      return int(900);
    case 'integer[]':
      return [int(100000), int(100000) + 100000];
    case 'string[]':
      return ['x', 'y'];
    case 'boolean':
      return r() < 0.5;
    default:
      return NAMES[int(NAMES.length) - 1] ?? 'x';
  }
}

function sampleVars(def: UisEventTypeDefinition, seed: number): Record<string, UisValue> {
  const r = rng(seed);
  const at = new Date(Date.UTC(2024, 4, 14, 9, 30, Math.floor(r() * 59)));
  const out: Record<string, UisValue> = {};
  for (const v of def.variables) out[v] = sampleValue(v, r, at);
  out.notification_name = def.lkName;
  return out;
}

const str = (v: UisValue | undefined) => (v === undefined || v === null ? undefined : String(v));
const ids = (v: UisValue | undefined) => (Array.isArray(v) ? v.map(String).sort() : []);
const utcOf = (v: UisValue | undefined) =>
  typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}+03:00`).toISOString() : undefined;

/** What the parser must produce for each UIS variable (the round-trip contract). */
const EXPECT: Record<UisVariableName, (e: UisCallEvent, v: UisValue | undefined) => void> = {
  notification_mnemonic: (e, v) => assert.equal(e.notificationMnemonic, str(v)),
  notification_name: (e, v) => assert.equal(e.notificationName, str(v)),
  notification_time: () => {}, // checked together with notification_timestamp below
  notification_timestamp: () => {},
  app_id: (e, v) => assert.equal(e.appId, str(v)),
  call_session_id: (e, v) => assert.equal(e.callSessionId, str(v)),
  communication_id: (e, v) => assert.equal(e.communicationId, str(v)),
  communication_type: (e, v) => assert.equal(e.communicationType, str(v)),
  communication_number: (e, v) => assert.equal(e.communicationNumber, v),
  virtual_phone_number: (e, v) => assert.equal(e.virtualPhoneNumber, str(v)),
  contact_phone_number: (e, v) => assert.equal(e.contactPhoneNumber, str(v)),
  calling_phone_number: (e, v) => assert.equal(e.callingPhoneNumber, str(v)),
  called_phone_number: (e, v) => assert.equal(e.calledPhoneNumber, str(v)),
  contact_id: (e, v) => assert.equal(e.contactId, str(v)),
  contact_full_name: (e, v) => assert.equal(e.contactFullName, str(v)),
  contact_group_ids: () => {},
  direction: (e, v) => assert.equal(e.direction, v),
  call_source: (e, v) => assert.equal(e.callSource, str(v)),
  is_internal: (e, v) => assert.equal(e.isInternal, v),
  is_lost: (e, v) => assert.equal(e.isLost, v),
  external_id: (e, v) => assert.equal(e.externalId, str(v)),
  start_time: (e, v) => assert.equal(e.startedAt, utcOf(v)),
  scenario_id: (e, v) => assert.equal(e.scenarioId, str(v)),
  scenario_name: (e, v) => assert.equal(e.scenarioName, str(v)),
  employee_id: (e, v) => assert.equal(e.employee?.id, str(v)),
  employee_full_name: (e, v) => assert.equal(e.employee?.fullName, str(v)),
  employee_phone_number: (e, v) => assert.equal(e.employee?.phoneNumber, str(v)),
  extension_phone_number: (e, v) => assert.equal(e.employee?.extension, str(v)),
  employee_ids: (e, v) => assert.deepEqual(e.employeeIds, ids(v)),
  leg_id: (e, v) => assert.ok(e.legIds.includes(String(v))),
  leg_ids: (e, v) => ids(v).forEach((l) => assert.ok(e.legIds.includes(l))),
  talk_time_duration: (e, v) => assert.equal(e.talkDurationSec, v),
  total_time_duration: (e, v) => assert.equal(e.totalDurationSec, v),
  wait_time_duration: (e, v) => assert.equal(e.waitDurationSec, v),
  tag_ids: (e, v) => assert.deepEqual(e.tagIds, ids(v)),
  tag_names: (e, v) => assert.deepEqual(e.tagNames, [...(v as string[])].sort()),
  file_link: (e, v) => assert.equal(e.recording?.url, str(v)),
  file_duration: (e, v) => assert.equal(e.recording?.durationSec, v),
  cpn_region_id: () => {},
  cpn_region_name: (e, v) => assert.equal(e.regionName, str(v)),
  visitor_country: (e, v) => assert.equal(e.visitorCountry, str(v)),
  attributes: (e, v) => assert.deepEqual(e.attributes, [...(v as string[])].sort()),
  tp_project: () => {},
  call_status: (e, v) => assert.equal(e.callStatus, str(v)),
  campaign_name: (e, v) => assert.equal(e.campaignName, str(v)),
};

function assertRoundTrip(def: UisEventTypeDefinition, vars: Record<string, UisValue>, event: UisCallEvent): void {
  assert.equal(event.kind, def.key);
  for (const name of def.variables) {
    const v = vars[name];
    if (v === undefined) continue;
    EXPECT[name](event, v);
  }
  const ts = vars.notification_timestamp;
  const expectedAt =
    typeof ts === 'number' ? new Date(ts * 1000).toISOString() : utcOf(vars.notification_time as UisValue | undefined);
  assert.equal(event.occurredAt, expectedAt);
}

const BASE = 'https://connector.example/hooks/uis/s3cr3t';

describe('notification templates', () => {
  test('one POST notification per event type, each to its own URL under the base', () => {
    const templates = notificationTemplatesFor(`${BASE}/`);
    assert.deepEqual(
      templates.map((t) => t.eventKey),
      [...UIS_EVENT_KEYS],
    );
    for (const t of templates) {
      assert.equal(t.method, 'POST');
      assert.equal(t.url, `${BASE}/${t.eventKey}`);
      const def = UIS_EVENT_TYPES.find((d) => d.key === t.eventKey);
      assert.equal(t.eventType, def?.lkName);
      assert.deepEqual(placeholdersIn(t.bodyTemplate), def?.variables);
      // Placeholders are never wrapped in quotes: UIS quotes strings itself.
      assert.doesNotMatch(t.bodyTemplate, /"\{\{/);
    }
    assert.equal(new Set(templates.map((t) => t.eventType)).size, templates.length);
  });

  test('every template renders to valid JSON when all values are empty (null)', () => {
    for (const t of notificationTemplatesFor(BASE)) {
      const vars = Object.fromEntries(placeholdersIn(t.bodyTemplate).map((n) => [n, null]));
      assert.doesNotThrow(() => JSON.parse(renderLikeUis(t.bodyTemplate, vars)), t.eventKey);
    }
  });
});

describe('renderLikeUis', () => {
  test('quotes and escapes strings, keeps numbers/booleans bare, null for empty, literal when absent', () => {
    const out = renderLikeUis('{"a": {{a}}, "b": {{b}}, "c": {{c}}, "d": {{d}}, "e": {{ e }}, "f": {{f}}}', {
      a: 'Иван "Ваня"\n\\',
      b: 42,
      c: true,
      d: null,
      f: ['x', 1],
    });
    assert.equal(out, '{"a": "Иван \\"Ваня\\"\\n\\\\", "b": 42, "c": true, "d": null, "e": {{ e }}, "f": ["x",1]}');
  });

  test('a template that quotes a placeholder gets the value quoted twice', () => {
    assert.equal(renderLikeUis('{"k": "{{k}}"}', { k: 'v' }), '{"k": ""v""}');
  });

  test('url encoding option percent-encodes each value', () => {
    assert.equal(renderLikeUis('?n={{n}}&m={{m}}', { n: 'a b', m: 5 }, { urlEncode: true }), '?n=%22a%20b%22&m=5');
  });
});

describe('parseNotification: our templates round-trip', () => {
  const templates = notificationTemplatesFor(BASE);
  for (const def of UIS_EVENT_TYPES) {
    const template = templates.find((t) => t.eventKey === def.key);
    test(`${def.key}: rendered as UIS renders → parsed → same values`, () => {
      assert.ok(template);
      for (let seed = 1; seed <= 25; seed++) {
        const vars = sampleVars(def, seed * 7919 + def.key.length);
        const body = renderLikeUis(template.bodyTemplate, vars);
        const res = parseNotification({ eventKey: def.key, contentType: 'application/json', rawBody: body });
        assert.ok(res.ok, res.ok ? '' : res.reason);
        assertRoundTrip(def, vars, res.event);
      }
    });

    test(`${def.key}: variables the event lacks (left literal) and empty ones (null) are absent`, () => {
      assert.ok(template);
      const vars = sampleVars(def, 42);
      const kept: Record<string, UisValue> = { call_session_id: vars.call_session_id ?? 1 };
      def.variables.forEach((name, i) => {
        if (name === 'call_session_id') return;
        if (i % 3 === 0) kept[name] = null; // empty → bare null; i % 3 === 1 → absent → literal
        else if (i % 3 === 2) kept[name] = vars[name] ?? null;
      });
      const body = renderLikeUis(template.bodyTemplate, kept);
      assert.match(body, /\{\{/); // some placeholders really were left literal
      const res = parseNotification({ eventKey: def.key, contentType: 'application/json', rawBody: body });
      assert.ok(res.ok, res.ok ? '' : res.reason);
      assertRoundTrip(def, Object.fromEntries(Object.entries(kept).filter(([, v]) => v !== null)), res.event);
      const e = res.event as Record<string, unknown>;
      for (const name of def.variables) {
        if (kept[name] === undefined || kept[name] === null) {
          // absent: no field carries the literal text or "null"
          assert.doesNotMatch(JSON.stringify(e), new RegExp(`\\{\\{${name}|"null"`));
        }
      }
    });

    test(`${def.key}: template author quoted the placeholders ("k": "{{k}}") → values quoted twice`, () => {
      assert.ok(template);
      const quoted = template.bodyTemplate.replace(/\{\{(\w+)\}\}/g, '"{{$1}}"');
      const vars = sampleVars(def, 99);
      // lists inside quotes ("[...]") break JSON; the positional salvage reads them back
      const body = renderLikeUis(quoted, vars);
      const res = parseNotification({ eventKey: def.key, contentType: 'application/json', rawBody: body });
      assert.ok(res.ok, res.ok ? '' : res.reason);
      assertRoundTrip(def, vars, res.event);
    });

    test(`${def.key}: form-encoded body and GET query string`, () => {
      const vars = sampleVars(def, 7);
      const formTemplate = def.variables.map((v) => `${v}={{${v}}}`).join('&');
      const form = renderLikeUis(formTemplate, vars, { urlEncode: true });
      const viaForm = parseNotification({
        eventKey: def.key,
        contentType: 'application/x-www-form-urlencoded',
        rawBody: Buffer.from(form),
      });
      assert.ok(viaForm.ok, viaForm.ok ? '' : viaForm.reason);
      assertRoundTrip(def, vars, viaForm.event);

      const viaQuery = parseNotification({ eventKey: def.key, rawBody: '', query: form });
      assert.ok(viaQuery.ok, viaQuery.ok ? '' : viaQuery.reason);
      assertRoundTrip(def, vars, viaQuery.event);
    });
  }
});

describe('parseNotification: third-party template styles (excerpts written for these tests)', () => {
  test('flat template with odd spacing, literal placeholders and no event in the URL', () => {
    const body = `{
      "notification_name":"Потерянный звонок",
      "notification_mnemonic":{{notification_mnemonic}},
      "virtual_phone_number":"74950000001",
      "notification_time":"2024-05-14 12:00:05",
      "wait_time_duration" : 31,
      "employee_ids":[25, 26],
        "contact_phone_number":"79260000002",
      "call_session_id":555001
    }`;
    const res = parseNotification({ eventKey: undefined, contentType: 'text/plain', rawBody: body });
    assert.ok(res.ok, res.ok ? '' : res.reason);
    assert.equal(res.event.kind, 'lost');
    assert.equal(res.event.callSessionId, '555001');
    assert.deepEqual(res.event.employeeIds, ['25', '26']);
    assert.equal(res.event.waitDurationSec, 31);
    assert.equal(res.event.occurredAt, '2024-05-14T09:00:05.000Z');
    assert.equal(res.event.notificationMnemonic, undefined);
  });

  test('nested groups, a constant secret field and renamed keys', () => {
    const body = `{
      "integration_key": "k-123",
      "notification_name": "Записанный разговор",
      "call_session_id": 555002,
      "contact_info": { "contact_phone_number": "79260000003", "contact_id": null },
      "employee_info": { "employee_id": 25, "extension_phone_number": "101", "employee_full_name": "Иванов Иван" },
      "call_record_file_info": { "file_link": "https://app.uiscom.ru/system/media/talk/1/abc/", "call_record_duration": 64 },
      "tag_ids": {{tag_ids}},
      "event": "RECORD_CALL"
    }`;
    const res = parseNotification({ eventKey: 'recording', contentType: 'application/json', rawBody: body });
    assert.ok(res.ok, res.ok ? '' : res.reason);
    assert.equal(res.event.contactPhoneNumber, '79260000003');
    assert.deepEqual(res.event.employee, { id: '25', extension: '101', fullName: 'Иванов Иван' });
    assert.deepEqual(res.event.recording, { url: 'https://app.uiscom.ru/system/media/talk/1/abc/', durationSec: 64 });
    assert.deepEqual(res.event.tagIds, []);
    assert.equal(res.event.contactId, undefined);
  });

  test('form body whose values keep UIS JSON quoting; kind inferred from the quoted notification_name', () => {
    const body =
      'notification_name=%22%D0%97%D0%B0%D0%B2%D0%B5%D1%80%D1%88%D0%B5%D0%BD%D0%B8%D0%B5%20%D0%B7%D0%B2%D0%BE%D0%BD%D0%BA%D0%B0%22' +
      '&call_session_id=555003&direction=%22in%22&start_time=%222024-05-14%2012%3A00%3A00%22&is_lost=true' +
      '&talk_time_duration=%7B%7Btalk_time_duration%7D%7D&calling_phone_number=%2279260000004%22';
    const res = parseNotification({ contentType: 'application/x-www-form-urlencoded', rawBody: body });
    assert.ok(res.ok, res.ok ? '' : res.reason);
    assert.equal(res.event.kind, 'call-end');
    assert.equal(res.event.direction, 'in');
    assert.equal(res.event.isLost, true);
    assert.equal(res.event.startedAt, '2024-05-14T09:00:00.000Z');
    assert.equal(res.event.talkDurationSec, undefined);
    assert.equal(res.event.callingPhoneNumber, '79260000004');
  });

  test('placeholders wrapped in quotes but left literal, numbers quoted, "null" text', () => {
    const body = '{"call_session_id": "555004", "talk_time_duration": "{{talk_time_duration}}", "employee_id": "null", "total_time_duration": "75"}';
    const res = parseNotification({ eventKey: 'call-end', rawBody: body });
    assert.ok(res.ok, res.ok ? '' : res.reason);
    assert.equal(res.event.talkDurationSec, undefined);
    assert.equal(res.event.employee, undefined);
    assert.equal(res.event.totalDurationSec, 75);
  });

  test('GET notification with everything in the URL query', () => {
    const res = parseNotification({
      eventKey: 'call-start',
      query: { notification_name: 'Входящий', virtual_phone_number: '74950000001', call_session_id: '555005', contact_phone_number: '79260000005' },
    });
    assert.ok(res.ok, res.ok ? '' : res.reason);
    assert.equal(res.event.kind, 'call-start');
    assert.equal(res.event.contactPhoneNumber, '79260000005');
  });

  test('the account time zone applies to UIS wall-clock times', () => {
    const res = parseNotification({
      eventKey: 'ringing',
      rawBody: '{"call_session_id": 1, "notification_time": "2024-01-10 10:00:00.250"}',
      timeZone: 'Asia/Yekaterinburg',
    });
    assert.ok(res.ok);
    assert.equal(res.event.occurredAt, '2024-01-10T05:00:00.250Z');
  });
});

describe('parseNotification: garbage never throws and always explains', () => {
  const bad: Array<[string, Parameters<typeof parseNotification>[0], RegExp]> = [
    ['empty', { eventKey: 'call-end', rawBody: '' }, /empty/],
    ['html', { eventKey: 'call-end', rawBody: '<html><body>502</body></html>' }, /neither JSON nor form/],
    ['truncated JSON', { eventKey: 'call-end', rawBody: '{"call_session_id": 12, "direction": "in' }, /invalid JSON|unterminated/],
    ['JSON scalar', { eventKey: 'call-end', rawBody: '[1,2]' }, /not an object/],
    ['no session id', { eventKey: 'call-end', rawBody: '{"direction": "in"}' }, /call_session_id/],
    ['session id literal', { eventKey: 'call-end', rawBody: '{"call_session_id": {{call_session_id}}}' }, /call_session_id/],
    ['unknown event', { eventKey: 'foo', rawBody: '{"call_session_id": 1}' }, /unknown event "foo"/],
    ['no event anywhere', { rawBody: '{"call_session_id": 1}' }, /event type unknown/],
    ['binary', { eventKey: 'lost', rawBody: new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x7b]) }, /neither JSON nor form/],
    ['deep nesting', { eventKey: 'lost', rawBody: '['.repeat(5000) }, /nesting too deep|invalid JSON/],
  ];
  for (const [name, input, reason] of bad) {
    test(name, () => {
      const res = parseNotification(input);
      assert.equal(res.ok, false);
      if (!res.ok) assert.match(res.reason, reason);
    });
  }

  test('random mutations of a valid body: never throws, result is ok or has a reason', () => {
    const def = UIS_EVENT_TYPES.find((d) => d.key === 'call-end');
    assert.ok(def);
    const body = renderLikeUis(notificationTemplatesFor(BASE)[4]?.bodyTemplate ?? '', sampleVars(def, 3));
    const r = rng(2024);
    const alphabet = '{}[]",:\\ \n0aZ{{}}ё';
    for (let i = 0; i < 400; i++) {
      const chars = [...body];
      const edits = 1 + Math.floor(r() * 6);
      for (let k = 0; k < edits; k++) {
        const pos = Math.floor(r() * chars.length);
        const op = r();
        if (op < 0.4) chars.splice(pos, 1);
        else if (op < 0.8) chars.splice(pos, 0, alphabet[Math.floor(r() * alphabet.length)] ?? '');
        else chars.length = pos; // truncate
      }
      const res = parseNotification({ eventKey: 'call-end', contentType: 'application/json', rawBody: chars.join('') });
      if (!res.ok) assert.ok(res.reason.length > 0);
      else assert.ok(res.event.callSessionId.length > 0);
    }
  });
});

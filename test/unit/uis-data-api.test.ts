import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createUisDataApiClient,
  UisApiError,
  splitReportWindows,
  addMonthsNaive,
  toUisDateTime,
} from '../../src/uis/index.ts';
import { startUisSandbox, SANDBOX_ACCESS_TOKEN, type UisSandbox, type CallTruth, type ChatTruth } from '../../src/sandbox/uis/index.ts';

const now = () => toUisDateTime(new Date(), 'Europe/Moscow');

describe('report windows', () => {
  test('addMonthsNaive clamps to the month end', () => {
    assert.equal(addMonthsNaive('2024-01-31 10:00:00', 1), '2024-02-29 10:00:00');
    assert.equal(addMonthsNaive('2024-05-15 00:00:00', -3), '2024-02-15 00:00:00');
  });
  test('splitReportWindows covers the period in ≤ 3-month windows without overlap', () => {
    const w = splitReportWindows('2024-01-01 00:00:00', '2024-12-31 23:59:59', { months: 3 });
    assert.equal(w.length, 4);
    assert.equal(w[0]!.from, '2024-01-01 00:00:00');
    assert.equal(w[0]!.till, '2024-04-01 00:00:00');
    assert.equal(w[1]!.from, '2024-04-01 00:00:01');
    assert.equal(w.at(-1)!.till, '2024-12-31 23:59:59');
    for (const x of w) assert.ok(x.till <= addMonthsNaive(x.from, 3));
    assert.equal(splitReportWindows('2024-01-01 00:00:00', '2024-01-02 00:00:00', { days: 30 }).length, 1);
  });
});

describe('UIS Data API client against the sandbox', () => {
  let sb: UisSandbox;
  const played: Array<CallTruth | ChatTruth> = [];
  before(async () => {
    sb = await startUisSandbox({ timeScale: 0.0005, recordingDelayS: [5, 60], seed: 7 });
    for (const k of ['incoming_answered', 'ring_group', 'incoming_lost', 'chat', 'chat_lost', 'offline_request'] as const) {
      played.push((await sb.control.simulator.play(k)).truth);
    }
  });
  after(async () => {
    await sb.close();
  });
  const client = (extra: Partial<Parameters<typeof createUisDataApiClient>[0]> = {}) =>
    createUisDataApiClient({ baseUrl: sb.dataApiUrl, accessToken: SANDBOX_ACCESS_TOKEN, timeoutMs: 2000, ...extra });

  test('get.employees pages until total_items (not until a short page)', async () => {
    for (let i = 0; i < 21; i++) {
      sb.control.addEmployee({ first_name: `Имя${i}`, last_name: 'Тестов', email: `t${i}@x.example`, extension: String(200 + i), phone_numbers: [], operator_login: null });
    }
    const before = sb.control.state.requestLog.length;
    const all = await client({ pageSize: 10 }).getAllEmployees();
    assert.equal(all.length, 25);
    assert.equal(new Set(all.map((e) => e.id)).size, 25);
    assert.equal(sb.control.state.requestLog.length - before, 3);
    const anna = all.find((e) => e.id === 1001)!;
    assert.equal(anna.extension?.extension_phone_number, '101');
    assert.equal(anna.email, '101@shop.example');
    assert.ok(anna.phone_numbers?.some((p) => p.phone_number === '79161110101' && p.status === 'active'));
    const page = await client().getEmployees({ limit: 2, offset: 1, fields: ['id', 'email'] });
    assert.equal(page.totalItems, 25);
    assert.deepEqual(Object.keys(page.rows[0]!).sort(), ['email', 'id']);
  });

  test('getCallEnrichment reads what the simulator played (UTM, campaign, region, device, recording)', async () => {
    const t = played[0] as CallTruth;
    const e = await client({ appBaseUrl: sb.url }).getCallEnrichment(t.callSessionId);
    assert.ok(e);
    assert.equal(e.callSessionId, t.callSessionId);
    assert.equal(e.communicationId, t.communicationId);
    assert.equal(e.campaignName, t.attribution.campaign_name);
    assert.equal(e.utm.source, t.attribution.utm_source);
    assert.equal(e.searchQuery, t.attribution.search_query);
    assert.equal(e.visitorRegion, t.attribution.visitor_region);
    assert.equal(e.visitorDevice, t.attribution.visitor_device);
    assert.equal(e.recordings.length, 1);
    assert.equal(e.recordings[0]!.url, t.recordings[0]!.url);
    const audio = await fetch(e.recordings[0]!.url);
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
    assert.equal(await client().getCallEnrichment(1), null);
  });

  test('get.calls_report: rows match the truth; paging across several pages', async () => {
    const rows = await client({ pageSize: 1 }).getAllCallsReport({ dateFrom: addMonthsNaive(now(), -1), dateTill: addMonthsNaive(now(), 1) });
    const calls = played.filter((p): p is CallTruth => 'callSessionId' in p);
    assert.equal(rows.length, calls.length);
    const lost = rows.find((r) => r.id === calls[2]!.callSessionId)!;
    assert.equal(lost.is_lost, true);
    assert.equal(lost.talk_duration, 0);
    const group = rows.find((r) => r.id === calls[1]!.callSessionId)!;
    assert.equal(group.employees?.length, 3);
    assert.equal(group.last_answered_employee_id, calls[1]!.lastAnsweredEmployeeId);
  });

  test('a period longer than 3 months is rejected by UIS and split by getAll*', async () => {
    const till = now();
    const from = addMonthsNaive(till, -7);
    const e = await client().getCallsReport({ dateFrom: from, dateTill: till }).then(
      () => assert.fail('expected an error'),
      (x: unknown) => x as UisApiError,
    );
    assert.ok(e instanceof UisApiError);
    assert.equal(e.mnemonic, 'date_interval_limit_reached');
    assert.equal(e.code, -32602);
    assert.match(e.messageRu, /3 месяцев/);
    const before = sb.control.state.requestLog.length;
    const rows = await client().getAllCallsReport({ dateFrom: from, dateTill: till });
    assert.equal(rows.length, 3);
    const log = sb.control.state.requestLog.slice(before);
    assert.equal(log.length, 3);
    assert.ok(log.every((l) => l.ok));
  });

  test('chats, chat messages and offline messages reports', async () => {
    const c = client();
    const chat = played[3] as ChatTruth;
    const lost = played[4] as ChatTruth;
    const offline = played[5] as ChatTruth;
    const q = { dateFrom: addMonthsNaive(now(), -1), dateTill: addMonthsNaive(now(), 1) };
    const chats = await c.getAllChatsReport(q);
    assert.equal(chats.find((r) => r.id === chat.chatId)?.status, 'succeed');
    assert.equal(chats.find((r) => r.id === lost.chatId)?.status, 'lost');
    assert.equal(chats.find((r) => r.id === lost.chatId)?.release_cause, 'closed_by_timeout');
    const msgs = await c.getAllChatMessages({ chatId: chat.chatId! });
    assert.deepEqual(msgs.map((m) => m.text), chat.messages.map((m) => m.text));
    const e = await c.getChatMessagesReport({ dateFrom: addMonthsNaive(now(), -2), dateTill: now() }).catch((x: unknown) => x);
    assert.ok(e instanceof UisApiError && e.mnemonic === 'date_interval_limit_reached');
    const offl = await c.getAllOfflineMessagesReport(q);
    assert.equal(offl.length, 1);
    assert.equal(offl[0]!.id, offline.offlineMessageId);
    assert.equal(offl[0]!.visitor_phone_number, offline.visitorPhoneNumber);
  });

  test('method_component_disabled and limits are surfaced', async () => {
    sb.control.disableMethod('get.chats_report');
    const e = await client().getChatsReport({ dateFrom: addMonthsNaive(now(), -1), dateTill: now() }).catch((x: unknown) => x);
    assert.ok(e instanceof UisApiError);
    assert.equal(e.mnemonic, 'method_component_disabled');
    assert.equal(e.code, -32008);
    const c = client();
    const p = await c.getEmployees({ limit: 1 });
    assert.ok(p.limits && p.limits.dayRemaining !== null && p.limits.dayRemaining < p.limits.dayLimit!);
    assert.deepEqual(c.lastLimits, p.limits);
  });

  test('invalid paging is rejected like UIS (limit > 10000)', async () => {
    const e = await client().getEmployees({ limit: 10_001 }).catch((x: unknown) => x);
    assert.ok(e instanceof UisApiError);
    assert.equal(e.mnemonic, 'invalid_parameter_value');
    assert.equal(e.field, 'limit');
  });
});

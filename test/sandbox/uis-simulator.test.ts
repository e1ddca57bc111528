import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyTemplateFor, eventTypeDefinition, renderLikeUis, isUisEventKey, createUisCallApiClient } from '../../src/uis/index.ts';
import {
  startUisSandbox,
  SANDBOX_ACCESS_TOKEN,
  CALL_SCENARIOS,
  parseMix,
  type UisSandbox,
  type CallTruth,
} from '../../src/sandbox/uis/index.ts';

interface Received {
  path: string;
  event: string;
  body: string;
  contentType: string | undefined;
}

describe('UIS traffic simulator', () => {
  let receiver: Server;
  let got: Received[] = [];
  let sb: UisSandbox;
  const SECRET = 's3cret';

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const path = req.url ?? '';
        got.push({ path, event: path.split('/').pop() ?? '', body, contentType: req.headers['content-type'] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    sb = await startUisSandbox({
      target: `http://127.0.0.1:${port}/hooks/uis/${SECRET}`,
      chatTarget: `http://127.0.0.1:${port}/hooks/uis/${SECRET}/chats`,
      timeScale: 0.0005,
      seed: 42,
    });
  });
  after(async () => {
    await sb.close();
    await new Promise<void>((r) => {
      receiver.closeAllConnections();
      receiver.close(() => r());
    });
  });
  beforeEach(() => {
    got = [];
    sb.control.simulator.configure({ duplicateProbability: 0, shuffleWindowMs: 0 });
  });

  const expected: Record<string, string[]> = {
    incoming_answered: ['call-start', 'ringing', 'talk-start', 'talk-end', 'call-end', 'recording'],
    incoming_lost: ['call-start', 'ringing', 'ringing', 'lost', 'call-end'],
    ring_group: ['call-start', 'ringing', 'ringing', 'ringing', 'talk-start', 'talk-end', 'call-end', 'recording'],
    transfer: ['call-start', 'ringing', 'talk-start', 'outgoing-leg', 'ringing', 'talk-end', 'talk-start', 'talk-end', 'call-end', 'recording'],
    outgoing: ['outgoing', 'outgoing-leg', 'talk-start', 'talk-end', 'call-end', 'recording'],
    click_to_call: ['outgoing-leg', 'ringing', 'outgoing-leg', 'talk-start', 'talk-end', 'call-end', 'recording'],
    internal: ['outgoing-leg', 'ringing', 'talk-start', 'talk-end', 'call-end'],
  };

  for (const kind of CALL_SCENARIOS) {
    test(`${kind}: notifications arrive in order, rendered exactly like UIS renders the templates`, async () => {
      const plan = sb.control.simulator.plan(kind);
      const { truth } = await sb.control.simulator.playPlanned(plan);
      const t = truth as CallTruth;
      assert.deepEqual(got.map((g) => g.event), expected[kind]);
      got.forEach((g, i) => {
        const ev = plan.events[i]!;
        assert.ok(isUisEventKey(g.event));
        assert.equal(g.path, `/hooks/uis/${SECRET}/${ev.eventKey}`);
        // What UIS would send for this event type: the published template rendered with its variables.
        assert.equal(g.body, renderLikeUis(bodyTemplateFor(eventTypeDefinition(ev.eventKey as never)), ev.vars));
        const body = JSON.parse(g.body) as Record<string, unknown>;
        assert.equal(body.call_session_id, t.callSessionId);
        assert.ok(!g.body.includes('{{'), 'every variable of the event type is substituted');
        assert.equal(g.contentType, 'application/json');
      });
      const end = JSON.parse(got.find((g) => g.event === 'call-end')!.body) as Record<string, unknown>;
      assert.equal(end.talk_time_duration, t.talkDurationS);
      assert.equal(end.total_time_duration, t.totalDurationS);
      assert.equal(end.is_internal, kind === 'internal');
      assert.equal(end.employee_id, t.lastAnsweredEmployeeId);
      assert.equal(end.direction, t.direction);
      assert.equal(t.isLost, kind === 'incoming_lost');
      if (kind === 'incoming_lost') {
        const lost = JSON.parse(got.find((g) => g.event === 'lost')!.body) as Record<string, unknown>;
        assert.deepEqual(lost.employee_ids, t.rang);
        assert.deepEqual(t.answeredBy, []);
      }
      if (kind === 'ring_group') {
        const rang = got.filter((g) => g.event === 'ringing').map((g) => (JSON.parse(g.body) as { employee_id: number }).employee_id);
        assert.deepEqual(rang, t.rang);
        assert.equal(t.answeredBy.length, 1);
        assert.ok(t.rang.includes(t.answeredBy[0]!));
      }
      if (kind === 'transfer') {
        assert.equal(t.answeredBy.length, 2);
        assert.equal(t.isTransfer, true);
        assert.equal(t.lastAnsweredEmployeeId, t.answeredBy[1]);
      }
      const rec = got.find((g) => g.event === 'recording');
      if (rec) {
        const body = JSON.parse(rec.body) as { file_link: string; file_duration: number };
        assert.equal(body.file_link, t.recordings[0]!.url);
        assert.equal(body.file_duration, t.talkDurationS);
        const d = t.recordings[0]!.delayAfterHangupS;
        assert.ok(d >= 5 && d <= 60, `recording delay ${d}s`);
        assert.equal(plan.events.at(-1)!.delayMs - plan.events.at(-2)!.delayMs, Math.round(d * 1000));
      }
    });
  }

  test('click-to-call through the Call API plays an outgoing flow carrying the external_id', async () => {
    const call = createUisCallApiClient({ baseUrl: sb.callApiUrl, accessToken: SANDBOX_ACCESS_TOKEN });
    const r = await call.startEmployeeCall({ virtualPhoneNumber: '74950000001', contact: '79031112233', employee: { id: 1003 }, direction: 'out', externalId: 'ms-call-9' });
    await sb.control.simulator.idle();
    const mine = got.filter((g) => (JSON.parse(g.body) as { call_session_id: number }).call_session_id === r.callSessionId);
    assert.deepEqual(mine.map((g) => g.event), expected.click_to_call);
    for (const g of mine.filter((x) => ['ringing', 'talk-start', 'talk-end', 'call-end'].includes(x.event))) {
      const b = JSON.parse(g.body) as Record<string, unknown>;
      assert.equal(b.external_id, 'ms-call-9');
      assert.equal(b.call_source, 'callapi');
      assert.equal(b.direction, 'out');
    }
    const t = sb.control.simulator.truths.find((x) => 'callSessionId' in x && x.callSessionId === r.callSessionId) as CallTruth;
    assert.equal(t.externalId, 'ms-call-9');
    assert.deepEqual(t.answeredBy, [1003]);
    assert.equal(t.contactPhoneNumber, '79031112233');
  });

  test('duplicates: with probability 1 every notification is delivered twice', async () => {
    sb.control.simulator.configure({ duplicateProbability: 1 });
    const { deliveries } = await sb.control.simulator.play('incoming_answered');
    assert.equal(got.length, 12);
    assert.equal(deliveries.filter((d) => d.duplicate).length, 6);
    for (let i = 0; i < got.length; i += 2) assert.equal(got[i]!.body, got[i + 1]!.body);
  });

  test('shuffle window delivers out of order but never loses an event', async () => {
    sb.control.simulator.configure({ shuffleWindowMs: 40 });
    let swapped = false;
    for (let i = 0; i < 5 && !swapped; i++) {
      got = [];
      const plan = sb.control.simulator.plan('transfer', { ringS: 1, talkS: 2 });
      await sb.control.simulator.playPlanned(plan);
      assert.deepEqual([...got.map((g) => g.event)].sort(), [...plan.events.map((e) => e.eventKey)].sort());
      swapped = got.some((g, j) => g.event !== plan.events[j]!.eventKey);
    }
    assert.ok(swapped, 'some run delivered out of order');
  });

  test('chat scenarios POST Chat API callbacks and record the truth', async () => {
    const { truth } = await sb.control.simulator.play('chat');
    const paths = got.map((g) => g.path.replace(`/hooks/uis/${SECRET}/chats`, ''));
    assert.equal(paths[0], '/chat');
    assert.equal(paths.at(-1), '/chat/close');
    const msgs = got.filter((g) => g.path.endsWith('/message')).map((g) => JSON.parse(g.body) as { text: string; chat_id: number });
    assert.ok('chatId' in truth);
    assert.deepEqual(msgs.map((m) => m.text), truth.messages.map((m) => m.text));
    assert.ok(msgs.every((m) => m.chat_id === truth.chatId));
    got = [];
    const lost = await sb.control.simulator.play('chat_lost');
    assert.ok('releaseCause' in lost.truth && lost.truth.status === 'lost' && lost.truth.employeeId === null);
    assert.equal((JSON.parse(got.at(-1)!.body) as { reason: string }).reason, 'closed_by_timeout');
    got = [];
    await sb.control.simulator.play('offline_request');
    assert.deepEqual(got.map((g) => g.event), ['offline_message']);
  });

  test('traffic: bounded by count, mixed by weight, at the requested rate', async () => {
    const r = await sb.control.simulator.runTraffic({ rate: 200, count: 12, mix: parseMix('incoming_answered=1,incoming_lost=1') });
    assert.equal(r.started, 12);
    assert.equal(r.truths.length, 12);
    assert.deepEqual(Object.keys(r.byKind).sort(), ['incoming_answered', 'incoming_lost']);
    assert.equal(r.failed, 0);
    assert.equal(got.length, r.deliveries.length);
    assert.ok(r.elapsedMs >= (11 * 1000) / 200 - 5, `elapsed ${r.elapsedMs}`);
    assert.throws(() => parseMix('nope=1'));
    const timed = await sb.control.simulator.runTraffic({ rate: 100, durationMs: 50, mix: { internal: 1 } });
    assert.ok(timed.started >= 3 && timed.started <= 6, `started ${timed.started}`);
    const poisson = await sb.control.simulator.runTraffic({ rate: 400, count: 8, arrivals: 'poisson', mix: { internal: 1 } });
    assert.equal(poisson.started, 8);
    assert.equal(poisson.failed, 0);
  });
});

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CP_ID, EMP, KEY_B, extId, newCall, startPhone, type Harness } from './moysklad-phone-helpers.ts';

let h: Harness;
before(async () => {
  h = await startPhone();
});
after(async () => {
  await h.app.close();
});

const codes = (r: { json: { errors: { code: number; parameter?: string }[] } }) => r.json.errors.map((e) => e.code);

describe('transport and auth', () => {
  test('missing or unknown Lognex-Phone-Auth-Token → 401/1056', async () => {
    const none = await h.api('GET', '/employee', undefined, { 'lognex-phone-auth-token': '' });
    assert.equal(none.status, 401);
    assert.deepEqual(codes(none), [1056]);
    const wrong = await h.api('GET', '/employee', undefined, { 'lognex-phone-auth-token': 'nope' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.json.errors[0].error, /^Ошибка аутентификации/);
  });

  test('without Accept-Encoding: gzip → 415 with an empty body; with it the body is gzipped', async () => {
    const plain = await h.api('GET', '/employee', undefined, { 'accept-encoding': 'identity' });
    assert.equal(plain.status, 415);
    assert.equal(plain.text, '');
    const { request } = await import('node:http');
    const url = new URL(h.base + '/employee');
    const encoding = await new Promise<string | undefined>((resolve, reject) => {
      request(url, { headers: { 'lognex-phone-auth-token': 'd03627d59c1948a0f9a6aa1e267c954bfd0301ec', 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        resolve(res.headers['content-encoding']);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(encoding, 'gzip');
  });

  test('unknown path → 404/1002, wrong method → 405/1039, bad JSON → 400/2001', async () => {
    assert.deepEqual(codes(await h.api('GET', '/calls')), [1002]);
    const del = await h.api('DELETE', '/call/abc');
    assert.equal(del.status, 405);
    assert.deepEqual(codes(del), [1039]);
    const bad = await h.api('POST', '/call', '{"externalId":');
    assert.equal(bad.status, 400);
    assert.deepEqual(codes(bad), [2001]);
    assert.deepEqual(codes(await h.api('POST', '/call', '[]')), [2009]);
  });
});

describe('POST /call validation', () => {
  test('each missing required field → 412 with code 3000 naming it', async () => {
    const r = await h.api('POST', '/call', {});
    assert.equal(r.status, 412);
    assert.deepEqual(codes(r), [3000, 3000, 3000, 3000]);
    assert.deepEqual(r.json.errors.map((e: { parameter: string }) => e.parameter).sort(), ['externalId', 'isIncoming', 'number', 'startTime']);
    // The Jackson pitfall: `incoming` instead of `isIncoming` is simply a missing field.
    const { isIncoming: _omit, ...rest } = newCall(extId('req'));
    const r2 = await h.api('POST', '/call', { ...rest, incoming: true });
    assert.equal(r2.status, 412);
    assert.equal(r2.json.errors[0].parameter, 'isIncoming');
  });

  test('isIncoming must be a JSON boolean; nothing is created otherwise', async () => {
    const id = extId('bool');
    for (const bad of ['true', 1, 'yes']) {
      const r = await h.api('POST', '/call', newCall(id, { isIncoming: bad }));
      assert.equal(r.status, 400, `isIncoming=${JSON.stringify(bad)}`);
      assert.equal(r.json.errors[0].parameter, 'isIncoming');
    }
    assert.equal(h.phone.calls('acc-a').filter((c) => c.externalId === id).length, 0);
    assert.equal((await h.api('POST', '/call', newCall(id, { isIncoming: false }))).status, 200);
  });

  test('recordUrl must be an array; bad startTime format is rejected', async () => {
    const r = await h.api('POST', '/call', newCall(extId('rec'), { recordUrl: 'https://rec/1.mp3' }));
    assert.equal(r.status, 400);
    assert.equal(r.json.errors[0].parameter, 'recordUrl');
    const t = await h.api('POST', '/call', newCall(extId('time'), { startTime: '2026-03-01T10:00:00Z' }));
    assert.equal(t.status, 400);
    assert.equal(t.json.errors[0].parameter, 'startTime');
  });

  test('nested {meta:{…}} counterparty is not the flat meta this API wants', async () => {
    const r = await h.api('POST', '/call', newCall(extId('meta'), { counterparty: { meta: { href: 'x', type: 'counterparty' } } }));
    assert.equal(r.status, 400);
    assert.deepEqual(codes(r), [2010]);
  });
});

describe('call semantics', () => {
  test('counterparty is linked by number and returned with counterpartyowner (extention)', async () => {
    const r = await h.api('POST', '/call', newCall(extId('cp'), { number: '84959999999' }));
    assert.equal(r.status, 200);
    assert.equal(r.json.counterparty.href.endsWith(`/counterparty/${CP_ID}`), true);
    assert.equal(r.json.counterparty.type, 'counterparty');
    assert.equal(r.json.counterpartyowner.extention, EMP.boris.extension);
    assert.equal(r.json.counterpartyowner.meta.href.endsWith(EMP.boris.id), true);
    const none = await h.api('POST', '/call', newCall(extId('nocp'), { number: '+70000000000' }));
    assert.equal('counterparty' in none.json, false);
    assert.equal('counterpartyowner' in none.json, false);
    assert.equal(none.json.endTime, null);
    assert.deepEqual(none.json.recordUrl, []);
  });

  test('GET /call/{id} returns the call; other accounts and unknown ids get 404/1021', async () => {
    const created = await h.api('POST', '/call', newCall(extId('get'), { comment: 'hi' }));
    const got = await h.api('GET', `/call/${created.json.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, created.json);
    assert.equal(got.json.meta.href, `${h.base}/call/${created.json.id}`);
    const other = await h.api('GET', `/call/${created.json.id}`, undefined, { 'lognex-phone-auth-token': KEY_B });
    assert.equal(other.status, 404);
    assert.deepEqual(codes(other), [1021]);
  });

  test('moments come without millis unless X-Lognex-Format-Millisecond: true', async () => {
    const created = await h.api('POST', '/call', newCall(extId('ms'), { startTime: '2026-03-01 10:00:00.250' }));
    assert.equal(created.json.startTime, '2026-03-01 10:00:00');
    const ms = await h.api('GET', `/call/${created.json.id}`, undefined, { 'x-lognex-format-millisecond': 'true' });
    assert.equal(ms.json.startTime, '2026-03-01 10:00:00.250');
  });

  test('PUT never overwrites a set field except comment; recordUrl appends; comment null keeps it', async () => {
    const id = extId('put');
    const created = await h.api('POST', '/call', newCall(id, { extension: '101', recordUrl: ['https://rec/1.mp3'], comment: 'first' }));
    assert.equal(created.json.employee.href.endsWith(EMP.anna.id), true, 'extension links its employee');
    const put1 = await h.api('PUT', `/call/${created.json.id}`, {
      extension: '102',
      endTime: '2026-03-01 10:01:30.000',
      recordUrl: ['https://rec/2.mp3'],
      comment: 'second',
    });
    assert.equal(put1.status, 200);
    assert.equal(put1.json.extension, '101');
    assert.equal(put1.json.employee.href.endsWith(EMP.anna.id), true);
    assert.equal(put1.json.endTime, '2026-03-01 10:01:30');
    assert.equal(put1.json.duration, 90_000, 'endTime beats duration and sets it');
    assert.deepEqual(put1.json.recordUrl, ['https://rec/1.mp3', 'https://rec/2.mp3']);
    assert.equal(put1.json.comment, 'second');
    const put2 = await h.api('PUT', `/call/extid/${id}`, { endTime: '2026-03-01 11:00:00', duration: 5, comment: null, recordUrl: ['https://rec/3.mp3'] });
    assert.equal(put2.json.endTime, '2026-03-01 10:01:30');
    assert.equal(put2.json.duration, 90_000);
    assert.equal(put2.json.comment, 'second');
    assert.equal(put2.json.recordUrl.length, 3);
    const writes = h.phone.calls('acc-a').find((c) => c.id === created.json.id)!.writes;
    assert.deepEqual(writes[1]!.ignored, ['extension']);
    assert.deepEqual(writes[2]!.ignored, ['endTime']);
  });

  test('extension set later (after answer) is accepted when it was empty; comment is truncated at 4096', async () => {
    const id = extId('late');
    await h.api('POST', '/call', newCall(id, { comment: 'x'.repeat(5000) }));
    const r = await h.api('PUT', `/call/extid/${id}`, { extension: '201', duration: 12_000 });
    assert.equal(r.json.extension, '201');
    assert.equal(r.json.employee.href.endsWith(EMP.vera.id), true);
    assert.equal(r.json.duration, 12_000);
    assert.equal(r.json.endTime, '2026-03-01 10:00:12');
    assert.equal(r.json.comment.length, 4096);
  });

  test('unknown extid → 404/1021 for PUT and for events', async () => {
    const put = await h.api('PUT', '/call/extid/never-posted', { comment: 'x' });
    assert.equal(put.status, 404);
    assert.deepEqual(codes(put), [1021]);
    const ev = await h.api('POST', '/call/extid/never-posted/event', { eventType: 'HIDE_ALL', sequence: 1 });
    assert.equal(ev.status, 404);
  });

  test('a second POST with the same externalId creates a second call, and it is recorded', async () => {
    const id = extId('dup');
    const a = await h.api('POST', '/call', newCall(id));
    const b = await h.api('POST', '/call', newCall(id));
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.notEqual(a.json.id, b.json.id);
    const dup = h.phone.duplicates('acc-a').find((d) => d.externalId === id);
    assert.deepEqual(dup?.callIds, [a.json.id, b.json.id]);
    assert.equal(h.phone.calls('acc-a').find((c) => c.id === b.json.id)?.duplicateOf, a.json.id);
  });
});

describe('call cards', () => {
  test('SHOW → STARTTIME → HIDE → HIDE_ALL drives what each employee sees', async () => {
    const id = extId('cards');
    const created = await h.api('POST', '/call', newCall(id, {
      number: '+74959999999',
      events: [
        { eventType: 'SHOW', extension: '101', sequence: 1 },
        { eventType: 'SHOW', extension: '102', sequence: 1 },
      ],
    }));
    assert.equal(created.status, 200);
    const anna = h.phone.visibleCards('acc-a', '101').filter((c) => c.externalId === id);
    assert.equal(anna.length, 1);
    assert.equal(anna[0]!.state, 'ringing');
    assert.equal(anna[0]!.counterpartyName, 'ООО <Ромашка>');
    assert.equal(h.phone.visibleCards('acc-a', EMP.boris.id).filter((c) => c.externalId === id).length, 1, 'by employee id too');

    const start = await h.api('POST', `/call/extid/${id}/event`, { eventType: 'STARTTIME', extension: '101', sequence: 2 });
    assert.equal(start.status, 204);
    assert.equal(start.text, '');
    const hide = await h.api('POST', `/call/${created.json.id}/event`, { eventType: 'HIDE', extension: '102', sequence: 2 });
    assert.equal(hide.status, 204);
    assert.equal(h.phone.visibleCards('acc-a', '101').find((c) => c.externalId === id)?.state, 'talking');
    assert.equal(h.phone.visibleCards('acc-a', '102').some((c) => c.externalId === id), false);

    // A late, reordered SHOW for 102 (lower sequence) must not bring the card back.
    await h.api('POST', `/call/extid/${id}/event`, { eventType: 'SHOW', extension: '102', sequence: 1 });
    assert.equal(h.phone.visibleCards('acc-a', '102').some((c) => c.externalId === id), false);

    const end = await h.api('PUT', `/call/extid/${id}`, { duration: 30_000, events: [{ eventType: 'HIDE_ALL', sequence: 3 }] });
    assert.equal(end.status, 200);
    assert.equal(h.phone.visibleCards('acc-a', '101').some((c) => c.externalId === id), false);

    const hist = h.phone.cardHistory('acc-a', '101').filter((r) => r.externalId === id);
    assert.deepEqual(hist.map((r) => r.eventType), ['SHOW', 'STARTTIME', 'HIDE_ALL']);
    for (let i = 1; i < hist.length; i++) assert.ok(hist[i]!.receivedAt.perfMs > hist[i - 1]!.receivedAt.perfMs);
    assert.ok(hist.every((r) => r.receivedAt.wallMs > 0 && r.appliedAt.perfMs >= r.receivedAt.perfMs));
    const boris = h.phone.cardHistory('acc-a', '102').filter((r) => r.externalId === id);
    assert.deepEqual(boris.map((r) => [r.eventType, r.applied, r.reason]), [
      ['SHOW', true, undefined],
      ['HIDE', true, undefined],
      ['SHOW', false, 'stale-sequence'],
    ]);
  });

  test('event validation: extension required except HIDE_ALL, sequence required, eventType enum', async () => {
    const id = extId('evv');
    await h.api('POST', '/call', newCall(id));
    const noExt = await h.api('POST', `/call/extid/${id}/event`, { eventType: 'SHOW', sequence: 1 });
    assert.equal(noExt.status, 412);
    assert.equal(noExt.json.errors[0].parameter, 'extension');
    const noSeq = await h.api('POST', `/call/extid/${id}/event`, { eventType: 'SHOW', extension: '101' });
    assert.equal(noSeq.status, 412);
    assert.equal(noSeq.json.errors[0].parameter, 'sequence');
    const badType = await h.api('POST', `/call/extid/${id}/event`, { eventType: 'RING', extension: '101', sequence: 1 });
    assert.equal(badType.status, 400);
    assert.deepEqual(codes(badType), [3005]);
    assert.equal((await h.api('POST', `/call/extid/${id}/event`, { eventType: 'HIDE_ALL', sequence: 9 })).status, 204);
    // A rejected create with events shows nothing.
    const bad = await h.api('POST', '/call', newCall(extId('evbad'), { isIncoming: 'true', events: [{ eventType: 'SHOW', extension: '201', sequence: 1 }] }));
    assert.equal(bad.status, 400);
    assert.equal(h.phone.visibleCards('acc-a', '201').length, 0);
  });

  test('waitForCard resolves when the SHOW arrives over HTTP', async () => {
    const id = extId('wait');
    const waiting = h.phone.waitForCard('acc-a', '201', (c) => c.externalId === id, 2000);
    await h.api('POST', '/call', newCall(id, { events: [{ eventType: 'SHOW', extension: '201', sequence: 1 }] }));
    const card = await waiting;
    assert.equal(card.externalId, id);
    assert.equal(card.employeeId, EMP.vera.id);
    await h.api('POST', `/call/extid/${id}/event`, { eventType: 'HIDE_ALL', sequence: 2 });
  });
});

describe('GET /employee with their `extention` filter', () => {
  const exts = async (query: string): Promise<string[]> => {
    const r = await h.api('GET', `/employee${query}`);
    assert.equal(r.status, 200, query);
    return r.json.employees.map((e: { extention: string }) => e.extention).sort();
  };

  test('lists only employees with an extension, in the documented shape', async () => {
    const r = await h.api('GET', '/employee');
    assert.deepEqual(Object.keys(r.json), ['employees']);
    assert.deepEqual(r.json.employees.map((e: { extention: string }) => e.extention).sort(), ['101', '102', '201']);
    const anna = r.json.employees.find((e: { extention: string }) => e.extention === '101');
    assert.deepEqual(Object.keys(anna.meta).sort(), ['href', 'mediaType', 'type']);
    assert.equal(anna.meta.href.split('/').pop(), EMP.anna.id);
  });

  test('operators =, repeated = (OR), !=, ~=, =~, ~ and url-encoding', async () => {
    assert.deepEqual(await exts('?filter=extention=101'), ['101']);
    assert.deepEqual(await exts(`?filter=${encodeURIComponent('extention=101;extention=201')}`), ['101', '201']);
    assert.deepEqual(await exts(`?filter=${encodeURIComponent('extention!=101')}`), ['102', '201']);
    assert.deepEqual(await exts(`?filter=${encodeURIComponent('extention~=10')}`), ['101', '102']);
    assert.deepEqual(await exts(`?filter=${encodeURIComponent('extention=~01')}`), ['101', '201']);
    assert.deepEqual(await exts(`?filter=${encodeURIComponent('extention~0')}`), ['101', '102', '201']);
    assert.deepEqual(await exts('?filter=extention=999'), []);
  });

  test('the correct spelling `extension` and mixing = with != are filter errors (1034)', async () => {
    const wrong = await h.api('GET', '/employee?filter=extension=101');
    assert.equal(wrong.status, 400);
    assert.deepEqual(codes(wrong), [1034]);
    const mixed = await h.api('GET', `/employee?filter=${encodeURIComponent('extention=101;extention!=102')}`);
    assert.deepEqual(codes(mixed), [1034]);
  });
});

describe('inspector fragment', () => {
  test('shows calls with recordings, escaped text and live cards per employee', async () => {
    const id = extId('insp');
    await h.api('POST', '/call', newCall(id, {
      number: '+74959999999',
      comment: '<script>alert(1)</script>',
      recordUrl: ['https://records.example/r1.mp3'],
      events: [{ eventType: 'SHOW', extension: '102', sequence: 1 }],
    }));
    const html = h.phone.renderPhoneInspectorHtml('acc-a');
    assert.match(html, /<audio controls preload="none" src="https:\/\/records\.example\/r1\.mp3">/);
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;'));
    const boris = html.slice(html.indexOf(`data-employee-id="${EMP.boris.id}"`));
    assert.match(boris.slice(0, boris.indexOf('</div>')), /\+74959999999 ООО &lt;Ромашка&gt; — звонит/);
    await h.api('POST', `/call/extid/${id}/event`, { eventType: 'HIDE_ALL', sequence: 2 });
    const after = h.phone.renderPhoneInspectorHtml('acc-a');
    const b2 = after.slice(after.indexOf(`data-employee-id="${EMP.boris.id}"`));
    assert.ok(!b2.slice(0, b2.indexOf('</div>')).includes(id) && !b2.slice(0, b2.indexOf('</div>')).includes('звонит'));
  });
});

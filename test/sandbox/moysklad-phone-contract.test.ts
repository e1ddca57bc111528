// Contract check against short excerpts of the official examples in moysklad/api-phone-1.0-doc
// (src/body/**, HEAD 07122bc). The doc ids are reused so the example metas resolve.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPhone, type Harness } from './moysklad-phone-helpers.ts';

const REMAP = 'https://api.moysklad.ru/api/remap/1.2/entity';
const CP = '88fc07ad-2c8d-11e6-8a84-bae500000050';
const OWNER = '88fc07ac-2c8d-11e6-8a84-bae500000050';
const EMP_CALL = '88fc07ad-2c8d-11e6-8a84-bae500001324';
const EMP_EVENT = '88fc07ad-2c8d-11e6-8a84-bae500001325';
const meta = (type: string, id: string) => ({ href: `${REMAP}/${type}/${id}`, type, mediaType: 'application/json' });

// body/call/post_request.json (full create).
const POST_REQUEST = {
  externalId: 'AkjhDlkJDlkjD09D',
  number: '+74959999999',
  counterparty: meta('counterparty', CP),
  extension: '100',
  employee: meta('employee', EMP_CALL),
  isIncoming: true,
  startTime: '2017-01-01 00:00:05.000',
  endTime: '2017-01-01 00:00:05.000',
  duration: 0,
  recordUrl: ['http://some_url.ru'],
  comment: 'example comment',
  events: [{ eventType: 'SHOW', extension: '101', sequence: 1, employee: meta('employee', EMP_EVENT) }],
};
// Keys of body/call/post_response.json, in order.
const RESPONSE_KEYS = ['meta', 'id', 'externalId', 'number', 'counterparty', 'counterpartyowner', 'extension', 'comment', 'employee', 'isIncoming', 'startTime', 'endTime', 'duration', 'recordUrl'];
// body/example/post_withevent_request.json, put_request.json, post_event_request.json.
const WITHEVENT = { externalId: 'AkjhDlkJDlkjD09D-2', number: '+74959999999', extension: '101', isIncoming: true, startTime: '2017-01-01 00:00:05.000', events: [{ eventType: 'SHOW', extension: '101', sequence: 1 }] };
const EXAMPLE_PUT = { endTime: '2017-01-01 00:01:05.000', recordUrl: ['http://some_url.ru'], comment: 'updated example comment', events: [{ eventType: 'HIDE', extension: '101', sequence: 2 }] };
const EXAMPLE_EVENT = { eventType: 'SHOW', extension: '101', sequence: 1 };

let h: Harness;
before(async () => {
  h = await startPhone({}, [
    {
      id: 'doc',
      settings: { apiKey: 'd03627d59c1948a0f9a6aa1e267c954bfd0301ec' },
      employees: [
        { id: OWNER, href: `${REMAP}/employee/${OWNER}`, name: 'Владелец', extension: '100' },
        { id: EMP_CALL, href: `${REMAP}/employee/${EMP_CALL}`, name: 'Сотрудник' },
        { id: EMP_EVENT, href: `${REMAP}/employee/${EMP_EVENT}`, name: 'Получатель', extension: '101' },
      ],
      counterparties: [{ id: CP, href: `${REMAP}/counterparty/${CP}`, name: 'Контрагент', ownerId: OWNER, phones: ['+74959999999'] }],
    },
  ]);
});
after(async () => {
  await h.app.close();
});

test('the full create example is accepted and answered in the documented shape', async () => {
  const r = await h.api('POST', '/call', POST_REQUEST, { 'x-lognex-format-millisecond': 'true' });
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json), RESPONSE_KEYS);
  assert.deepEqual(r.json.meta, { href: `${h.base}/call/${r.json.id}`, type: 'call', mediaType: 'application/json' });
  assert.match(r.json.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.json.counterparty, meta('counterparty', CP));
  assert.deepEqual(r.json.counterpartyowner, { extention: '100', meta: meta('employee', OWNER) });
  assert.deepEqual(r.json.employee, meta('employee', EMP_CALL));
  assert.equal(r.json.startTime, '2017-01-01 00:00:05.000');
  assert.equal(r.json.duration, 0);
  assert.deepEqual(r.json.recordUrl, ['http://some_url.ru']);
  // The event's employee meta decides whose card it is.
  assert.equal(h.phone.visibleCards('doc', EMP_EVENT).length, 1);
});

test('the usecase sequence: create with SHOW, example PUT with HIDE, example event → 204', async () => {
  const created = await h.api('POST', '/call', WITHEVENT);
  assert.equal(created.status, 200);
  assert.equal(h.phone.visibleCards('doc', '101').some((c) => c.externalId === WITHEVENT.externalId), true);
  const put = await h.api('PUT', `/call/${created.json.id}`, EXAMPLE_PUT);
  assert.equal(put.status, 200);
  assert.equal(put.json.comment, 'updated example comment');
  assert.equal(put.json.endTime, '2017-01-01 00:01:05');
  assert.equal(h.phone.visibleCards('doc', '101').some((c) => c.externalId === WITHEVENT.externalId), false);
  const ev = await h.api('POST', `/call/${created.json.id}/event`, { ...EXAMPLE_EVENT, sequence: 3 });
  assert.equal(ev.status, 204);
});

test('GET /employee?filter=extention=… answers like employee_by_filter_response.json', async () => {
  const r = await h.api('GET', '/employee?filter=extention=100');
  assert.deepEqual(r.json, { employees: [{ meta: meta('employee', OWNER), extention: '100' }] });
});

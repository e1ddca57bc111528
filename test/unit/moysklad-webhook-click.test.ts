import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  parseClickToCall,
  parseWebhookDelivery,
  signClickToCall,
  signatureCandidates,
  verifyClickToCallSignature,
} from '../../src/moysklad/index.ts';

const ORDER = 'https://api.moysklad.ru/api/remap/1.2/entity/customerorder/0a1b2c3d-0000-0000-0000-000000000001';
const delivery = {
  auditContext: { meta: { type: 'audit', href: 'https://api.moysklad.ru/api/remap/1.2/audit/aaaa' }, moment: '2021-07-21 15:51:16', uid: 'admin@acc' },
  events: [
    { meta: { type: 'customerorder', href: ORDER }, action: 'UPDATE', accountId: 'acc-uuid', updatedFields: ['state', 'sum'] },
    { meta: { type: 'counterparty', href: 'https://api.moysklad.ru/api/remap/1.2/entity/counterparty/cp-1' }, action: 'CREATE', accountId: 'acc-uuid' },
  ],
};

describe('webhook delivery parser', () => {
  test('parses requestId from a URL and the events', () => {
    const r = parseWebhookDelivery({ query: '/hooks/ms/secret?requestId=req-1', body: delivery });
    assert.ok(r.ok);
    assert.equal(r.value.requestId, 'req-1');
    assert.equal(r.value.audit.uid, 'admin@acc');
    assert.deepEqual(r.value.events.map((e) => [e.entityType, e.entityId, e.action, e.updatedFields]), [
      ['customerorder', '0a1b2c3d-0000-0000-0000-000000000001', 'UPDATE', ['state', 'sum']],
      ['counterparty', 'cp-1', 'CREATE', undefined],
    ]);
  });
  test('accepts a parsed query object and a raw string/Buffer body', () => {
    const a = parseWebhookDelivery({ query: { requestId: 'r2' }, body: JSON.stringify(delivery) });
    const b = parseWebhookDelivery({ query: new URLSearchParams('requestId=r3'), body: Buffer.from(JSON.stringify(delivery)) });
    assert.ok(a.ok && a.value.requestId === 'r2');
    assert.ok(b.ok && b.value.events.length === 2);
  });
  test('unknown extra fields are tolerated', () => {
    const r = parseWebhookDelivery({ query: 'requestId=x', body: { ...delivery, newField: 1, events: [{ ...delivery.events[0], extra: true }] } });
    assert.ok(r.ok);
  });
  const bad: Array<[string, Parameters<typeof parseWebhookDelivery>[0], RegExp]> = [
    ['no requestId', { query: '/hooks', body: delivery }, /requestId/],
    ['not JSON', { query: 'requestId=1', body: '{oops' }, /not JSON/],
    ['no events', { query: 'requestId=1', body: { auditContext: {} } }, /events/],
    ['empty events', { query: 'requestId=1', body: { events: [] } }, /events/],
    ['event without meta', { query: 'requestId=1', body: { events: [{ action: 'UPDATE' }] } }, /meta/],
  ];
  for (const [name, input, reason] of bad) {
    test(`rejects: ${name}`, () => {
      const r = parseWebhookDelivery(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, reason);
    });
  }
});

describe('click-to-call', () => {
  const key = 'd03627d59c1948a0f9a6aa1e267c954bfd0301ec';
  const body = { srcNumber: '100', destNumber: '+74959999999', uid: 'admin@companyname' };
  const raw = JSON.stringify(body);
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  test('parses JSON objects, JSON text and form bodies', () => {
    for (const input of [body, raw, Buffer.from(raw), 'srcNumber=100&destNumber=%2B74959999999&uid=admin%40companyname']) {
      const r = parseClickToCall(input);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.value, body);
    }
  });
  test('rejects bodies missing fields', () => {
    assert.deepEqual(parseClickToCall({ srcNumber: '100', uid: 'u' }), { ok: false, reason: 'destNumber missing' });
    assert.equal(parseClickToCall('[1]').ok, false);
    assert.equal(parseClickToCall('{bad').ok, false);
  });

  const variants: Array<[string, string]> = [
    ['key+src+dest+uid', md5(key + '100' + '+74959999999' + 'admin@companyname')],
    ['key+sortedKeys', md5(key + '+74959999999' + '100' + 'admin@companyname')],
    ['key+rawBody', md5(key + raw)],
    ['src+dest+uid+key', md5('100' + '+74959999999' + 'admin@companyname' + key)],
    ['rawBody+key', md5(raw + key)],
  ];
  for (const [variant, sig] of variants) {
    test(`recognises variant ${variant} (upper- or lower-case hex)`, () => {
      assert.deepEqual(verifyClickToCallSignature(sig.toUpperCase(), key, raw), { status: 'matched', variant });
      assert.equal(verifyClickToCallSignature(sig, key, raw).variant, variant);
    });
  }
  test('body-order variant differs from the fixed order when fields come in another order', () => {
    const reordered = JSON.stringify({ uid: body.uid, srcNumber: body.srcNumber, destNumber: body.destNumber });
    const sig = md5(key + body.uid + body.srcNumber + body.destNumber);
    assert.equal(verifyClickToCallSignature(sig, key, reordered).variant, 'key+bodyOrder');
  });
  test('recognises sorted values (distinct from sorted keys when a uid sorts between numbers)', () => {
    const b = { srcNumber: '300', destNumber: '+79161234567', uid: '1op@acc' };
    const sig = md5(key + '+79161234567' + '1op@acc' + '300');
    assert.equal(verifyClickToCallSignature(sig, key, JSON.stringify(b)).variant, 'key+sortedValues');
  });
  test('wrong key, missing header, garbage header', () => {
    assert.deepEqual(verifyClickToCallSignature(signClickToCall('other-key', body), key, raw), { status: 'mismatch', variant: null });
    assert.deepEqual(verifyClickToCallSignature(undefined, key, raw), { status: 'missing', variant: null });
    assert.deepEqual(verifyClickToCallSignature('zz', key, raw), { status: 'mismatch', variant: null });
  });
  test('the documentation example signature matches no variant (as the reference found)', () => {
    assert.equal(verifyClickToCallSignature('802EFD4A933386248031D2928612A13F', key, raw).status, 'mismatch');
  });
  test('signClickToCall produces the primary variant in upper case', () => {
    const sig = signClickToCall(key, body);
    assert.match(sig, /^[0-9A-F]{32}$/);
    assert.equal(verifyClickToCallSignature(sig, key, raw).variant, 'key+src+dest+uid');
    assert.equal(signatureCandidates(key, raw).length, 7);
  });
});

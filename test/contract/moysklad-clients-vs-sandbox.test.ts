// Our MoySklad clients against the MoySklad sandbox over real HTTP (gzip, auth, wire quirks).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMemoryPhoneDirectory, createPhoneSandbox, type PhoneSandbox } from '../../src/sandbox/moysklad/phone/index.ts';
import {
  AuthError,
  JsonApiClient,
  NotFoundError,
  PhoneApiClient,
  parseClickToCall,
  recordingGate,
  verifyClickToCallSignature,
  type SignatureCheck,
} from '../../src/moysklad/index.ts';

const KEY = 'd03627d59c1948a0f9a6aa1e267c954bfd0301ec';
const REMAP = 'https://api.moysklad.ru/api/remap/1.2/entity';
const ANNA = { id: '11111111-0000-4000-8000-000000000101', name: 'Анна', extension: '101', uid: 'anna@acme' };
const BORIS = { id: '11111111-0000-4000-8000-000000000102', name: 'Борис', extension: '102', uid: 'boris@acme' };
const CP_ID = '22222222-0000-4000-8000-000000000001';

let app: FastifyInstance;
let phone: PhoneSandbox;
let base = '';
let provider: Server;
const received: Array<{ body: string; check: SignatureCheck; parsed: ReturnType<typeof parseClickToCall> }> = [];

before(async () => {
  const directory = createMemoryPhoneDirectory([
    {
      id: 'acc-a',
      settings: { apiKey: KEY },
      employees: [ANNA, BORIS].map((e) => ({ ...e, href: `${REMAP}/employee/${e.id}` })),
      counterparties: [{ id: CP_ID, href: `${REMAP}/counterparty/${CP_ID}`, name: 'ООО Ромашка', ownerId: BORIS.id, phones: ['+7 (495) 999-99-99'] }],
    },
  ]);
  // Our click-to-call endpoint stand-in: parse + verify exactly as the real hook will.
  provider = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['lognex-content-md5'];
      received.push({ body, parsed: parseClickToCall(body), check: verifyClickToCallSignature(Array.isArray(header) ? header[0] : header, KEY, body) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/hooks/ms/c2c`;
  const acc = directory.accounts[0];
  if (acc) acc.settings.providerUrl = providerUrl;

  phone = createPhoneSandbox({ directory });
  app = Fastify({ logger: false });
  await app.register(phone.plugin, { prefix: '/api/phone/1.0' });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  base = `${address}/api/phone/1.0`;
});

after(async () => {
  await app.close();
  provider.closeAllConnections();
  await new Promise<void>((resolve) => provider.close(() => resolve()));
});

const client = (token = KEY, gate = recordingGate()) => new PhoneApiClient({ baseUrl: base, token, principal: 'acc-a:phone', gate });

describe('PhoneApiClient vs Phone API sandbox', () => {
  test('employees by extension (extention filter) and key check', async () => {
    const c = client();
    const anna = await c.findEmployeeByExtension('101');
    assert.equal(anna?.employeeId, ANNA.id);
    assert.equal(anna?.extension, '101');
    assert.equal(await c.findEmployeeByExtension('999'), null);
    const all = await c.listEmployees();
    assert.deepEqual(all.map((e) => e.extension).sort(), ['101', '102']);
    await assert.rejects(client('wrong-key').listEmployees(), AuthError);
  });

  test('incoming call lifecycle: create with SHOW, answer, hang up, recording', async () => {
    const c = client();
    const ext = `uis-${Date.now()}`;
    assert.equal(await c.findByExternalId(ext), null, 'probe before create sees 404');
    const created = await c.createCall({
      externalId: ext,
      number: '+74959999999',
      isIncoming: true,
      startTime: new Date(),
      events: [{ eventType: 'SHOW', extension: '101', sequence: 1 }, { eventType: 'SHOW', extension: '102', sequence: 2 }],
    });
    assert.ok(created.id);
    assert.equal(created.isIncoming, true);
    assert.equal(created.counterparty?.href, `${REMAP}/counterparty/${CP_ID}`, 'sandbox links the counterparty by number');
    assert.equal(phone.visibleCards('acc-a', '101').length, 1);

    await c.sendEventByExternalId(ext, { eventType: 'STARTTIME', extension: '101', sequence: 3 });
    await c.sendEvent(created.id, { eventType: 'HIDE', extension: '102', sequence: 4 });
    assert.equal(phone.visibleCards('acc-a', '102').length, 0);
    await c.updateCallByExternalId(ext, { extension: '101' });

    const ended = await c.updateCall(created.id, {
      endTime: new Date(),
      durationMs: 42_000,
      comment: 'Входящий, отвечен',
      events: [{ eventType: 'HIDE_ALL', sequence: 5 }],
    });
    assert.equal(ended.extension, '101');
    assert.equal(phone.visibleCards('acc-a', '101').length, 0);

    await c.updateCallByExternalId(ext, { recordUrl: ['https://rec.example/a.mp3'] });
    const again = await c.updateCallByExternalId(ext, { recordUrl: ['https://rec.example/b.mp3'] });
    assert.deepEqual(again.recordUrl, ['https://rec.example/a.mp3', 'https://rec.example/b.mp3'], 'recordUrl appends');

    const probed = await c.findByExternalId(ext);
    assert.equal(probed?.id, created.id);
    assert.equal(probed?.comment, 'Входящий, отвечен', 'the probe does not change the comment');
    const read = await c.getCall(created.id);
    assert.equal(read.externalId, ext);
    assert.equal(phone.duplicates('acc-a').length, 0);
  });

  test('unknown call id → NotFoundError', async () => {
    await assert.rejects(client().getCall('00000000-0000-4000-8000-000000000000'), NotFoundError);
  });

  test('click-to-call from the sandbox is parsed and its signature recognised', async () => {
    received.length = 0;
    await phone.clickToCall('acc-a', '101', '+79990001122');
    assert.equal(received.length, 1);
    const r = received[0]!;
    assert.ok(r.parsed.ok);
    assert.deepEqual(r.parsed.value, { srcNumber: '101', destNumber: '+79990001122', uid: 'anna@acme' });
    assert.equal(r.check.status, 'matched');
    for (const variant of ['src+dest+uid+key', 'key+sorted-values', 'key+raw-body'] as const) {
      received.length = 0;
      await phone.clickToCall('acc-a', '101', '+79990001122', { variant });
      assert.equal(received[0]?.check.status, 'matched', `sandbox variant ${variant}`);
    }
  });
});

describe('JsonApiClient vs JSON API sandbox', async () => {
  const { startMoyskladSandbox, defaultCredentials } = await import('../../src/sandbox/moysklad/index.ts');
  const sb = await startMoyskladSandbox({ seed: { orders: 1200, seed: 3 } });
  after(() => sb.close());
  const cr = defaultCredentials('sandbox');
  const json = (auth: ConstructorParameters<typeof JsonApiClient>[0]['auth']) =>
    new JsonApiClient({ baseUrl: sb.baseJsonUrl, principal: 'sandbox:json', auth });
  const c = json({ kind: 'bearer', token: cr.solutionToken });

  test('paging walks full 1000-row pages', async () => {
    const sizes: number[] = [];
    for await (const p of c.pages('customerorder')) sizes.push(p.rows.length);
    assert.deepEqual(sizes, [1000, 200]);
  });

  test('getByIds, phone search, states, employees', async () => {
    const cps = await c.list('counterparty', { limit: 3 });
    assert.equal((await c.getByIds('counterparty', cps.rows.map((r) => r.id))).length, cps.rows.length);
    const withPhone = cps.rows.find((r) => r.phone);
    assert.ok(withPhone?.phone);
    const found = await c.findCounterpartiesByPhone(withPhone.phone);
    assert.ok(found.some((m) => m.counterparty.id === withPhone.id));
    assert.ok((await c.getStates('customerorder')).length > 0);
    assert.ok((await c.listEmployees()).length > 0);
  });

  test('create with syncId is idempotent; webhooks create/list/delete', async () => {
    const syncId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const a = await c.create('counterparty', { name: 'Контракт', phone: '+7 916 000 11 22' }, { syncId });
    const b = await c.create('counterparty', { name: 'Контракт', phone: '+7 916 000 11 22' }, { syncId });
    assert.equal(a.id, b.id);
    const wh = await c.createWebhook({ url: 'https://h.example/ms', action: 'UPDATE', entityType: 'customerorder' });
    assert.ok((await c.listWebhooks()).some((w) => w.id === wh.id));
    await c.deleteWebhook(wh.id);
    assert.ok(!(await c.listWebhooks()).some((w) => w.id === wh.id));
  });

  test('Basic auth works; a wrong password is an AuthError', async () => {
    // The seeded sandbox has counterparties: Basic auth must see them, not an empty page.
    assert.equal((await json({ kind: 'basic', login: cr.login, password: cr.password }).list('counterparty', { limit: 1 })).rows.length, 1);
    await assert.rejects(json({ kind: 'basic', login: cr.login, password: 'wrong' }).list('counterparty', { limit: 1 }), AuthError);
  });
});

// Issue 5 items 1, 2, 5, 6 over real HTTP against both sandboxes, on PGlite and PostgreSQL:
// connection check, employee sync, click-to-call end to end, routing to the personal manager.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signClickToCall } from '../../src/moysklad/index.ts';
import { phoneKey } from '../../src/phone/index.ts';
import { postgresSkip } from '../helpers/postgres.ts';
import { msEmployeesWithExtension, startTelephonyWorld, until, type TelephonyWorld } from './telephony-setup.ts';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`telephony on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let w: TelephonyWorld;
    const path = () => `/api/v1/integrations/${w.integrationId}`;
    const routingUrl = (numa: string) => `${w.app.url}/hooks/uis/${w.secret}/routing?numa=${encodeURIComponent(numa)}`;
    const route = async (numa: string): Promise<any> => (await fetch(routingUrl(numa))).json();
    const msEmployee = (ext: string) => msEmployeesWithExtension(w.ms).find((e) => e.extension === ext)!;

    before(async () => {
      w = await startTelephonyWorld(kind);
    });
    after(async () => {
      await w?.close();
    });

    test('check connection: every link ok with good keys; a bad key is named precisely', async () => {
      const good = await w.api.req('GET', `${path()}/check`);
      assert.equal(good.status, 200);
      assert.equal(good.json.ok, true, good.text);
      assert.deepEqual(good.json.links.map((l: any) => [l.link, l.status]), [['phoneKey', 'ok'], ['moysklad', 'ok'], ['uis', 'ok']]);
      assert.equal(good.json.webhookUrl, w.webhookUrl);

      const badPhone = await w.api.req('POST', '/api/v1/credentials', { kind: 'moysklad-phone-key', name: 'старый ключ', secret: 'revoked-phone-key-0001' });
      const badUis = await w.api.req('POST', '/api/v1/credentials', { kind: 'uis-api-key', name: 'чужой ключ', secret: 'not-a-uis-key' });
      const broken = await w.api.req('POST', '/api/v1/integrations', {
        kind: 'moysklad-telephony',
        active: true,
        credentialIds: { phoneKey: badPhone.json.id, uis: badUis.json.id },
      });
      const r = await w.api.req('GET', `/api/v1/integrations/${broken.json.id}/check`);
      assert.equal(r.json.ok, false);
      const by = Object.fromEntries(r.json.links.map((l: any) => [l.link, l]));
      assert.equal(by.phoneKey.status, 'error');
      assert.match(by.phoneKey.message, /отклонил ключ доступа «Телефонии» \(HTTP 401/);
      assert.equal(by.moysklad.status, 'skipped');
      assert.equal(by.uis.status, 'error');
      assert.match(by.uis.message, /Неверный ключ доступа UIS.*access_token_invalid/);
      assert.ok(!w.app.logs.join('').includes('revoked-phone-key-0001'));
      await w.api.req('DELETE', `/api/v1/integrations/${broken.json.id}`);
    });

    test('employee sync: matched by extension, e-mail and phone; override survives refresh; unmatched listed', async () => {
      const extras = msEmployeesWithExtension(w.ms).filter((e) => !['101', '102', '103', '104'].includes(e.extension));
      const byEmail = extras.find((e) => e.email)!;
      const byPhone = extras.find((e) => e !== byEmail && phoneKey(e.phone))!;
      assert.ok(byEmail && byPhone, 'sandbox seed has employees beyond 104');
      w.uis.control.addEmployee({ id: 2001, first_name: 'Ева', last_name: 'Почтова', email: byEmail.email.toUpperCase(), extension: '901', phone_numbers: [{ phone_number: '79160000901', status: 'active' }], operator_login: null });
      w.uis.control.addEmployee({ id: 2002, first_name: 'Фёдор', last_name: 'Телефонов', email: null, extension: '902', phone_numbers: [{ phone_number: phoneKey(byPhone.phone)!, status: 'active' }], operator_login: null });
      w.uis.control.addEmployee({ id: 2003, first_name: 'Никто', last_name: 'Лишний', email: 'nobody@uis.example', extension: '903', phone_numbers: [], operator_login: null });

      const r = await w.api.req('POST', `${path()}/employees/refresh`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.error, null);
      const link = (msId: string) => r.json.matched.find((m: any) => m.moysklad.employeeId === msId);
      assert.deepEqual([link(msEmployee('101').id).uis.employeeId, link(msEmployee('101').id).matchedBy], [1001, 'extension']);
      assert.deepEqual([link(byEmail.id).uis.employeeId, link(byEmail.id).matchedBy], [2001, 'email']);
      assert.deepEqual([link(byPhone.id).uis.employeeId, link(byPhone.id).matchedBy], [2002, 'phone']);
      assert.ok(r.json.unmatchedUis.some((u: any) => u.employeeId === 2003));
      assert.ok(link(byEmail.id).moysklad.name, 'names come from the JSON API');

      // Manual: MoySklad 101 rings UIS 1004 (taken from 104, who becomes unmatched).
      const put = await w.api.req('PUT', `${path()}/employees/${msEmployee('101').id}`, { uisEmployeeId: 1004 });
      assert.equal(put.status, 200, put.text);
      const again = await w.api.req('POST', `${path()}/employees/refresh`);
      const l101 = again.json.matched.find((m: any) => m.moysklad.employeeId === msEmployee('101').id);
      assert.deepEqual([l101.uis.employeeId, l101.matchedBy], [1004, 'manual']);
      assert.ok(again.json.unmatchedMoysklad.some((m: any) => m.employeeId === msEmployee('104').id));
      assert.equal((await w.api.req('PUT', `${path()}/employees/${msEmployee('101').id}`, { uisEmployeeId: 999999 })).status, 400);
      // Back to automatic.
      const auto = await w.api.req('PUT', `${path()}/employees/${msEmployee('101').id}`, { uisEmployeeId: 'auto' });
      assert.equal(auto.json.matched.find((m: any) => m.moysklad.employeeId === msEmployee('101').id).uis.employeeId, 1001);
    });

    test('click-to-call: MoySklad → Webhook URL → UIS start.employee_call (employee first, out, external_id)', async () => {
      const before = w.uis.control.employeeCalls.length;
      const attempt = await w.ms.phone.clickToCall(w.msAccountId, '102', '+7 (916) 555-44-33');
      assert.equal(attempt.status, 200);
      assert.ok(attempt.durationMs < 1000, `answered in ${attempt.durationMs} ms`);
      const t0 = performance.now();
      await until('UIS receives start.employee_call', () => w.uis.control.employeeCalls.length > before);
      const call = w.uis.control.employeeCalls.at(-1)!;
      console.log(`# click-to-call: answered in ${attempt.durationMs.toFixed(1)} ms; UIS called ${(performance.now() - t0 + attempt.durationMs).toFixed(0)} ms after the click`);
      assert.equal(call.direction, 'out');
      assert.equal(call.directionWasExplicit, true);
      assert.equal(call.firstCall, 'employee');
      assert.equal(call.employee.id, 1002);
      assert.equal(call.contact, '79165554433');
      assert.equal(call.virtualPhoneNumber, '74950000001');
      assert.match(call.externalId ?? '', /^ms-c2c-\d+$/);
      let log: any;
      await until('log says started', async () => {
        log = (await w.api.req('GET', `${path()}/click-to-call`)).json[0];
        return log?.status === 'started';
      });
      assert.equal(log.uisCallSessionId, call.callSessionId);
      assert.equal(log.signature, 'matched');
      assert.equal(log.srcNumber, '102');
    });

    test('click-to-call: bad signature is logged only by default and rejected with enforce; failures carry a reason', async () => {
      const post = (sig: string | undefined, body: object) =>
        fetch(w.webhookUrl.replace(/^http:\/\/127\.0\.0\.1:\d+/, w.app.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(sig ? { 'lognex-content-md5': sig } : {}) },
          body: JSON.stringify(body),
        });
      const latest = async () => (await w.api.req('GET', `${path()}/click-to-call?limit=1`)).json[0];
      let seen = (await latest())?.id ?? 0;
      // The newest row after the last one we looked at, once it has an outcome.
      const settle = async () => {
        let row: any;
        await until('click-to-call settles', async () => ((row = await latest()), row && row.id > seen && !['queued', 'dialing'].includes(row.status)));
        seen = row.id;
        return row;
      };
      const body = { srcNumber: '103', destNumber: '89165554400', uid: msEmployee('103').uid };
      assert.equal((await post('0'.repeat(32), body)).status, 200);
      let row = await settle();
      assert.deepEqual([row.status, row.signature], ['started', 'mismatch']);

      await w.api.req('PATCH', path(), { settings: { clickToCallSignature: 'enforce' } });
      const calls = w.uis.control.employeeCalls.length;
      await post('0'.repeat(32), body);
      row = await settle();
      assert.equal(row.status, 'rejected');
      assert.match(row.reason, /Lognex-Content-MD5 не совпала/);
      const key = w.ms.control.accounts.get('sandbox')!.phoneKey;
      await post(signClickToCall(key, body), body);
      row = await settle();
      assert.deepEqual([row.status, row.signature], ['started', 'matched']);
      assert.equal(w.uis.control.employeeCalls.length, calls + 1, 'only the signed request dialled');
      await w.api.req('PATCH', path(), { settings: { clickToCallSignature: 'log' } });

      // An extension nobody in UIS has.
      const unmapped = { srcNumber: '777', destNumber: '+79165554401', uid: 'ghost@sandbox' };
      await post(signClickToCall(key, unmapped), unmapped);
      row = await settle();
      assert.equal(row.status, 'failed');
      assert.match(row.reason, /добавочным 777.*не сопоставлен/);
      // UIS refuses: the reason is UIS's, in Russian.
      w.uis.control.failNext({ api: 'call', method: 'start.employee_call', mnemonic: 'contact_in_blacklist' });
      await post(signClickToCall(key, body), body);
      row = await settle();
      assert.equal(row.status, 'failed');
      assert.match(row.reason, /чёрном списке.*contact_in_blacklist/);
    });

    test('routing: cold lookup bounded by the timeout, then answered from the index', async () => {
      const account = w.ms.control.admin.account('sandbox');
      const seeded = account.data
        .col('counterparty')
        .all()
        .find((c) => c['archived'] !== true && phoneKey(c['phone']) && !((c['_contactpersons'] as unknown[]) ?? []).length)!;
      const number = phoneKey(seeded['phone'])!;
      await w.api.req('PATCH', path(), { settings: { routingColdLookupTimeoutMs: 200 } });
      w.ms.control.latency.setDefault(1200);
      const t0 = performance.now();
      const slow = await route(number);
      const took = performance.now() - t0;
      w.ms.control.latency.clear();
      assert.deepEqual(slow, { returned_code: 1 });
      assert.ok(took < 800, `answered in ${took.toFixed(0)} ms despite a 1200 ms MoySklad`);
      // The lookup finishes in the background and lands in the index.
      await until('cold result indexed', async () => (await w.api.req('GET', `${path()}/routing/test?phone=${number}`)).json.source === 'index');
      const t = (await w.api.req('GET', `${path()}/routing/test?phone=${number}`)).json;
      assert.equal(t.counterparty.id, seeded.id);
      await w.api.req('PATCH', path(), { settings: { routingColdLookupTimeoutMs: 800 } });
    });

    test('routing: known client → owner phones; unknown → returned_code; reassigned owner via webhook → new manager', async () => {
      const href = (id: string) => `${w.ms.baseJsonUrl}/entity/employee/${id}`;
      const owner = (ext: string) => ({ meta: { href: href(msEmployee(ext).id), type: 'employee', mediaType: 'application/json' } });
      const cp = w.ms.control.admin.create('sandbox', 'counterparty', {
        name: 'ООО Ромашка',
        phone: '+7 (926) 111-22-33',
        owner: owner('102'),
        contactpersons: [{ name: 'Иван', phone: '8 903 777-66-55' }],
      });
      const refreshed = await w.api.req('POST', `${path()}/routing/refresh`);
      assert.equal(refreshed.status, 200);
      assert.equal(refreshed.json.ok, true, refreshed.text);
      assert.ok(refreshed.json.entries > 10);

      assert.deepEqual(await route('79261112233'), { phones: ['79161110102'] });
      assert.deepEqual(await route('+7 903 777 66 55'), { phones: ['79161110102'] }, 'contact person phone');
      assert.deepEqual(await route('79990000000'), { returned_code: 1 });
      await w.api.req('PATCH', path(), { settings: { routingReturnedCode: 7 } });
      await new Promise((r) => setTimeout(r, 3100)); // integration cache TTL
      assert.deepEqual(await route('79990000001'), { returned_code: 7 });
      const post = await fetch(`${w.app.url}/hooks/uis/${w.secret}/routing`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'numa=79261112233&numb=74950000001' });
      assert.deepEqual(await post.json(), { phones: ['79161110102'] });

      // The manager changes in MoySklad; the webhook updates the index.
      w.ms.control.admin.update('sandbox', 'counterparty', String(cp.id), { owner: owner('103') });
      await w.ms.control.webhooks.idle();
      await until('reassigned owner routes to the new manager', async () => JSON.stringify(await route('79261112233')) === JSON.stringify({ phones: ['79161110103'] }));
      const why = (await w.api.req('GET', `${path()}/routing/test?phone=89261112233`)).json;
      assert.equal(why.counterparty.name, 'ООО Ромашка');
      assert.match(why.reason, /Ромашка/);
      // Deleted → unknown again.
      w.ms.control.admin.delete('sandbox', 'counterparty', String(cp.id));
      await w.ms.control.webhooks.idle();
      await until('deleted client is unknown', async () => (await route('79261112233')).returned_code === 7);
      // Every routing request is in the inbox for audit.
      await until('routing audit written', async () => {
        const r = await w.api.req('GET', `/api/v1/inbox?integrationId=${w.integrationId}&limit=200`);
        const items: any[] = Array.isArray(r.json) ? r.json : (r.json?.items ?? []);
        return items.some((i) => i.source === 'uis-routing' && i.status === 'processed');
      });
      const notifications = await w.api.req('GET', `${path()}/uis-notifications`);
      assert.equal(notifications.status, 200);
      assert.ok(notifications.json.notifications.length > 0);
      assert.match(notifications.json.routingUrl, /\/routing$/);
    });
  });
}

// Rules (issue 6) end to end: UIS simulator → our hook → call session → rules.evaluate → MoySklad
// sandbox, on PGlite and PostgreSQL. Counterparties, tasks, orders and extra fields are checked in
// the sandbox's own store; nothing here mocks the program.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { tables } from '../../src/db/index.ts';
import { JsonApiClient, passThroughGate } from '../../src/moysklad/index.ts';
import { phoneKey } from '../../src/phone/index.ts';
import { rulesEvaluatorFor, RulesStore } from '../../src/rules/index.ts';
import type { CallTruth } from '../../src/sandbox/uis/index.ts';
import { postgresSkip } from '../helpers/postgres.ts';
import { extOf, startCallsWorld, until, type CallsWorld } from './telephony-calls.helpers.ts';

const kinds = ['pglite', 'postgres'] as const;

for (const kind of kinds) {
  describe(`rules on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let w: CallsWorld;
    let ms: JsonApiClient;
    let jsonCredentialId: string;
    let solutionToken: string;
    // Fresh client numbers per test (the sandbox seed uses other ranges).
    let seq = Math.floor(Math.random() * 9_000_000);
    const newNumber = () => `7926${String(++seq).padStart(7, '0')}`;

    const account = () => w.sandbox.control.admin.account('sandbox');
    const counterpartiesWith = (phone: string) => {
      const key = phoneKey(phone);
      return account()
        .data.col('counterparty')
        .all()
        .filter((c) => phoneKey(String(c['phone'] ?? '')) === key);
    };
    const tasksOf = (counterpartyId: string) =>
      account()
        .data.col('task')
        .all()
        .filter((t) => String((t['agent'] as { id?: string } | undefined)?.id ?? JSON.stringify(t['agent'] ?? '')).includes(counterpartyId));
    const marks = async (truth: CallTruth) => {
      const t = tables.ruleApplications;
      const rows = await w.app.ctx.database.db
        .select()
        .from(t)
        .where(and(eq(t.integrationId, w.integrationId), eq(t.commKey, `call:${truth.callSessionId}`)));
      return new Map(rows.map((r) => [r.action, r]));
    };
    const evaluated = (truth: CallTruth, action = 'context') => until(`rules evaluated for ${truth.callSessionId} (${action})`, async () => (await marks(truth)).has(action), 15_000);
    const accountId = async () => (await w.app.ctx.integrationsRepo.findByHookSecret(w.hookBase.split('/').pop()!))!.accountId;
    const rulesUrl = () => `/api/v1/integrations/${w.integrationId}/rules`;
    const activity = async () => (await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}/activity?limit=500`)).json.items as Array<{ kind: string; message: string; links: Array<{ url: string; type?: string; id?: string }>; communicationRef: string }>;

    before(async () => {
      w = await startCallsWorld({ db: kind });
      const info = w.sandbox.control.accounts.get('sandbox')!;
      // The JSON API credential the rules act with (a solution token: weight 1).
      const cred = await w.admin.req('POST', '/api/v1/credentials', { kind: 'moysklad-token', name: 'JSON API', secret: info.solutionToken });
      assert.equal(cred.status, 201, cred.text);
      jsonCredentialId = cred.json.id;
      solutionToken = info.solutionToken;
      const integ = (await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}`)).json;
      const patched = await w.admin.req('PATCH', `/api/v1/integrations/${w.integrationId}`, { credentialIds: { ...integ.credentialIds, moysklad: cred.json.id } });
      assert.equal(patched.status, 200, patched.text);
      ms = new JsonApiClient({ auth: { kind: 'bearer', token: info.solutionToken }, baseUrl: w.sandbox.baseJsonUrl, gate: passThroughGate, principal: 'test' });
    });
    after(async () => {
      await w?.close();
    });

    test('a new integration gets the default rules: counterparty for a new number, task for a missed call, no orders', async () => {
      const r = await w.admin.req('GET', `/api/v1/integrations/${w.integrationId}/rules`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.isDefault, true);
      const actions = r.json.rules.map((x: { actions: Record<string, unknown> }) => Object.keys(x.actions).sort().join('+'));
      assert.deepEqual(actions, ['counterparty', 'task']);
      assert.ok(r.json.rules.every((x: { actions: { order?: unknown } }) => x.actions.order === undefined));
      assert.equal(r.json.settings.excludeInternal, true);
    });

    test('preview answers from the rules alone: the sandbox sees no request', async () => {
      const before = JSON.stringify(w.sandbox.control.counters.get());
      const r = await w.admin.req('POST', `/api/v1/integrations/${w.integrationId}/rules/preview`, {
        communication: { direction: 'in', outcome: 'missed', contactPhone: '+7 926 000-11-22', virtualNumber: '74950000001' },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.actions.map((a: { kind: string }) => a.kind), ['counterparty', 'task']);
      assert.match(r.json.actions[1].details.description, /\+7 \(926\) 000-11-22/);
      const internal = await w.admin.req('POST', `/api/v1/integrations/${w.integrationId}/rules/preview`, { communication: { internal: true, contactPhone: '101' } });
      assert.equal(internal.json.plan.excluded.reason, 'internal');
      assert.deepEqual(internal.json.actions, []);
      const bad = await w.admin.req('POST', `/api/v1/integrations/${w.integrationId}/rules/preview`, { communication: { outcome: 'maybe' } });
      assert.equal(bad.status, 400);
      assert.equal(JSON.stringify(w.sandbox.control.counters.get()), before, 'preview must not call MoySklad');
    });

    test('the per-number lock admits one evaluation at a time', async () => {
      const store = new RulesStore(w.app.ctx.database.db);
      const accountId = (await w.app.ctx.integrationsRepo.findByHookSecret(w.hookBase.split('/').pop()!))!.accountId;
      const [a, b] = await Promise.all([store.lockPhone(accountId, '79260000000'), store.lockPhone(accountId, '79260000000')]);
      assert.equal([a, b].filter(Boolean).length, 1, 'exactly one holder');
      const held = (a ?? b)!;
      assert.equal(await store.lockPhone(accountId, '79260000000'), undefined);
      await store.unlockPhone(accountId, '79260000000', held.token, { msCounterpartyId: 'cp-1' });
      const again = await store.lockPhone(accountId, '79260000000');
      assert.equal(again?.msCounterpartyId, 'cp-1');
    });

    test('two simultaneous calls from one new number create one counterparty, not two', async () => {
      const phone = newNumber();
      const [a, b] = await Promise.all([
        w.sim.play('incoming_answered', { contact: phone, employees: [1001] }),
        w.sim.play('incoming_answered', { contact: phone, employees: [1002] }),
      ]);
      await evaluated(a.truth as CallTruth, 'counterparty');
      await evaluated(b.truth as CallTruth, 'counterparty');
      const found = counterpartiesWith(phone);
      assert.equal(found.length, 1, `one counterparty for ${phone}, got ${found.length}`);
      const ma = (await marks(a.truth as CallTruth)).get('counterparty')!.result as { id: string };
      const mb = (await marks(b.truth as CallTruth)).get('counterparty')!.result as { id: string };
      assert.equal(ma.id, found[0]!.id);
      assert.equal(mb.id, found[0]!.id);
      const created = (await activity()).filter((e) => e.kind === 'counterparty.created' && e.links.some((l) => l.id === found[0]!.id));
      assert.equal(created.length, 1);
      assert.match(created[0]!.links[0]!.url, /^https:\/\/online\.moysklad\.ru\/app\/#company\/edit\?id=|uuidHref|http/);
    });

    test('a missed call becomes a task for the counterparty owner; the answered callback closes it', async () => {
      const phone = newNumber();
      const owner = account().data.col('employee').all().find((e) => e['archived'] !== true)!;
      const cp = await ms.create('counterparty', { name: 'Клиент с ответственным', phone: `8 ${phone.slice(1, 4)} ${phone.slice(4)}`, owner: ms.ref('employee', owner.id) });
      const missed = await w.sim.play('incoming_lost', { contact: phone, employees: [1003] });
      await evaluated(missed.truth as CallTruth, 'task');
      const taskMark = (await marks(missed.truth as CallTruth)).get('task')!;
      assert.equal(taskMark.status, 'done', JSON.stringify(taskMark.result));
      const taskId = (taskMark.result as { id: string }).id;
      const task = await ms.getById('task', taskId);
      assert.equal(task.assignee?.meta.href.endsWith(owner.id), true, 'assigned to the owner');
      assert.equal(task.agent?.meta.href.endsWith(cp.id), true, 'linked to the counterparty');
      assert.equal(task.done ?? false, false);
      assert.equal(counterpartiesWith(phone).length, 1, 'the existing counterparty is used (8… spelling), no duplicate');

      const callback = await w.sim.play('outgoing', { contact: phone, employees: [1003] });
      await evaluated(callback.truth as CallTruth, 'context');
      await until('task closed in MoySklad', async () => (await ms.getById('task', taskId)).done === true, 10_000);
      // The log line follows the MoySklad write within the same evaluation.
      await until('task.closed in the activity log', async () =>
        (await activity()).some((e) => e.kind === 'task.closed' && e.communicationRef === `call:${(callback.truth as CallTruth).callSessionId}` && e.links.some((l) => l.id === taskId)),
      );
      assert.ok((await activity()).some((e) => e.kind === 'task.created' && e.links.some((l) => l.id === taskId)));
    });

    test('a missed call from a new number: counterparty created, task for the last ringing employee', async () => {
      const phone = newNumber();
      const missed = await w.sim.play('incoming_lost', { contact: phone, employees: [1002] });
      await evaluated(missed.truth as CallTruth, 'task');
      const m = await marks(missed.truth as CallTruth);
      const cps = counterpartiesWith(phone);
      assert.equal(cps.length, 1);
      const task = await ms.getById('task', (m.get('task')!.result as { id: string }).id);
      const assignee = task.assignee!.meta.href.split('/').pop()!;
      const owner = (cps[0]!['owner'] as { id?: string } | undefined)?.id;
      const rangExt = account().data.extensions;
      // Chain: counterparty owner → last ringing employee (UIS 1002 → extension → MoySklad employee).
      const expected = owner ?? [...rangExt.entries()].find(([, ext]) => ext === extOf(1002))?.[0];
      assert.equal(assignee, expected);
    });

    test('rules by virtual number put orders into different stages; extra fields filled and not overwritten; own numbers and internal calls ignored', async () => {
      const states = await ms.getStates('customerorder');
      assert.ok(states.length >= 2);
      const [s1, s2] = [states[0]!, states[1]!];
      const own = newNumber();
      const put = await w.admin.req('PUT', `/api/v1/integrations/${w.integrationId}/rules`, {
        rules: [
          { id: 'cp', name: 'Контрагент', conditions: { directions: ['in'] }, actions: { counterparty: { mode: 'find_or_create', tags: ['звонок'] } } },
          {
            id: 'orders',
            name: 'Заказ по номеру',
            conditions: { directions: ['in'], outcomes: ['answered'] },
            actions: {
              order: {
                mode: 'always',
                stateId: s1.id,
                overrides: [{ virtualNumbers: ['+7 495 000-00-02'], stateName: s2.name }],
              },
            },
          },
          { id: 'missed', name: 'Пропущенный', conditions: { outcomes: ['missed'] }, actions: { task: { assignee: ['last_rang'] } } },
        ],
        settings: {
          ownNumbers: [own],
          createMissingFields: true,
          fields: [
            { source: 'site', entity: 'counterparty', attribute: 'Сайт обращения' },
            { source: 'visitor_city', entity: 'counterparty', attribute: 'Город посетителя' },
            { source: 'virtual_number', entity: 'customerorder', attribute: 'Виртуальный номер' },
          ],
        },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal((await w.admin.req('PUT', `/api/v1/integrations/${w.integrationId}/rules`, { rules: [{ id: 'x', name: 'x', actions: {}, conditions: { outcomes: ['maybe'] } }] })).status, 400);

      const p1 = newNumber();
      const p2 = newNumber();
      const [c1, c2] = await Promise.all([
        w.sim.play('incoming_answered', { contact: p1, virtualPhoneNumber: '74950000001', employees: [1001] }),
        w.sim.play('incoming_answered', { contact: p2, virtualPhoneNumber: '74950000002', employees: [1001] }),
      ]);
      const t1 = c1.truth as CallTruth;
      const t2 = c2.truth as CallTruth;
      await evaluated(t1, 'order');
      await evaluated(t2, 'order');
      const o1 = await ms.getById('customerorder', ((await marks(t1)).get('order')!.result as { id: string }).id);
      const o2 = await ms.getById('customerorder', ((await marks(t2)).get('order')!.result as { id: string }).id);
      assert.equal(o1.state?.meta.href.split('/').pop(), s1.id);
      assert.equal(o2.state?.meta.href.split('/').pop(), s2.id);
      assert.equal(o1.attributes?.find((a) => a.name === 'Виртуальный номер')?.value, '74950000001');

      // Extra fields from UIS enrichment (get.calls_report) on the counterparty.
      await evaluated(t1, 'fields:counterparty');
      const cp1 = counterpartiesWith(p1)[0]!;
      const attrs = async () => (await ms.getById('counterparty', cp1.id)).attributes ?? [];
      const val = async (name: string) => (await attrs()).find((a) => a.name === name)?.value;
      assert.equal(await val('Сайт обращения'), t1.attribution['site_domain_name']);
      assert.equal(await val('Город посетителя'), t1.attribution['visitor_city']);
      assert.deepEqual((await ms.getById('counterparty', cp1.id)).tags, ['звонок']);

      // A user edits a field; the next call must not overwrite it.
      const cityDef = (await attrs()).find((a) => a.name === 'Город посетителя')!;
      await ms.update('counterparty', cp1.id, { attributes: [{ ...ms.attributeRef('counterparty', cityDef.id!), value: 'Указан вручную' }] });
      const again = await w.sim.play('incoming_answered', { contact: p1, virtualPhoneNumber: '74950000001', employees: [1001] });
      await evaluated(again.truth as CallTruth, 'fields:counterparty');
      assert.equal(await val('Город посетителя'), 'Указан вручную');
      const kept = (await marks(again.truth as CallTruth)).get('fields:counterparty')!.result as { kept: string[] };
      assert.deepEqual(kept.kept, ['Город посетителя']);
      assert.equal(counterpartiesWith(p1).length, 1);

      // Own number: nothing at all, told once in the activity log.
      const ownCall = await w.sim.play('incoming_lost', { contact: own, employees: [1001] });
      await evaluated(ownCall.truth as CallTruth, 'excluded');
      assert.equal(counterpartiesWith(own).length, 0);
      assert.ok((await activity()).some((e) => e.kind === 'rules.skipped' && e.communicationRef === `call:${(ownCall.truth as CallTruth).callSessionId}`));

      // Internal call: excluded, no MoySklad write.
      const internal = await w.sim.play('internal', { employees: [1001, 1002] });
      await evaluated(internal.truth as CallTruth, 'excluded');
      assert.equal(((await marks(internal.truth as CallTruth)).get('excluded')!.result as { reason: string }).reason, 'internal');
    });

    // Evaluations keep the rule set and the decrypted credentials in memory between calls; these
    // tests fail if a change made through the API does not count from the very next call.
    test('a rule edited through the API counts from the next call, also after a reset and a save that reuses the version number', async () => {
      const x = newNumber();
      const rules = [{ id: 'cp', name: 'Контрагент', conditions: { directions: ['in'] }, actions: { counterparty: { mode: 'find_or_create' } } }];
      const save = async (ownNumbers: string[]) => {
        const r = await w.admin.req('PUT', rulesUrl(), { rules, settings: { ownNumbers } });
        assert.equal(r.status, 200, r.text);
        return r.json.version as number;
      };
      const call = async () => (await w.sim.play('incoming_answered', { contact: x, employees: [1001] })).truth as CallTruth;
      assert.equal((await w.admin.req('DELETE', rulesUrl())).status, 200);
      try {
        assert.equal(await save([x]), 1);
        const c1 = await call();
        await evaluated(c1, 'excluded');
        assert.equal(((await marks(c1)).get('excluded')!.result as { reason: string }).reason, 'own_number');

        // Back to the defaults and saved again: version 1 once more, with other settings.
        assert.equal((await w.admin.req('DELETE', rulesUrl())).status, 200);
        assert.equal(await save([]), 1);
        const c2 = await call();
        await evaluated(c2, 'counterparty');
        assert.equal((await marks(c2)).has('excluded'), false);
        assert.equal(counterpartiesWith(x).length, 1);

        assert.equal(await save([x]), 2);
        const c3 = await call();
        await evaluated(c3, 'excluded');
        assert.equal((await marks(c3)).has('counterparty'), false);
      } finally {
        await w.admin.req('DELETE', rulesUrl());
      }
    });

    test('a new secret of the JSON API credential counts from the next call', async () => {
      const setSecret = async (secret: string) => {
        const r = await w.admin.req('PATCH', `/api/v1/credentials/${jsonCredentialId}`, { secret });
        assert.equal(r.status, 200, r.text);
      };
      const call = async (phone: string) => (await w.sim.play('incoming_answered', { contact: phone, employees: [1001] })).truth as CallTruth;
      // Warm the evaluator's credential cache with the working secret first.
      const p0 = newNumber();
      await evaluated(await call(p0), 'counterparty');
      assert.equal(counterpartiesWith(p0).length, 1);
      await setSecret('not-a-valid-token');
      try {
        const p1 = newNumber();
        const t1 = await call(p1);
        await evaluated(t1, 'counterparty');
        assert.equal((await marks(t1)).get('counterparty')!.status, 'failed', 'MoySklad refused the new (wrong) secret');
        assert.equal(counterpartiesWith(p1).length, 0);
      } finally {
        await setSecret(solutionToken);
      }
      const p2 = newNumber();
      const t2 = await call(p2);
      await evaluated(t2, 'counterparty');
      assert.equal((await marks(t2)).get('counterparty')!.status, 'done');
      assert.equal(counterpartiesWith(p2).length, 1);
    });

    test('a redelivered evaluation repeats nothing: no second counterparty, task, log line or mark', async () => {
      const phone = newNumber();
      const missed = (await w.sim.play('incoming_lost', { contact: phone, employees: [1002] })).truth as CallTruth;
      await evaluated(missed, 'task');
      const ref = `call:${missed.callSessionId}`;
      const state = async () => ({
        counterparties: counterpartiesWith(phone).length,
        tasks: account().data.col('task').all().length,
        log: (await activity()).filter((e) => e.communicationRef === ref).map((e) => e.kind),
        marks: [...(await marks(missed))].map(([k, m]) => `${k}:${m.status}:${JSON.stringify(m.result)}:${m.at.toISOString()}`).sort(),
        // The attribution index (src/deals) gets the call once.
        touches: (
          await w.app.ctx.database.db
            .select()
            .from(tables.communications)
            .where(and(eq(tables.communications.accountId, await accountId()), eq(tables.communications.externalRef, String(missed.callSessionId))))
        ).map((r) => `${r.channel}:${r.phoneKey}`),
      });
      const first = await state();
      assert.equal(first.counterparties, 1);
      assert.deepEqual(first.touches, [`call:${phoneKey(phone)}`]);
      assert.deepEqual([...first.log].sort(), ['counterparty.created', 'task.created']);
      const evaluator = rulesEvaluatorFor(w.app.ctx);
      for (let i = 0; i < 2; i++) {
        const out = await evaluator.evaluate({ accountId: await accountId(), integrationId: w.integrationId, channel: 'call', ref: String(missed.callSessionId) });
        assert.equal(out.kind, 'done');
        if (out.kind === 'done') {
          assert.equal(out.result.taskId, undefined);
          assert.equal(out.result.counterpartyCreated, undefined);
        }
      }
      assert.deepEqual(await state(), first);
    });

    test('an evaluation that fails midway keeps what it decided; its retry acts once', async () => {
      const phone = newNumber();
      const store = new RulesStore(w.app.ctx.database.db);
      const acc = await accountId();
      // Someone else holds this number's counterparty lock: the evaluation stops before acting.
      const held = (await store.lockPhone(acc, phoneKey(phone)!))!;
      assert.ok(held);
      const t = (await w.sim.play('incoming_answered', { contact: phone, employees: [1001] })).truth as CallTruth;
      try {
        await evaluated(t, 'context');
        const m = await marks(t);
        assert.ok(m.has('enrichment'), 'the UIS report is kept for the retry');
        assert.equal(m.has('counterparty'), false);
        assert.equal(counterpartiesWith(phone).length, 0);
      } finally {
        await store.unlockPhone(acc, phoneKey(phone)!, held.token);
      }
      await evaluated(t, 'counterparty');
      assert.equal(counterpartiesWith(phone).length, 1);
      const created = (await activity()).filter((e) => e.kind === 'counterparty.created' && e.communicationRef === `call:${t.callSessionId}`);
      assert.equal(created.length, 1);
    });
  });
}
